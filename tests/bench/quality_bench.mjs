// quality_bench.mjs - call quality over lossy networks (not a test): a
// one-to-one call between two Chromium pages (fake camera, 640x480 at 20 fps)
// through the impairment relay (tests/e2e/lib/impair_relay.py, 25 ms one way on
// each leg), at 0, 1, 2 and 5% random loss per leg in each direction (STUN and
// DTLS exempt), N fresh calls per case (default 3), each measured over a 30 s
// window after a 10 s warm-up. Prints one Markdown table per case: frames
// decoded per second, freezes, time frozen, NACKs, retransmissions, the
// sender's bandwidth estimate... as the median and range over the samples
// (each call gives two: one per direction). Runs in its own network namespace
// like the end-to-end tests.
//
//   SB_BUILDDIR=build/release node tests/bench/quality_bench.mjs \
//     [--runs 3] [--seconds 30] [--warmup 10] [--losses 0,1,2,5] [--delay-ms 25]
//     [--backend switchboard|janus] [--seed 1] [--json]
//
// --backend janus: the same call through Debian's Janus 1.1.x (VideoCall
// plugin) with pages using Debian's janus.js, behind the same relay
// (tests/bench/janus_quality/: the page, Janus's configuration templates and
// the backend; Janus runs on a veth address of the namespace, 198.18.0.1, and
// advertises the relay's, 198.18.0.2). Run each backend on its own and compare
// the tables.
//
// Backends: a "server" under test is an entry of BACKENDS below with
// start(ctx, { relayConfig, seed }) -> { relay, call(browsers) -> [page, page]
// with media flowing both ways, stop() }. The relay (startRelay in
// tests/e2e/lib/quality.mjs) must sit between the pages and the server's media
// port. The figures are read from the page's peer connection: window.sb.pc, or
// what window.sbQualityPc() returns if the backend's page defines it (an init
// script can), so another SFU with its own demo page plugs in the same way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILDDIR, ensureNetns, launchBrowser, openParticipant, sleep } from '../e2e/lib/harness.mjs';
import {
  constrainCamera, median, relayMediaLoss, sampleWindow, stallFigures, startImpairedServer, windowFigures,
} from '../e2e/lib/quality.mjs';
import { janusBackend } from './janus_quality/backend.mjs';

await ensureNetns();

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const RUNS = Number(opt('runs', 3));
const SECONDS = Number(opt('seconds', 30));
const WARMUP_S = Number(opt('warmup', 10));
const LOSSES = String(opt('losses', '0,1,2,5')).split(',').map(Number);
const DELAY_MS = Number(opt('delay-ms', 25));
const SEED = Number(opt('seed', 1));
const BACKEND = opt('backend', 'switchboard');
const JSON_OUT = argv.includes('--json');

// ---------------------------------------------------------------------------
// Backends

const BACKENDS = {
  switchboard: {
    describe: () => `Switchboard ${path.join(BUILDDIR, 'switchboard')} (1 worker, ICE-lite)`,
    async start(ctx, { relayConfig, seed }) {
      const { server, relay } = await startImpairedServer(ctx, { config: relayConfig, seed });
      let n = 0;
      return {
        relay,
        async call([ba, bb]) {
          const room = `quality-${++n}`;
          const [a, b] = await Promise.all([
            openParticipant(ctx, ba, server, { name: 'a', room }),
            openParticipant(ctx, bb, server, { name: 'b', room }),
          ]);
          const aId = await a.join();
          const bId = await b.join();
          const [ra, rb] = await Promise.all([a.waitMedia(bId), b.waitMedia(aId)]);
          if (!ra.ok || !rb.ok) throw new Error(`no media both ways: ${ra.why || ''} ${rb.why || ''}`);
          return [a.page, b.page];
        },
        async stop() {
          const r = await server.stop();
          return { ok: r.code === 0 && !/AddressSanitizer|LeakSanitizer|runtime error/.test(r.stderr), exit: r.code };
        },
      };
    },
  },
  janus: janusBackend,
};

// ---------------------------------------------------------------------------
// One measured call

