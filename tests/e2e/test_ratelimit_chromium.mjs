// test_ratelimit_chromium.mjs - a one-to-one call (duo room, two Chromium
// pages, fake camera at 640x480, 20 fps) through the impairment relay
// (lib/impair_relay.py, 25 ms one way, no loss). After a 20 s warm-up (the
// senders' estimates ramp up from the transport-wide feedback) it limits
// every participant's link to the server, both ways, with the relay's token
// bucket (per client: 150 kbit/s, 4000-byte burst, 200 ms queue, like
// `tbf rate 150kbit burst 32kbit latency 200ms`), then lifts the limit. It
// checks what bandwidth feedback must achieve: under the limit each sender's
// estimate (candidate-pair availableOutgoingBitrate) and encoder target
// (outbound-rtp targetBitrate) fall below 1.5x the limit within 15 s, the video
// never stops for 5 s or more and, once the sender has adapted, plays at 8
// frames a second or more; once the limit is gone both figures rise above 2x
// the limit again within 40 s (GCC grows additively after congestion) and the video plays at its earlier rate. The figures are
// printed as TAP comments, one line a second. Ends with the server's clean exit.
//
// The limit is in the relay, not `tc ... tbf` on lo: on lo a qdisc shapes
// every hop of the namespace at once (browser to relay, relay to server, the
// WebSocket signaling), so each media packet would be counted twice and
// signaling would queue behind media; the relay shapes only each client's own
// leg, as an access link would.
//
//   SB_BUILDDIR=build/test node tests/e2e/test_ratelimit_chromium.mjs
// SB_QUALITY_RATE_KBIT (150), SB_QUALITY_RATE_DIR (both, up or down),
// SB_QUALITY_WARMUP_S (20), SB_QUALITY_LIMIT_S (30), SB_QUALITY_RECOVER_S (40),
// SB_QUALITY_DELAY_MS (25) change the scenario.
import { checkMedia, launchBrowser, openParticipant, run, sleep } from './lib/harness.mjs';
import {
  constrainCamera, formatFigures, sampleWindow, stallFigures, startImpairedServer, windowFigures,
} from './lib/quality.mjs';

const env = (k, d) => (process.env[k] !== undefined && process.env[k] !== '' ? Number(process.env[k]) : d);
const LIMIT = env('SB_QUALITY_RATE_KBIT', 150);
const DIR = process.env.SB_QUALITY_RATE_DIR || 'both';
const WARMUP_S = env('SB_QUALITY_WARMUP_S', 20);
const LIMIT_S = env('SB_QUALITY_LIMIT_S', 30);
const RECOVER_S = env('SB_QUALITY_RECOVER_S', 40);
const DELAY_MS = env('SB_QUALITY_DELAY_MS', 25);
const FIT_WITHIN_S = 15;
const FIT = 1.5; // x the limit
const RECOVERED = 2; // x the limit
const MAX_STALL_S = 5; // longest stretch with no frame decoded, over the whole limited window
const MIN_FPS = 8; // decoded under the limit (of 20 sent), averaged over the window after FIT_WITHIN_S
const MAX_FROZEN_SHARE = 0.5; // of that window

const n = (v, d = 0) => (typeof v === 'number' && !Number.isNaN(v) ? v.toFixed(d) : 'n/a');

