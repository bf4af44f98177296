# mk/e2e_quality.mk - calls over impaired networks: the impairment relay
# and the end-to-end loss and rate-limit tests with real browsers.
#
# tests/e2e/lib/impair_relay.py is a UDP relay (Python standard library, run
# with /usr/bin/python3) that the tests start in their network namespace between
# the browsers and the server's media port (the server advertises the relay's
# address with --public-address): per direction it drops a share of datagrams,
# delays, reorders and rate-limits them. The tests, run one at a time by
# `make check-e2e`, measure a call at 0/2/5% loss per leg and under a rate
# limit and check that video keeps playing; the figures are TAP comments.
# test_loss_firefox (Firefox ESR with Chromium) and test_loss_aiortc (aiortc
# with Chromium) do the same at 5% with other NACK/RTX implementations on one
# side. test_codecs_chromium needs no relay: two Chromium pages call once per
# video codec (VP8, VP9, H.264, AV1, chosen with setCodecPreferences), with
# Opus audio; a codec this Chromium cannot encode or decode is a TAP skip.
#
#   make quality-bench [QUALITY_BENCH_ARGS='--runs 3 --losses 0,1,2,5']
# runs tests/bench/quality_bench.mjs (not a test): a Markdown table per loss rate;
# `--backend janus` runs the same call through Janus's VideoCall plugin
# (tests/bench/janus_quality/: janus.js page, config templates).
E2E_TESTS += tests/e2e/test_loss_chromium.mjs tests/e2e/test_ratelimit_chromium.mjs \
	tests/e2e/test_loss_firefox.mjs tests/e2e/test_loss_aiortc.mjs \
	tests/e2e/test_codecs_chromium.mjs
EXTRA_DIST += tests/e2e/lib/impair_relay.py tests/e2e/lib/quality.mjs \
	tests/e2e/test_loss_chromium.mjs tests/e2e/test_ratelimit_chromium.mjs \
	tests/e2e/test_loss_firefox.mjs tests/e2e/test_loss_aiortc.mjs \
	tests/e2e/test_codecs_chromium.mjs tests/e2e/aiortc_peer.py \
	tests/bench/quality_bench.mjs tests/bench/janus_quality

QUALITY_BENCH_ARGS =
.PHONY: quality-bench
quality-bench: all
	SB_SRCDIR='$(abs_top_srcdir)' SB_BUILDDIR='$(abs_top_builddir)' \
		node $(abs_top_srcdir)/tests/bench/quality_bench.mjs $(QUALITY_BENCH_ARGS)
