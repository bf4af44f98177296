// test_loss_firefox.mjs - a one-to-one call between Firefox ESR and Chromium
// (duo room; Chromium's fake camera at 640x480, 20 fps) through the impairment
// relay (lib/impair_relay.py) with 25 ms one-way delay on each leg: first a
// short lossless baseline, then 5% random loss per leg in each direction (STUN
// and DTLS exempt). Two browser stacks with their own NACK, RTX and keyframe
// request habits then depend on the server recovering each leg: it asks the
// sender again for what it lost upstream and resends from its own history what
// the receiver lost downstream. With generous bounds, both directions must keep
// decoding under loss (frames decoded per second at least 25% of the baseline
// and 2, no frame for less than half of the window) and retransmissions must
// happen on both legs that Chromium can see: Chromium -> Firefox, Chromium
// resends what the server asks for (retransmittedPacketsSent); Firefox ->
// Chromium, Chromium receives the server's retransmissions
// (retransmittedPacketsReceived). Firefox's own counters (NACKs it sent and
// received, its retransmissions where it reports them) are printed with the
// other figures as TAP comments. Ends with the server's clean exit.
//
//   SB_BUILDDIR=build/test node tests/e2e/test_loss_firefox.mjs
// SB_QUALITY_SECONDS (default 20), SB_QUALITY_SETTLE_S (5), SB_QUALITY_DELAY_MS
// (25), SB_QUALITY_LOSS (0.05) and SB_QUALITY_SEED change the run.
import { checkMedia, launchBrowser, openParticipant, run, sleep } from './lib/harness.mjs';
import { launchFirefox, openFirefoxParticipant } from './lib/firefox.mjs';
import {
  constrainCamera, formatFigures, relayMediaLoss, sampleWindow, stallFigures, startImpairedServer, windowFigures,
} from './lib/quality.mjs';

const env = (k, d) => (process.env[k] !== undefined && process.env[k] !== '' ? Number(process.env[k]) : d);
const SECONDS = env('SB_QUALITY_SECONDS', 20);
const BASELINE_S = 10;
const SETTLE_S = env('SB_QUALITY_SETTLE_S', 5);
const DELAY_MS = env('SB_QUALITY_DELAY_MS', 25);
const LOSS = env('SB_QUALITY_LOSS', 0.05);
const SEED = env('SB_QUALITY_SEED', 1);
const MIN_FPS = 2; // under loss, absolute floor
const REL_FPS = 0.25; // under loss, relative to the baseline
const MAX_STALLED_SHARE = 0.5; // of the window

