# mk/e2e_interop.mk - interoperability end-to-end tests, run one at a time by
# `make check-e2e`: Chromium with Firefox ESR (puppeteer-core, tests/e2e/lib/
# firefox.mjs) and Chromium with aiortc (tests/e2e/aiortc_peer.py), each in its
# own network namespace with the real server.
E2E_TESTS += tests/e2e/test_firefox_chromium.mjs tests/e2e/test_aiortc_chromium.mjs
EXTRA_DIST += tests/e2e/test_firefox_chromium.mjs tests/e2e/test_aiortc_chromium.mjs \
	tests/e2e/lib/firefox.mjs
