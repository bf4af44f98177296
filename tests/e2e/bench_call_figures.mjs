// bench_call_figures.mjs - figures for one-to-one calls with real Chromium on
// loopback (not a test): time from the WebSocket opening to the first remote
// video frame decoded (median of several calls), the server's resident memory
// idle and with one call, and its CPU use during one call. Runs in its own
// network namespace like the tests and prints a small table.
//
//   SB_BUILDDIR=build/test SB_SRCDIR=. node tests/e2e/bench_call_figures.mjs [--runs 5] [--seconds 20] [--json]
//
// "Joiner" is the second participant of a duo room: from its WebSocket `open`
// to its first decoded frame of the first participant (join, negotiation, ICE,
// DTLS, first keyframe). "First participant" is measured from the joiner's
// WebSocket `open` to the first participant's first decoded frame of the joiner.
// Both are taken in the pages (performance.now() on one machine clock).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILDDIR, Tap, ensureNetns, launchBrowser, openParticipant, sleep, startServer, waitUntil } from './lib/harness.mjs';

await ensureNetns();

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? Number(argv[i + 1]) : dflt;
};
const RUNS = opt('runs', 5);
const SECONDS = opt('seconds', 20);
const JSON_OUT = argv.includes('--json');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-'));
const cleanups = [];
const ctx = { t: new Tap(), tmp, defer: (fn) => cleanups.push(fn) };
const clkTck = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

/**
 * In the page: resolves to the epoch time of the first decoded remote video
 * frame; window.sbConnectedAt gets the time the peer connection was first
 * "connected" (ICE and DTLS done).
 */
function firstFramePoller() {
  window.sbConnectedAt = null;
  window.sbFirstFrame = new Promise((resolve) => {
    const poll = async () => {
      const pc = window.sb.pc;
      if (pc && pc.connectionState === 'connected' && window.sbConnectedAt === null) {
        window.sbConnectedAt = performance.timeOrigin + performance.now();
      }
      if (pc && pc.connectionState !== 'closed') {
        let frames = 0;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0;
        });
        if (frames > 0) {
          resolve(performance.timeOrigin + performance.now());
          return;
        }
      }
      setTimeout(poll, 5);
    };
    poll();
  });
}

const wsOpenAt = (p) => p.page.evaluate(() => {
  const w = window.sbWire.find((x) => x.dir === 'open');
  return w ? performance.timeOrigin + w.t : null;
});

async function call(server, ba, bb, room) {
  const a = await openParticipant(ctx, ba, server, { name: 'a', room, newPage: true });
  const b = await openParticipant(ctx, bb, server, { name: 'b', room, newPage: true });
  await a.join();
  const aConnected = await waitUntil(async () => (await a.probe()).connection === 'connected', { timeoutMs: 20000, intervalMs: 50 });
  if (!aConnected) throw new Error(`first participant did not connect: ${await a.diag()}`);
  await Promise.all([a.page.evaluate(firstFramePoller), b.page.evaluate(firstFramePoller)]);
  await b.join();
  const [aFirst, bFirst] = await Promise.all([
    a.page.evaluate(() => window.sbFirstFrame), b.page.evaluate(() => window.sbFirstFrame),
  ]);
  const bOpen = await wsOpenAt(b);
  const bJoined = await b.page.evaluate(() => {
    const w = window.sbWire.find((x) => x.dir === 'in' && x.type === 'joined');
    return w ? performance.timeOrigin + w.t : null;
  });
  const bConnected = await b.page.evaluate(() => window.sbConnectedAt);
  return { a, b, joiner: bFirst - bOpen, first: aFirst - bOpen, joined: bJoined - bOpen, connected: bConnected - bOpen };
}

