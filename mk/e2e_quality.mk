# mk/e2e_quality.mk - calls over impaired networks: the impairment relay
# and the end-to-end loss and rate-limit tests with real browsers.
