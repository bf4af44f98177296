// test_loss_chromium.mjs - a one-to-one call (duo room, two Chromium pages,
// fake camera at 640x480, 20 fps) through the impairment relay
// (lib/impair_relay.py) with 25 ms one-way delay on each leg, measured at 0%,
// then 2%, then 5% random loss per leg in each direction (STUN and DTLS exempt),
// one case after the other in the same call. For each case and each direction
// of the call, after a few seconds of settling, it reads getStats() for 20 s and
// checks what a user would notice: the video keeps moving (frames decoded per
// second at least 60% of the lossless case), it does not freeze for long (less
// than 35% of the window frozen or stalled), and lost packets are
// retransmitted (retransmissions received > 0). It also checks that the relay
// really dropped about the share it was told to. The figures of every case are
// printed as TAP comments. Ends with the server's clean exit.
//
//   SB_BUILDDIR=build/test node tests/e2e/test_loss_chromium.mjs
// SB_QUALITY_SECONDS (default 20), SB_QUALITY_WARMUP_S (10), SB_QUALITY_SETTLE_S
// (5) and SB_QUALITY_DELAY_MS (25) change the timing, SB_QUALITY_SEED the
// relay's random seed.
import { checkMedia, launchBrowser, openParticipant, run, sleep } from './lib/harness.mjs';
import {
  constrainCamera, formatFigures, relayMediaLoss, sampleWindow, stallFigures, startImpairedServer, windowFigures,
} from './lib/quality.mjs';

const env = (k, d) => (process.env[k] !== undefined && process.env[k] !== '' ? Number(process.env[k]) : d);
const SECONDS = env('SB_QUALITY_SECONDS', 20);
const WARMUP_S = env('SB_QUALITY_WARMUP_S', 10);
const SETTLE_S = env('SB_QUALITY_SETTLE_S', 5);
const DELAY_MS = env('SB_QUALITY_DELAY_MS', 25);
const SEED = env('SB_QUALITY_SEED', 1);
const LOSSES = [0, 0.02, 0.05];
const MIN_FPS_LOSSLESS = 5; // the fake camera sends 20; a loaded 2-core machine decodes fewer
const REL_FPS = 0.6; // decoded rate under loss, relative to the lossless case
// of the window; measured 10-23% at 5% loss per leg on a loaded 2-core machine
// (freezes come from double losses: a retransmission or its NACK lost too),
// against 80-100% before the server recovered losses
const MAX_FROZEN_SHARE = 0.35;

