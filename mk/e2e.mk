# mk/e2e.mk - end-to-end tests with real Chromium (playwright-core, Debian's
# chromium), run one at a time by `make check-e2e`. Each test re-runs itself in
# its own network namespace (tests/e2e/run_in_netns.sh), starts the real server
# from the build folder and checks what a user would see (the ICE restart test
# with Firefox ESR uses tests/e2e/lib/firefox.mjs too). The figures script
# tests/e2e/bench_call_figures.mjs builds on the same harness but is no test.
E2E_TESTS += tests/e2e/test_duo_chromium.mjs tests/e2e/test_echo_chromium.mjs \
	tests/e2e/test_relay_chromium.mjs tests/e2e/test_bad_input_chromium.mjs \
	tests/e2e/test_ice_restart_chromium.mjs tests/e2e/test_ice_restart_firefox.mjs \
	tests/e2e/test_resume_chromium.mjs
EXTRA_DIST += tests/e2e/lib/harness.mjs tests/e2e/run_in_netns.sh \
	tests/e2e/test_duo_chromium.mjs tests/e2e/test_echo_chromium.mjs \
	tests/e2e/test_relay_chromium.mjs tests/e2e/test_bad_input_chromium.mjs \
	tests/e2e/bench_call_figures.mjs tests/e2e/test_ice_restart_chromium.mjs \
	tests/e2e/test_ice_restart_firefox.mjs tests/e2e/test_resume_chromium.mjs
