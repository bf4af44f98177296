// test_loss_aiortc.mjs - a one-to-one call between aiortc (tests/e2e/aiortc_peer.py,
// a second independent WebRTC stack with its own simple NACK/RTX/PLI handling)
// and Chromium (fake camera 640x480, 20 fps) in a duo room, through the
// impairment relay (lib/impair_relay.py) with 25 ms one-way delay on each leg:
// a short lossless baseline, then 5% random loss per leg in each direction
// (STUN and DTLS exempt). Video must keep arriving both ways under loss, with
// generous bounds: frames decoded per second at least 25% of the baseline and
// 2, and no frame for less than half of the window, on Chromium (getStats) and on
// aiortc (its decoded-frame count, reported every second with --report-every).
// The server must repair the leg towards each receiver: Chromium receives
// retransmissions (retransmittedPacketsReceived) and aiortc receives RTX packets
// (aiortc_peer.py's feedback counters). The rest of the recovery on both sides
// (NACKs, PLIs, what Chromium and aiortc resend when the server asks) is printed
// as TAP comments. Ends with the server's clean exit.
//
//   SB_BUILDDIR=build/test node tests/e2e/test_loss_aiortc.mjs
// SB_QUALITY_SECONDS (default 20), SB_QUALITY_SETTLE_S (5), SB_QUALITY_DELAY_MS
// (25), SB_QUALITY_LOSS (0.05) and SB_QUALITY_SEED change the run.
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { SRCDIR, checkMedia, launchBrowser, openParticipant, run, sleep, waitUntil, withTimeout } from './lib/harness.mjs';
import {
  PYTHON, constrainCamera, formatFigures, relayMediaLoss, sampleWindow, stallFigures, startImpairedServer, windowFigures,
} from './lib/quality.mjs';

const env = (k, d) => (process.env[k] !== undefined && process.env[k] !== '' ? Number(process.env[k]) : d);
const SECONDS = env('SB_QUALITY_SECONDS', 20);
const BASELINE_S = 8;
const SETTLE_S = env('SB_QUALITY_SETTLE_S', 5);
const DELAY_MS = env('SB_QUALITY_DELAY_MS', 25);
const LOSS = env('SB_QUALITY_LOSS', 0.05);
const SEED = env('SB_QUALITY_SEED', 1);
const PEER = path.join(SRCDIR, 'tests/e2e/aiortc_peer.py');
const MIN_FPS = 2;
const REL_FPS = 0.25;
const MAX_STALLED_SHARE = 0.5;

/**
 * Starts aiortc_peer.py (--progress --report-every 1) in `room`. Returns
 * { events, peerId(), latestStats(), waitEvent(pred, ms), stop(), diag() }; its
 * "stats" lines carry `at` (Date.now() when read).
 */