await run('loss', async (ctx) => {
  const { t } = ctx;
  const { server, relay, mediaPort } = await startImpairedServer(ctx, { seed: SEED, config: { delay_ms: DELAY_MS, loss: 0 } });
  t.comment(`relay ${relay.ready.listen} -> ${relay.ready.upstream} (server media port ${mediaPort}), ${DELAY_MS} ms one way, seed ${SEED}; ` +
    `${SECONDS} s per case after ${SETTLE_S} s settling, ${WARMUP_S} s warm-up`);
  const room = 'loss-e2e';
  const [ba, bb] = await Promise.all([launchBrowser(ctx), launchBrowser(ctx)]);
  await Promise.all([constrainCamera(ba), constrainCamera(bb)]);
  const [alice, bob] = await Promise.all([
    openParticipant(ctx, ba, server, { name: 'alice', room }),
    openParticipant(ctx, bb, server, { name: 'bob', room }),
  ]);
  const aliceId = await alice.join();
  const bobId = await bob.join();
  t.ok(aliceId && bobId, `both pages joined the duo room (${aliceId}, ${bobId})`);
  const ma = await checkMedia(ctx, alice, bobId, 'alice decodes bob\'s video through the relay');
  const mb = await checkMedia(ctx, bob, aliceId, 'bob decodes alice\'s video through the relay');
  if (!ma.ok || !mb.ok) throw new Error('no media through the relay: nothing to measure');
  const rs = await relay.stats();
  t.ok(rs.clients >= 2 && rs.up.by_class.rtp.received > 0 && rs.down.by_class.rtp.received > 0,
    `media goes through the relay (${rs.clients} clients, ${rs.up.by_class.rtp.received} RTP up, ${rs.down.by_class.rtp.received} RTP down)`, rs);
  await sleep(WARMUP_S * 1000);

  const pages = [alice.page, bob.page];
  const names = ['alice', 'bob'];
  const lossless = {};
  for (const loss of LOSSES) {
    const pct = `${(loss * 100).toFixed(0)}%`;
    await relay.set({ loss });
    await sleep(SETTLE_S * 1000);
    const r0 = await relay.stats();
    const w = await sampleWindow(pages, SECONDS);
    const r1 = await relay.stats();
    const up = relayMediaLoss(r0, r1, 'up');
    const down = relayMediaLoss(r0, r1, 'down');
    t.comment(`--- ${pct} loss per leg each way: relay dropped ${up.dropped}/${up.received} RTP up (${(100 * up.share).toFixed(2)}%), ` +
      `${down.dropped}/${down.received} down (${(100 * down.share).toFixed(2)}%)`);
    if (loss === 0) {
      t.ok(up.dropped === 0 && down.dropped === 0 && up.received > 0 && down.received > 0,
        `${pct}: the relay forwards every media packet (${up.received} up, ${down.received} down)`, { r0, r1 });
    } else {
      const ok = (x) => x.received > 100 && x.share > loss * 0.4 && x.share < loss * 2;
      t.ok(ok(up) && ok(down), `${pct}: the relay drops about ${pct} of media packets each way ` +
        `(${(100 * up.share).toFixed(2)}% up, ${(100 * down.share).toFixed(2)}% down)`, { up, down });
    }
    for (const [rx, tx] of [[1, 0], [0, 1]]) {
      const label = `${pct} ${names[tx]} -> ${names[rx]}`;
      const f = windowFigures(w.first[rx], w.last[rx], w.first[tx], w.last[tx]);
      const st = stallFigures(w.series, rx);
      t.comment(`${formatFigures(label, f)}; no frame decoded for ${st.stalledSeconds.toFixed(1)} s (longest ${st.longestStallSeconds.toFixed(1)} s)`);
      // totalFreezesDuration grows when a freeze ends, by the whole freeze, which
      // may have begun before the window: capped at the window's length.
      const frozen = Math.min(f.seconds, Math.max(f.freezeSeconds ?? 0, st.stalledSeconds));
      if (loss === 0) {
        lossless[rx] = f.decodedFps;
        t.ok(f.decodedFps >= MIN_FPS_LOSSLESS, `${label}: the video plays (${f.decodedFps.toFixed(1)} frames decoded per second, at least ${MIN_FPS_LOSSLESS})`,
          { figures: f, last: w.last[rx] });
      } else {
        const ref = lossless[rx] ?? 0;
        t.ok(f.decodedFps >= REL_FPS * ref, `${label}: the video keeps moving (${f.decodedFps.toFixed(1)} frames decoded per second, ` +
          `at least ${(REL_FPS * 100).toFixed(0)}% of ${ref.toFixed(1)} without loss)`, { figures: f, stall: st });
      }
      t.ok(frozen < MAX_FROZEN_SHARE * f.seconds, `${label}: frozen or stalled ${frozen.toFixed(1)} s of ${f.seconds.toFixed(0)} s ` +
        `(less than ${(MAX_FROZEN_SHARE * f.seconds).toFixed(0)} s; freezes ${f.freezeCount ?? 'n/a'}, ${(f.freezeSeconds ?? 0).toFixed(1)} s)`, { figures: f, stall: st });
      if (loss > 0) {
        t.ok(typeof f.retxReceived === 'number' && f.retxReceived > 0,
          `${label}: lost packets are retransmitted (${f.retxReceived ?? 'no retransmittedPacketsReceived'} retransmissions received, ` +
          `${f.packetsLost} packets lost, ${f.nacksSent} NACKs sent)`, { figures: f });
      }
    }
  }
  const end = await Promise.all(pages.map((p) => p.evaluate(() => window.sb.pc?.connectionState)));
  t.ok(end.every((s) => s === 'connected'), `both peer connections are still connected (${end.join(', ')})`);

  await Promise.all([ba.close(), bb.close()]);
  const fin = await relay.stop();
  t.comment(`relay totals: up ${fin?.up.forwarded} forwarded, ${fin?.up.dropped} dropped; down ${fin?.down.forwarded} forwarded, ${fin?.down.dropped} dropped`);
  await server.stopAndCheck();
}, { timeoutMs: 120000 + (WARMUP_S + LOSSES.length * (SECONDS + SETTLE_S + 5)) * 1000 });