async function measureCall(backend, loss, run) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-quality-'));
  const cleanups = [];
  // A quiet TAP sink: a server left running at cleanup is still checked, but prints nothing.
  const ctx = { t: { ok: () => true, comment: () => {} }, tmp, defer: (fn) => cleanups.push(fn) };
  const seed = SEED * 1000 + run;
  try {
    const b = await backend.start(ctx, { relayConfig: { delay_ms: DELAY_MS, loss: 0 }, seed });
    const browsers = await Promise.all([launchBrowser(ctx), launchBrowser(ctx)]);
    await Promise.all(browsers.map((x) => constrainCamera(x)));
    const pages = await b.call(browsers);
    // Joined without loss (a test of recovery, not of call set-up luck); the loss starts with the warm-up.
    await b.relay.set({ loss: loss / 100 });
    await sleep(WARMUP_S * 1000);
    const r0 = await b.relay.stats();
    const w = await sampleWindow(pages, SECONDS);
    const r1 = await b.relay.stats();
    const samples = [[0, 1], [1, 0]].map(([tx, rx]) => {
      const f = windowFigures(w.first[rx], w.last[rx], w.first[tx], w.last[tx]);
      const st = stallFigures(w.series, rx);
      return { ...f, ...st, direction: tx === 0 ? 'a->b' : 'b->a' };
    });
    const relay = { up: relayMediaLoss(r0, r1, 'up'), down: relayMediaLoss(r0, r1, 'down') };
    await Promise.all(browsers.map((x) => x.close()));
    const stop = await b.stop();
    return { samples, relay, serverOk: stop.ok };
  } finally {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch {
        // best effort
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Tables

const ROWS = [
  ['frames decoded per s', (s) => s.decodedFps, 1],
  ['frames sent per s (by the sender)', (s) => s.sentFps, 1],
  ['freezes (freezeCount)', (s) => s.freezeCount, 0],
  ['time frozen, s (totalFreezesDuration)', (s) => s.freezeSeconds, 1],
  ['time with no frame decoded, s', (s) => s.stalledSeconds, 1],
  ['longest stretch with no frame, s', (s) => s.longestStallSeconds, 1],
  ['key frames decoded', (s) => s.keyFrames, 0],
  ['NACKs sent by the receiver', (s) => s.nacksSent, 0],
  ['PLIs sent by the receiver', (s) => s.plisSent, 0],
  ['retransmissions received', (s) => s.retxReceived, 0],
  ['NACKs reaching the sender', (s) => s.nacksReceivedBySender, 0],
  ['retransmissions sent by the sender', (s) => s.retxSent, 0],
  ['packets lost after recovery, %', (s) => s.lossPct, 2],
  ['sender\'s estimate, kbit/s (availableOutgoingBitrate)', (s) => s.availableOutKbps, 0],
  ['sender\'s target, kbit/s (targetBitrate)', (s) => s.targetKbps, 0],
  ['sent, kbit/s', (s) => s.txKbps, 0],
];

function table(loss, results) {
  const samples = results.flatMap((r) => r.samples);
  const fmt = (v, d) => (v === null || v === undefined ? 'n/a' : Number(v).toFixed(d));
  const lines = [];
  const up = results.map((r) => r.relay.up.share * 100);
  const down = results.map((r) => r.relay.down.share * 100);
  lines.push(`### ${loss}% loss per leg each way, ${DELAY_MS} ms one way (${results.length} calls, ${samples.length} directions, ${SECONDS} s windows)`);
  lines.push('');
  const upN = results.map((r) => r.relay.up.received);
  const downN = results.map((r) => r.relay.down.received);
  lines.push(`Relay dropped ${fmt(median(up), 2)}% of media up, ${fmt(median(down), 2)}% down (medians over calls; ` +
    `it received ${fmt(median(upN), 0)} RTP datagrams up and ${fmt(median(downN), 0)} down per call in the window).`);
  lines.push('');
  lines.push('| figure | median | range |');
  lines.push('| --- | ---: | ---: |');
  for (const [name, get, d] of ROWS) {
    const xs = samples.map(get);
    const known = xs.filter((x) => typeof x === 'number' && !Number.isNaN(x));
    const range = known.length ? `${fmt(Math.min(...known), d)} – ${fmt(Math.max(...known), d)}` : 'n/a';
    lines.push(`| ${name} | ${known.length ? fmt(median(known), d) : 'n/a'} | ${range} |`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------

const backend = BACKENDS[BACKEND];
if (!backend) {
  console.error(`unknown backend ${BACKEND} (known: ${Object.keys(BACKENDS).join(', ')})`);
  process.exit(2);
}
const started = Date.now();
const out = { backend: BACKEND, server: backend.describe(), runs: RUNS, seconds: SECONDS, warmup: WARMUP_S, delayMs: DELAY_MS, cases: {} };
let failures = 0;
for (const loss of LOSSES) {
  const results = [];
  for (let run = 1; run <= RUNS; run++) {
    try {
      const r = await measureCall(backend, loss, run);
      results.push(r);
      if (!r.serverOk) failures++;
      if (!JSON_OUT) {
        process.stderr.write(`${loss}% run ${run}: ${r.samples.map((s) => `${s.direction} ${s.decodedFps.toFixed(1)} fps, ` +
          `frozen ${(s.freezeSeconds ?? 0).toFixed(1)} s, no frame ${s.stalledSeconds.toFixed(1)} s`).join('; ')}\n`);
      }
    } catch (err) {
      failures++;
      process.stderr.write(`${loss}% run ${run} failed: ${err?.stack || err}\n`);
    }
  }
  out.cases[loss] = results;
}

if (JSON_OUT) {
  console.log(JSON.stringify(out));
} else {
  console.log(`## Call quality under loss: ${out.server}`);
  console.log('');
  console.log(`Chromium ${'(fake camera 640x480, 20 fps)'}, ${BACKEND === 'switchboard' ? 'duo room' : 'one-to-one call'}, ${RUNS} calls per case, ${WARMUP_S} s warm-up then ${SECONDS} s measured; ` +
    `${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)} at the end, ${((Date.now() - started) / 60000).toFixed(1)} min in all.`);
  for (const loss of LOSSES) {
    console.log('');
    console.log(out.cases[loss].length ? table(loss, out.cases[loss]) : `### ${loss}%: every run failed`);
  }
  console.log('');
  console.log('Each sample is one direction of one call. "Time frozen" is the growth of Chromium\'s totalFreezesDuration, which ' +
    'adds a freeze when it ends, whole (so it can exceed the window, and a video that never recovers adds nothing); ' +
    '"time with no frame decoded" comes from once-a-second samples of framesDecoded. "Retransmissions received" is n/a when ' +
    'Chromium reports no retransmittedPacketsReceived (it does only for a stream with RTX).');
}
process.exit(failures ? 1 : 0);