function startAiortc(ctx, server, room, seconds) {
  const proc = spawn(PYTHON, [PEER, '--url', server.wsUrl, '--room', room, '--seconds', String(seconds), '--progress', '--report-every', '1'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const a = { events: [], log: [], exited: null };
  readline.createInterface({ input: proc.stderr }).on('line', (line) => {
    let ev = null;
    try {
      ev = JSON.parse(line);
    } catch {
      ev = null;
    }
    if (ev && typeof ev.event === 'string') a.events.push({ ...ev, at: Date.now() });
    else {
      a.log.push(line);
      if (a.log.length > 40) a.log.shift();
    }
  });
  proc.stdout.resume();
  const exited = new Promise((resolve) => {
    proc.on('error', (err) => { a.exited = { error: err.message }; resolve(); });
    proc.on('exit', (code, signal) => { a.exited = { code, signal }; resolve(); });
  });
  a.peerId = () => a.events.find((e) => e.event === 'joined')?.peer_id ?? null;
  a.latestStats = () => a.events.filter((e) => e.event === 'stats').pop() || null;
  a.waitEvent = (pred, timeoutMs = 20000) => waitUntil(() => a.events.find(pred) || null, { timeoutMs, intervalMs: 100 });
  a.stop = async () => {
    if (!a.exited) {
      proc.kill('SIGKILL');
      await withTimeout(exited, 5000, 'aiortc exit').catch(() => {});
    }
  };
  a.diag = (extra) => [extra ? JSON.stringify(extra) : '', `aiortc exit: ${JSON.stringify(a.exited)}`, 'aiortc events:',
    ...a.events.filter((e) => e.event !== 'stats').map((e) => JSON.stringify(e)), `last stats: ${JSON.stringify(a.latestStats())}`,
    'aiortc stderr:', ...a.log].filter(Boolean).join('\n');
  ctx.defer(a.stop);
  return a;
}

/** aiortc's figures between two of its "stats" lines: video frames from `from`, per second, and feedback deltas. */
function aiortcFigures(s0, s1, from) {
  const secs = (s1.t - s0.t) || 1;
  const frames = (s1.frames?.[from] ?? 0) - (s0.frames?.[from] ?? 0);
  const fb = {};
  for (const k of Object.keys(s1.feedback || {})) fb[k] = s1.feedback[k] - (s0.feedback?.[k] ?? 0);
  return { seconds: secs, frames, fps: frames / secs, feedback: fb };
}

/** Seconds of a series of aiortc "stats" lines in which no new frame from `from` arrived, and the longest such stretch. */
function aiortcStalls(series, from) {
  let stalled = 0, longest = 0, runS = 0;
  for (let k = 1; k < series.length; k++) {
    const dt = series[k].t - series[k - 1].t;
    if ((series[k].frames?.[from] ?? 0) <= (series[k - 1].frames?.[from] ?? 0)) {
      stalled += dt;
      runS += dt;
      longest = Math.max(longest, runS);
    } else {
      runS = 0;
    }
  }
  return { stalledSeconds: stalled, longestStallSeconds: longest };
}

const fmtFeedback = (fb) => `NACKs sent ${fb.nacks_sent} (${fb.nacked_seqs_sent} seqs), PLIs sent ${fb.plis_sent}, RTX received ${fb.rtx_received}; ` +
  `NACKs received ${fb.nacks_received} (${fb.nacked_seqs_received} seqs), PLIs received ${fb.plis_received}`;

await run('loss-aiortc', async (ctx) => {
  const { t } = ctx;
  const { server, relay, mediaPort } = await startImpairedServer(ctx, { seed: SEED, config: { delay_ms: DELAY_MS, loss: 0 } });
  t.comment(`relay ${relay.ready.listen} -> ${relay.ready.upstream} (server media port ${mediaPort}), ${DELAY_MS} ms one way, seed ${SEED}; ` +
    `baseline ${BASELINE_S} s, then ${(LOSS * 100).toFixed(0)}% loss for ${SECONDS} s after ${SETTLE_S} s settling`);
  const room = 'loss-aio';
  const browser = await launchBrowser(ctx);
  await constrainCamera(browser);
  const cr = await openParticipant(ctx, browser, server, { name: 'chromium', room });
  const crId = await cr.join();
  const aio = startAiortc(ctx, server, room, 140);
  const up = await aio.waitEvent((e) => e.event === 'connection' && e.state === 'connected', 30000);
  const aioId = aio.peerId();
  t.ok(up && aioId, `aiortc joins (${aioId}) and connects its media through the relay`, up ? undefined : aio.diag());
  const m = await checkMedia(ctx, cr, aioId, 'Chromium decodes aiortc\'s video through the relay', { timeoutMs: 30000 });
  const aioFrames = await waitUntil(() => {
    const s = aio.latestStats();
    return (s?.frames?.[crId] ?? 0) > 0 ? s : null;
  }, { timeoutMs: 30000 });
  t.ok(aioFrames, `aiortc decodes Chromium's video through the relay (${aioFrames?.frames?.[crId] ?? 0} frames)`, aioFrames ? undefined : aio.diag());
  if (!m.ok || !aioFrames) throw new Error('no media through the relay: nothing to measure');

  const baseline = {};
  for (const loss of [0, LOSS]) {
    const pct = `${(loss * 100).toFixed(0)}%`;
    await relay.set({ loss });
    await sleep((loss ? SETTLE_S : 2) * 1000);
    const r0 = await relay.stats();
    const aioSeries = [aio.latestStats()];
    const w = await sampleWindow([cr.page], loss ? SECONDS : BASELINE_S, { onSample: () => { aioSeries.push(aio.latestStats()); } });
    const r1 = await relay.stats();
    const u = relayMediaLoss(r0, r1, 'up');
    const d = relayMediaLoss(r0, r1, 'down');
    t.comment(`--- ${pct} loss per leg each way: relay dropped ${u.dropped}/${u.received} RTP up (${(100 * u.share).toFixed(2)}%), ` +
      `${d.dropped}/${d.received} down (${(100 * d.share).toFixed(2)}%)`);
    if (loss > 0) {
      const ok = (x) => x.received > 100 && x.share > loss * 0.4 && x.share < loss * 2;
      t.ok(ok(u) && ok(d), `${pct}: the relay drops about ${pct} of media packets each way ` +
        `(${(100 * u.share).toFixed(2)}% up, ${(100 * d.share).toFixed(2)}% down)`, { u, d });
    }
    // From Chromium's getStats: its inbound video is aiortc -> Chromium, its outbound Chromium -> aiortc.
    const f = windowFigures(w.first[0], w.last[0], w.first[0], w.last[0]);
    const st = stallFigures(w.series, 0);
    t.comment(`${pct} aiortc -> chromium: decoded ${f.decodedFps.toFixed(1)} fps (${f.size}), freezes ${f.freezeCount} / ${(f.freezeSeconds ?? 0).toFixed(2)} s, ` +
      `keyframes ${f.keyFrames}, lost ${f.packetsLost}/${(f.packetsLost ?? 0) + (f.packetsReceived ?? 0)}, NACKs sent ${f.nacksSent}, ` +
      `PLIs sent ${f.plisSent}, retx received ${f.retxReceived}, ${f.rxKbps.toFixed(0)} kbit/s; ` +
      `no frame decoded for ${st.stalledSeconds.toFixed(1)} s (longest ${st.longestStallSeconds.toFixed(1)} s)`);
    // Chromium -> aiortc: Chromium's outbound figures, aiortc's frame counts.
    const a = aiortcFigures(aioSeries[0], aioSeries[aioSeries.length - 1], crId);
    const ast = aiortcStalls(aioSeries, crId);
    t.comment(`${pct} chromium -> aiortc: aiortc decoded ${a.fps.toFixed(1)} fps (${a.frames} frames in ${a.seconds.toFixed(1)} s); ` +
      `chromium sent ${f.sentFps.toFixed(1)} fps ${f.sentSize}, ${f.txKbps.toFixed(0)} kbit/s, NACKs in ${f.nacksReceivedBySender}, ` +
      `PLIs in ${f.plisReceivedBySender}, retx sent ${f.retxSent}; no frame at aiortc for ${ast.stalledSeconds.toFixed(1)} s ` +
      `(longest ${ast.longestStallSeconds.toFixed(1)} s)`);
    t.comment(`${pct} aiortc feedback: ${fmtFeedback(a.feedback)}`);
    if (loss === 0) {
      baseline.cr = f.decodedFps;
      baseline.aio = a.fps;
      t.ok(f.decodedFps >= 5, `${pct} aiortc -> chromium: the video plays (${f.decodedFps.toFixed(1)} frames decoded per second, at least 5)`, { f, last: w.last[0] });
      t.ok(a.fps >= 5, `${pct} chromium -> aiortc: the video plays (${a.fps.toFixed(1)} frames decoded per second, at least 5)`, aio.diag(a));
      continue;
    }
    const floorCr = Math.max(MIN_FPS, REL_FPS * baseline.cr);
    const floorAio = Math.max(MIN_FPS, REL_FPS * baseline.aio);
    t.ok(f.decodedFps >= floorCr, `${pct} aiortc -> chromium: the video keeps moving (${f.decodedFps.toFixed(1)} frames decoded per second, ` +
      `at least ${floorCr.toFixed(1)}: ${(REL_FPS * 100).toFixed(0)}% of ${baseline.cr.toFixed(1)} without loss, and ${MIN_FPS})`, { f, st });
    t.ok(st.stalledSeconds < MAX_STALLED_SHARE * f.seconds, `${pct} aiortc -> chromium: no frame decoded for ${st.stalledSeconds.toFixed(1)} s ` +
      `of ${f.seconds.toFixed(0)} s (less than ${(MAX_STALLED_SHARE * f.seconds).toFixed(0)} s)`, { f, st });
    t.ok(a.fps >= floorAio, `${pct} chromium -> aiortc: the video keeps moving (${a.fps.toFixed(1)} frames decoded per second, ` +
      `at least ${floorAio.toFixed(1)}: ${(REL_FPS * 100).toFixed(0)}% of ${baseline.aio.toFixed(1)} without loss, and ${MIN_FPS})`, aio.diag(a));
    t.ok(ast.stalledSeconds < MAX_STALLED_SHARE * a.seconds, `${pct} chromium -> aiortc: no frame decoded for ${ast.stalledSeconds.toFixed(1)} s ` +
      `of ${a.seconds.toFixed(0)} s (less than ${(MAX_STALLED_SHARE * a.seconds).toFixed(0)} s)`, aio.diag({ a, ast }));
    t.ok(typeof f.retxReceived === 'number' && f.retxReceived > 0,
      `${pct} aiortc -> chromium: the server resends to Chromium what the relay dropped (${f.retxReceived} retransmissions received)`, { f });
    t.ok(a.feedback.rtx_received > 0,
      `${pct} chromium -> aiortc: the server resends to aiortc what the relay dropped (${a.feedback.rtx_received} RTX packets received, ` +
      `${a.feedback.nacked_seqs_sent} seqs NACKed)`, aio.diag(a));
  }
  const errs = aio.events.filter((e) => e.event === 'error');
  t.ok(errs.length === 0, 'the aiortc peer got no error message', errs);
  const st = await cr.probe();
  t.ok(st.connection === 'connected' && aio.events.filter((e) => e.event === 'connection').pop()?.state === 'connected',
    `both peer connections are still connected (chromium ${st.connection}, aiortc ${aio.events.filter((e) => e.event === 'connection').pop()?.state})`);

  await aio.stop();
  await browser.close();
  const fin = await relay.stop();
  t.comment(`relay totals: up ${fin?.up.forwarded} forwarded, ${fin?.up.dropped} dropped; down ${fin?.down.forwarded} forwarded, ${fin?.down.dropped} dropped`);
  await server.stopAndCheck();
}, { timeoutMs: 150000 });