await run('loss-firefox', async (ctx) => {
  const { t } = ctx;
  const { server, relay, mediaPort } = await startImpairedServer(ctx, { seed: SEED, config: { delay_ms: DELAY_MS, loss: 0 } });
  t.comment(`relay ${relay.ready.listen} -> ${relay.ready.upstream} (server media port ${mediaPort}), ${DELAY_MS} ms one way, seed ${SEED}; ` +
    `baseline ${BASELINE_S} s, then ${(LOSS * 100).toFixed(0)}% loss for ${SECONDS} s after ${SETTLE_S} s settling`);
  const room = 'loss-ff';
  const [chrome, firefox] = await Promise.all([launchBrowser(ctx), launchFirefox(ctx)]);
  await constrainCamera(chrome);
  const [cr, ff] = await Promise.all([
    openParticipant(ctx, chrome, server, { name: 'chromium', room }),
    openFirefoxParticipant(ctx, firefox, server, { name: 'firefox', room }),
  ]);
  t.comment(`firefox ${await firefox.version()}`);
  const crId = await cr.join();
  const ffId = await ff.join();
  t.ok(crId && ffId, `both pages joined the duo room (chromium ${crId}, firefox ${ffId})`);
  const m1 = await checkMedia(ctx, cr, ffId, 'Chromium decodes Firefox\'s video through the relay', { timeoutMs: 30000 });
  const m2 = await checkMedia(ctx, ff, crId, 'Firefox decodes Chromium\'s video through the relay', { timeoutMs: 30000 });
  if (!m1.ok || !m2.ok) throw new Error('no media through the relay: nothing to measure');
  const rs = await relay.stats();
  t.ok(rs.clients >= 2 && rs.up.by_class.rtp.received > 0 && rs.down.by_class.rtp.received > 0,
    `media goes through the relay (${rs.clients} clients, ${rs.up.by_class.rtp.received} RTP up, ${rs.down.by_class.rtp.received} RTP down)`, rs);

  const pages = [cr.page, ff.page];
  const names = ['chromium', 'firefox'];
  const baseline = {};
  for (const loss of [0, LOSS]) {
    const pct = `${(loss * 100).toFixed(0)}%`;
    await relay.set({ loss });
    await sleep((loss ? SETTLE_S : 2) * 1000);
    const r0 = await relay.stats();
    const w = await sampleWindow(pages, loss ? SECONDS : BASELINE_S);
    const r1 = await relay.stats();
    const up = relayMediaLoss(r0, r1, 'up');
    const down = relayMediaLoss(r0, r1, 'down');
    t.comment(`--- ${pct} loss per leg each way: relay dropped ${up.dropped}/${up.received} RTP up (${(100 * up.share).toFixed(2)}%), ` +
      `${down.dropped}/${down.received} down (${(100 * down.share).toFixed(2)}%)`);
    if (loss > 0) {
      const ok = (x) => x.received > 100 && x.share > loss * 0.4 && x.share < loss * 2;
      t.ok(ok(up) && ok(down), `${pct}: the relay drops about ${pct} of media packets each way ` +
        `(${(100 * up.share).toFixed(2)}% up, ${(100 * down.share).toFixed(2)}% down)`, { up, down });
    }
    const figs = {};
    for (const [rx, tx] of [[1, 0], [0, 1]]) {
      const label = `${pct} ${names[tx]} -> ${names[rx]}`;
      const f = windowFigures(w.first[rx], w.last[rx], w.first[tx], w.last[tx]);
      const st = stallFigures(w.series, rx);
      figs[`${tx}${rx}`] = f;
      t.comment(`${formatFigures(label, f)}; no frame decoded for ${st.stalledSeconds.toFixed(1)} s (longest ${st.longestStallSeconds.toFixed(1)} s); ` +
        `receiver's decoder ${w.last[rx].inbound?.decoderImplementation ?? 'n/a'}, sender's encoder ${w.last[tx].outbound?.encoderImplementation ?? 'n/a'}`);
      if (loss === 0) {
        baseline[rx] = f.decodedFps;
        t.ok(f.decodedFps >= 5, `${label}: the video plays (${f.decodedFps.toFixed(1)} frames decoded per second, at least 5)`,
          { figures: f, last: w.last[rx] });
        continue;
      }
      const floor = Math.max(MIN_FPS, REL_FPS * (baseline[rx] ?? 0));
      t.ok(f.decodedFps >= floor, `${label}: the video keeps moving (${f.decodedFps.toFixed(1)} frames decoded per second, ` +
        `at least ${floor.toFixed(1)}: ${(REL_FPS * 100).toFixed(0)}% of ${(baseline[rx] ?? 0).toFixed(1)} without loss, and ${MIN_FPS})`,
      { figures: f, stall: st });
      t.ok(st.stalledSeconds < MAX_STALLED_SHARE * f.seconds, `${label}: no frame decoded for ${st.stalledSeconds.toFixed(1)} s of ` +
        `${f.seconds.toFixed(0)} s (less than ${(MAX_STALLED_SHARE * f.seconds).toFixed(0)} s; longest ${st.longestStallSeconds.toFixed(1)} s)`,
      { figures: f, stall: st });
    }
    if (loss > 0) {
      // Chromium -> Firefox: the server asks Chromium again for what the relay dropped upstream.
      const cf = figs['01'];
      t.ok(typeof cf.retxSent === 'number' && cf.retxSent > 0,
        `${pct} chromium -> firefox: Chromium retransmits what the server asks for (${cf.retxSent ?? 'no retransmittedPacketsSent'} retransmissions sent, ` +
        `${cf.nacksReceivedBySender ?? 'n/a'} NACKs in); Firefox sent ${cf.nacksSent ?? 'n/a'} NACKs and received ${cf.retxReceived ?? 'n/a'} retransmissions`,
        { figures: cf });
      // Firefox -> Chromium: the server resends what the relay dropped downstream.
      const fc = figs['10'];
      t.ok(typeof fc.retxReceived === 'number' && fc.retxReceived > 0,
        `${pct} firefox -> chromium: Chromium receives retransmissions (${fc.retxReceived ?? 'no retransmittedPacketsReceived'}, ` +
        `${fc.packetsLost} packets lost, ${fc.nacksSent} NACKs sent); Firefox got ${fc.nacksReceivedBySender ?? 'n/a'} NACKs and ` +
        `retransmitted ${fc.retxSent ?? 'n/a'}`, { figures: fc });
    }
  }
  const end = await Promise.all(pages.map((p) => p.evaluate(() => window.sb.pc?.connectionState)));
  t.ok(end.every((s) => s === 'connected'), `both peer connections are still connected (${end.join(', ')})`);

  await Promise.all([chrome.close(), firefox.close()]);
  const fin = await relay.stop();
  t.comment(`relay totals: up ${fin?.up.forwarded} forwarded, ${fin?.up.dropped} dropped; down ${fin?.down.forwarded} forwarded, ${fin?.down.dropped} dropped`);
  await server.stopAndCheck();
}, { timeoutMs: 150000 });