await run('ratelimit', async (ctx) => {
  const { t } = ctx;
  const { server, relay } = await startImpairedServer(ctx, { config: { delay_ms: DELAY_MS } });
  t.comment(`relay ${relay.ready.listen} -> ${relay.ready.upstream}, ${DELAY_MS} ms one way; limit ${LIMIT} kbit/s (${DIR}) ` +
    `for ${LIMIT_S} s after ${WARMUP_S} s, then ${RECOVER_S} s without`);
  const room = 'ratelimit-e2e';
  const [ba, bb] = await Promise.all([launchBrowser(ctx), launchBrowser(ctx)]);
  await Promise.all([constrainCamera(ba), constrainCamera(bb)]);
  const [alice, bob] = await Promise.all([
    openParticipant(ctx, ba, server, { name: 'alice', room }),
    openParticipant(ctx, bb, server, { name: 'bob', room }),
  ]);
  const aliceId = await alice.join();
  const bobId = await bob.join();
  const ma = await checkMedia(ctx, alice, bobId, 'alice decodes bob\'s video through the relay');
  const mb = await checkMedia(ctx, bob, aliceId, 'bob decodes alice\'s video through the relay');
  if (!ma.ok || !mb.ok) throw new Error('no media through the relay: nothing to measure');

  const pages = [alice.page, bob.page];
  const names = ['alice', 'bob'];
  const dirs = [[0, 1], [1, 0]]; // [tx, rx]
  // One comment line a second: per sender its estimate, target and send rate, per receiver frames.
  const tick = (t0) => (s, series) => {
    const prev = series[series.length - 2];
    const parts = dirs.map(([tx, rx]) => {
      const f = windowFigures(prev[rx], s[rx], prev[tx], s[tx]);
      return `${names[tx]}->${names[rx]} est ${n(f.availableOutKbps)} target ${n(f.targetKbps)} sent ${n(f.txKbps)} kbit/s ` +
        `${f.sentSize} ${n(f.decodedFps, 0)} fps`;
    });
    t.comment(`t=${n((s[0].t - t0) / 1000, 0)} s  ${parts.join('  |  ')}`);
  };

  await sleep(Math.max(0, WARMUP_S - 5) * 1000);
  const base = await sampleWindow(pages, 5);
  const baseFig = dirs.map(([tx, rx]) => windowFigures(base.first[rx], base.last[rx], base.first[tx], base.last[tx]));
  dirs.forEach(([tx, rx], k) => t.comment(formatFigures(`before the limit ${names[tx]} -> ${names[rx]}`, baseFig[k])));
  for (const [k, [tx]] of dirs.entries()) {
    const f = baseFig[k];
    t.ok(f.availableOutKbps > FIT * LIMIT && f.txKbps > LIMIT,
      `before the limit, ${names[tx]} sends more than the limit (${n(f.txKbps)} kbit/s, estimate ${n(f.availableOutKbps)} kbit/s, ` +
      `target ${n(f.targetKbps)} kbit/s; limit ${LIMIT}): the limit binds`, f);
  }

  // --- the limit
  const r0 = await relay.stats();
  await relay.set({ rate_kbit: LIMIT, burst_bytes: 4000, queue_ms: 200 }, DIR);
  const tLimit = Date.now();
  t.comment(`--- limit ${LIMIT} kbit/s on (${DIR})`);
  const lim = await sampleWindow(pages, LIMIT_S, { onSample: tick(tLimit) });
  const r1 = await relay.stats();
  t.comment(`relay under the limit: up ${r1.up.dropped_rate - r0.up.dropped_rate} dropped by the shaper of ${r1.up.received - r0.up.received}, ` +
    `down ${r1.down.dropped_rate - r0.down.dropped_rate} of ${r1.down.received - r0.down.received}; longest queue ${n(Math.max(r1.up.max_queue_ms, r1.down.max_queue_ms))} ms`);
  for (const [tx, rx] of dirs) {
    const label = `${names[tx]} -> ${names[rx]}`;
    // First sample at which both the estimate and the target fit, and whether they stay so.
    const fitAt = lim.series.findIndex((s) => {
      const o = s[tx];
      return typeof o.pair?.availableOutgoingBitrate === 'number' && o.pair.availableOutgoingBitrate / 1000 < FIT * LIMIT &&
        typeof o.outbound?.targetBitrate === 'number' && o.outbound.targetBitrate / 1000 < FIT * LIMIT;
    });
    const fitS = fitAt >= 0 ? (lim.series[fitAt][tx].t - tLimit) / 1000 : null;
    const lastTx = lim.last[tx];
    t.ok(fitS !== null && fitS <= FIT_WITHIN_S,
      `${label}: under the limit the sender's estimate and target fall below ${FIT}x ${LIMIT} kbit/s within ${FIT_WITHIN_S} s ` +
      `(${fitS === null ? 'never' : `after ${n(fitS, 1)} s`}; at the end estimate ${n(lastTx.pair?.availableOutgoingBitrate / 1000)}, ` +
      `target ${n(lastTx.outbound?.targetBitrate / 1000)} kbit/s)`, { last: lastTx });
    const minEst = Math.min(...lim.series.map((s) => s[tx].pair?.availableOutgoingBitrate ?? Infinity)) / 1000;
    t.comment(`${label}: lowest estimate under the limit ${n(minEst)} kbit/s`);
    // The video never stops for long, even while the sender adapts...
    const whole = stallFigures(lim.series, rx);
    const wf = windowFigures(lim.first[rx], lim.last[rx], lim.first[tx], lim.last[tx]);
    t.comment(`${formatFigures(`under the limit, all ${n(wf.seconds, 0)} s, ${label}`, wf)}; no frame for ${n(whole.stalledSeconds, 1)} s`);
    t.ok(whole.longestStallSeconds < MAX_STALL_S,
      `${label}: under the limit the video never stops for ${MAX_STALL_S} s or more (longest stretch with no frame decoded ` +
      `${n(whole.longestStallSeconds, 1)} s; ${n(whole.stalledSeconds, 1)} s without frames in all ${n(wf.seconds, 0)} s)`, { figures: wf, stall: whole });
    // ...and plays at a fair rate once the sender had time to adapt.
    const k0 = Math.min(lim.series.length - 2, Math.max(0, lim.series.findIndex((s) => s[rx].t - tLimit >= FIT_WITHIN_S * 1000)));
    const late = lim.series.slice(k0);
    const f = windowFigures(late[0][rx], late[late.length - 1][rx], late[0][tx], late[late.length - 1][tx]);
    const st = stallFigures(late, rx);
    t.comment(`${formatFigures(`under the limit, last ${n(f.seconds, 0)} s, ${label}`, f)}; no frame for ${n(st.stalledSeconds, 1)} s`);
    const frozen = Math.min(f.seconds, Math.max(f.freezeSeconds ?? 0, st.stalledSeconds));
    t.ok(f.decodedFps >= MIN_FPS && frozen < MAX_FROZEN_SHARE * f.seconds,
      `${label}: once adapted, the video plays under the limit (${n(f.decodedFps, 1)} fps over the last ${n(f.seconds, 0)} s, at least ${MIN_FPS}; ` +
      `frozen or stalled ${n(frozen, 1)} s, less than ${n(MAX_FROZEN_SHARE * f.seconds, 0)} s)`, { figures: f, stall: st });
  }

  // --- lifted
  await relay.set({ rate_kbit: 0 }, DIR);
  const tLift = Date.now();
  t.comment('--- limit lifted');
  const rec = await sampleWindow(pages, RECOVER_S, { onSample: tick(tLift) });
  for (const [k, [tx, rx]] of dirs.entries()) {
    const label = `${names[tx]} -> ${names[rx]}`;
    const upAt = rec.series.findIndex((s) => {
      const o = s[tx];
      return o.pair?.availableOutgoingBitrate / 1000 > RECOVERED * LIMIT && o.outbound?.targetBitrate / 1000 > RECOVERED * LIMIT;
    });
    const upS = upAt >= 0 ? (rec.series[upAt][tx].t - tLift) / 1000 : null;
    const lastTx = rec.last[tx];
    t.ok(upS !== null, `${label}: once the limit is lifted the estimate and target rise above ${RECOVERED}x ${LIMIT} kbit/s within ${RECOVER_S} s ` +
      `(${upS === null ? 'never' : `after ${n(upS, 1)} s`}; at the end estimate ${n(lastTx.pair?.availableOutgoingBitrate / 1000)}, ` +
      `target ${n(lastTx.outbound?.targetBitrate / 1000)} kbit/s)`, { last: lastTx });
    const half = rec.series.slice(Math.floor(rec.series.length / 2));
    const f = windowFigures(half[0][rx], half[half.length - 1][rx], half[0][tx], half[half.length - 1][tx]);
    t.comment(formatFigures(`after the limit, last ${n(f.seconds, 0)} s, ${label}`, f));
    t.ok(f.decodedFps >= 0.6 * baseFig[k].decodedFps,
      `${label}: after the limit the video plays at its earlier rate (${n(f.decodedFps, 1)} fps, at least 60% of ${n(baseFig[k].decodedFps, 1)})`, f);
  }

  await Promise.all([ba.close(), bb.close()]);
  await relay.stop();
  await server.stopAndCheck();
}, { timeoutMs: 150000 + (WARMUP_S + LIMIT_S + RECOVER_S) * 1000 });