const out = { build: BUILDDIR, runs: [], cores: os.cpus().length, loadavg: os.loadavg()[0] };
try {
  const server = await startServer(ctx, { args: ['-l', 'warning'] });
  out.sanitizers = fs.readFileSync(`/proc/${server.pid}/maps`, 'utf8').includes('libasan');
  await sleep(1000);
  out.rssIdleKiB = server.vmRssKiB();
  const [ba, bb] = await Promise.all([launchBrowser(ctx), launchBrowser(ctx)]);
  let last = null;
  for (let i = 1; i <= RUNS; i++) {
    const r = await call(server, ba, bb, `bench-${i}`);
    out.runs.push({ joiner: Math.round(r.joiner), first: Math.round(r.first), joined: Math.round(r.joined), connected: Math.round(r.connected) });
    if (i < RUNS) await Promise.all([r.a.page.close(), r.b.page.close()]);
    else last = r;
  }
  // The last call stays up: memory and CPU with one active call.
  await sleep(3000);
  const aId = await last.a.peerId();
  const bId = await last.b.peerId();
  out.rssCallKiB = server.vmRssKiB();
  const f0 = [await last.a.framesFrom(bId), await last.b.framesFrom(aId)];
  const c0 = server.cpuTicks();
  const w0 = Date.now();
  await sleep(SECONDS * 1000);
  const c1 = server.cpuTicks();
  const wall = (Date.now() - w0) / 1000;
  const f1 = [await last.a.framesFrom(bId), await last.b.framesFrom(aId)];
  out.rssCallEndKiB = server.vmRssKiB();
  out.cpuPercent = ((c1 - c0) / clkTck / wall) * 100;
  out.cpuSeconds = wall;
  out.fps = [(f1[0] - f0[0]) / wall, (f1[1] - f0[1]) / wall];
  await Promise.all([ba.close(), bb.close()]);
  await sleep(2000);
  out.rssAfterKiB = server.vmRssKiB();
  const stop = await server.stop();
  out.serverExit = stop.code;
  out.sanitizerReport = /AddressSanitizer|LeakSanitizer|runtime error/.test(stop.stderr);
} finally {
  for (const fn of cleanups.reverse()) await fn().catch?.(() => {});
  fs.rmSync(tmp, { recursive: true, force: true });
}

if (JSON_OUT) {
  console.log(JSON.stringify(out));
} else {
  const joiners = out.runs.map((r) => r.joiner);
  const firsts = out.runs.map((r) => r.first);
  const joineds = out.runs.map((r) => r.joined);
  const connecteds = out.runs.map((r) => r.connected);
  const rows = [
    ['WebSocket open -> first remote frame, joiner (median)', `${median(joiners)} ms`, `runs: ${joiners.join(', ')} ms`],
    ['  of which: WebSocket open -> joined', `${median(joineds)} ms`, `runs: ${joineds.join(', ')} ms`],
    ['  of which: WebSocket open -> peer connection connected', `${median(connecteds)} ms`, `runs: ${connecteds.join(', ')} ms`],
    ['joiner\'s WebSocket open -> first frame, first participant (median)', `${median(firsts)} ms`, `runs: ${firsts.join(', ')} ms`],
    ['server RSS, idle (after start)', mib(out.rssIdleKiB), ''],
    ['server RSS, one 1:1 call', mib(out.rssCallKiB), `${mib(out.rssCallEndKiB)} after ${out.cpuSeconds.toFixed(0)} s`],
    ['server RSS, after the call ended', mib(out.rssAfterKiB), ''],
    [`server CPU, one 1:1 call over ${out.cpuSeconds.toFixed(0)} s`, `${out.cpuPercent.toFixed(1)} % of one core`,
      `video ${out.fps.map((f) => f.toFixed(1)).join(' / ')} frames/s decoded`],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(`Switchboard call figures: ${out.build}/switchboard (${out.sanitizers ? 'ASan+UBSan build' : 'no sanitizers'}), ` +
    `Chromium on loopback, ${out.cores} cores, load average ${out.loadavg.toFixed(2)} at start`);
  for (const r of rows) console.log(`  ${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2]}`);
  console.log(`  server exit status ${out.serverExit}${out.sanitizerReport ? ', SANITIZER REPORT in stderr' : ''}`);
}
process.exit(out.serverExit === 0 && !out.sanitizerReport ? 0 : 1);
