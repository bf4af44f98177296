// quality.mjs - shared helpers for calls over impaired networks
// (tests/e2e/test_loss_chromium.mjs, test_ratelimit_chromium.mjs and
// tests/bench/quality_bench.mjs): starting the impairment relay
// (tests/e2e/lib/impair_relay.py) and talking to it over its control channel,
// starting the server behind it (one worker, its candidate advertised on the
// relay's address), asking the fake camera for a fixed size and frame rate,
// reading the call-quality figures of a page's peer connection (getStats():
// inbound and outbound video, the selected candidate pair) and turning two
// snapshots into per-second rates and deltas for one direction of the call.
// It builds on harness.mjs and must run inside the test's network namespace.
//
//   const { server, relay } = await startImpairedServer(ctx, { delayMs: 25 });
//   await relay.set({ loss: 0.02 });
//   const s0 = await qualitySnapshot(page); ... const s1 = await qualitySnapshot(page);
//   const w = windowFigures(s0, s1, senderS0, senderS1);

import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sleep, startServer, waitUntil, withTimeout } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const RELAY_SCRIPT = path.join(here, 'impair_relay.py');
export const PYTHON = process.env.SB_PYTHON || '/usr/bin/python3';
/** The address the server advertises and the relay listens on (lo answers all of 127/8). */
export const RELAY_IP = '127.0.0.2';

// ---------------------------------------------------------------------------
// The impairment relay

/**
 * Starts the relay: listens on `listen` ("IP:PORT"), relays to `upstream`.
 * `config` is applied to both directions at start (see set()). Returns
 * { set(cfg, dir), stats(), reset(), stop() -> final stats, ready }.
 * Stopped at cleanup if the test does not stop it.
 */
export async function startRelay(ctx, { listen, upstream, seed = 1, config = {} }) {
  const proc = spawn(PYTHON, [RELAY_SCRIPT, '--listen', listen, '--upstream', upstream, '--seed', String(seed)],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const lines = readline.createInterface({ input: proc.stdout });
  const waiting = new Map(); // id -> resolve
  let ready;
  let final = null;
  const readyP = new Promise((resolve) => { ready = resolve; });
  let finalResolve;
  const finalP = new Promise((resolve) => { finalResolve = resolve; });
  lines.on('line', (line) => {
    let m;
    try {
      m = JSON.parse(line);
    } catch {
      return;
    }
    if (m.ready) ready(m.ready);
    else if (m.final) {
      final = m.final;
      finalResolve(final);
    } else if (m.id !== undefined && waiting.has(m.id)) {
      waiting.get(m.id)(m);
      waiting.delete(m.id);
    }
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  exited.then(() => finalResolve(final));
  const info = await withTimeout(Promise.race([readyP, exited.then((e) => {
    throw new Error(`impair_relay.py exited at start (${JSON.stringify(e)}): ${stderr}`);
  })]), 10000, 'impair_relay.py start');
  let nextId = 1;
  const request = async (req) => {
    const id = nextId++;
    const answer = new Promise((resolve) => waiting.set(id, resolve));
    proc.stdin.write(`${JSON.stringify({ ...req, id })}\n`);
    const m = await withTimeout(answer, 5000, `relay ${req.cmd}`);
    if (m.error) throw new Error(`relay ${req.cmd}: ${m.error}`);
    return m;
  };
  let stopped = null;
  const relay = {
    ready: info,
    pid: proc.pid,
    stderr: () => stderr,
    /** Changes impairments ({loss, delay_ms, jitter_ms, reorder, reorder_ms, rate_kbit, burst_bytes, queue_ms, exempt_handshake}); dir 'up', 'down' or 'both'. */
    async set(cfg, dir = 'both') {
      return (await request({ cmd: 'set', dir, ...cfg })).config;
    },
    async stats() {
      return (await request({ cmd: 'stats' })).stats;
    },
    async reset() {
      return (await request({ cmd: 'reset' })).stats;
    },
    /** SIGTERM; resolves to the final counters (or null if it printed none). */
    async stop() {
      if (stopped) return stopped;
      stopped = (async () => {
        proc.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
        return finalP;
      })();
      return stopped;
    },
  };
  if (Object.keys(config).length) await relay.set(config);
  ctx.defer(() => relay.stop());
  return relay;
}

/**
 * Starts the server with one media worker, media bound on 127.0.0.1 and its
 * candidate advertised as RELAY_IP, finds its media port (start-up log line)
 * and starts the relay on RELAY_IP:PORT -> 127.0.0.1:PORT with `config`
 * (delay_ms etc., both directions). Returns { server, relay, mediaPort }.
 * The port is read from the info-level start-up line: no `-l warning` in serverArgs.
 */
export async function startImpairedServer(ctx, { config = {}, seed = 1, serverArgs = [], env = {} } = {}) {
  // SB_SERVER_LOG_LEVEL=debug shows the server's feedback decisions (with SB_E2E_KEEP to keep its log).
  const level = process.env.SB_SERVER_LOG_LEVEL ? ['-l', process.env.SB_SERVER_LOG_LEVEL] : [];
  const server = await startServer(ctx, { args: ['--public-address', RELAY_IP, '-j', '1', ...level, ...serverArgs], env });
  const mediaPort = await waitUntil(() => {
    const m = /media on 127\.0\.0\.1 UDP (\d+)/.exec(server.stderr());
    return m ? Number(m[1]) : null;
  }, { timeoutMs: 5000, intervalMs: 100 });
  if (!mediaPort) throw new Error(`no "media on 127.0.0.1 UDP PORT" line in the server's log (it is logged at level info):\n${server.stderr().slice(-2000)}`);
  const relay = await startRelay(ctx, {
    listen: `${RELAY_IP}:${mediaPort}`, upstream: `127.0.0.1:${mediaPort}`, seed, config,
  });
  return { server, relay, mediaPort };
}

/** Share of a direction's RTP (media) datagrams the relay dropped between two stats snapshots. */
export function relayMediaLoss(before, after, dir) {
  const b = before[dir].by_class.rtp;
  const a = after[dir].by_class.rtp;
  const received = a.received - b.received;
  const dropped = a.dropped - b.dropped;
  return { received, dropped, share: received ? dropped / received : 0 };
}

// ---------------------------------------------------------------------------
// The camera

/**
 * Init script for a browser context: every getUserMedia video request asks for
 * the given size and frame rate (the demo page asks for plain `video: true`).
 * Call before the pages open: `await constrainCamera(browser, {width: 640, height: 480, frameRate: 20})`.
 */
export async function constrainCamera(browser, { width = 640, height = 480, frameRate = 20 } = {}) {
  await browser.addInitScript((c) => {
    const md = navigator.mediaDevices;
    if (!md || !md.getUserMedia) return;
    const orig = md.getUserMedia.bind(md);
    md.getUserMedia = (constraints = {}) => {
      if (constraints.video) {
        const v = typeof constraints.video === 'object' ? constraints.video : {};
        constraints = { ...constraints, video: { ...v, width: { ideal: c.width }, height: { ideal: c.height }, frameRate: { ideal: c.frameRate, max: c.frameRate } } };
      }
      return orig(constraints);
    };
  }, { width, height, frameRate });
}

// ---------------------------------------------------------------------------
// Call-quality figures

/**
 * In-page: one snapshot of the call's quality counters from the page's peer
 * connection (window.sbQualityPc() if a backend defines it, else window.sb.pc).
 * inbound/outbound: the video inbound-rtp / outbound-rtp with the most packets.
 */
export async function pageQualityProbe() {
  const pc = (typeof window.sbQualityPc === 'function' && window.sbQualityPc()) || window.sb?.pc || null;
  const out = { t: performance.timeOrigin + performance.now(), connection: pc?.connectionState ?? null, inbound: null, outbound: null, pair: null, remoteInbound: null };
  if (!pc || pc.connectionState === 'closed') return out;
  const stats = await pc.getStats();
  const pick = (type, field) => {
    let best = null;
    stats.forEach((s) => {
      if (s.type === type && s.kind === 'video' && (!best || (s[field] || 0) > (best[field] || 0))) best = s;
    });
    return best;
  };
  const keep = (s, keys) => (s ? Object.fromEntries(keys.map((k) => [k, s[k]])) : null);
  out.inbound = keep(pick('inbound-rtp', 'packetsReceived'), ['ssrc', 'framesDecoded', 'framesReceived', 'framesDropped',
    'keyFramesDecoded', 'freezeCount', 'totalFreezesDuration', 'pauseCount', 'totalPausesDuration', 'nackCount', 'pliCount',
    'firCount', 'packetsReceived', 'packetsLost', 'bytesReceived', 'retransmittedPacketsReceived', 'retransmittedBytesReceived',
    'frameWidth', 'frameHeight', 'framesPerSecond', 'jitterBufferDelay', 'jitterBufferEmittedCount', 'decoderImplementation']);
  out.outbound = keep(pick('outbound-rtp', 'packetsSent'), ['ssrc', 'framesEncoded', 'framesSent', 'packetsSent', 'bytesSent',
    'nackCount', 'pliCount', 'firCount', 'retransmittedPacketsSent', 'retransmittedBytesSent', 'targetBitrate', 'frameWidth',
    'frameHeight', 'framesPerSecond', 'qualityLimitationReason', 'encoderImplementation']);
  out.remoteInbound = keep(pick('remote-inbound-rtp', 'packetsLost'), ['packetsLost', 'fractionLost', 'roundTripTime']);
  let pairId = null;
  stats.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
  });
  let pair = pairId ? stats.get(pairId) : null;
  if (!pair) stats.forEach((s) => { if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s; });
  out.pair = keep(pair, ['availableOutgoingBitrate', 'availableIncomingBitrate', 'currentRoundTripTime', 'bytesSent', 'bytesReceived']);
  return out;
}

/** A participant's (or page's) snapshot: see pageQualityProbe. */
export function qualitySnapshot(pageOrParticipant) {
  const page = pageOrParticipant.page || pageOrParticipant;
  return page.evaluate(pageQualityProbe);
}

const delta = (a, b, k) => (a && b && typeof a[k] === 'number' && typeof b[k] === 'number' ? b[k] - a[k] : null);

/**
 * Figures for one direction of the call over a window: `rx0`/`rx1` are the
 * receiving page's snapshots at the start and end, `tx0`/`tx1` the sending
 * page's. Counters are deltas over the window; rates are per second. A
 * counter the browser does not report is null.
 */
export function windowFigures(rx0, rx1, tx0, tx1) {
  const secs = (rx1.t - rx0.t) / 1000;
  const txSecs = (tx1.t - tx0.t) / 1000;
  const i0 = rx0.inbound, i1 = rx1.inbound, o0 = tx0.outbound, o1 = tx1.outbound;
  const lost = delta(i0, i1, 'packetsLost');
  const recv = delta(i0, i1, 'packetsReceived');
  const fig = {
    seconds: secs,
    decodedFps: i1 ? (delta(i0, i1, 'framesDecoded') ?? i1.framesDecoded) / secs : 0,
    framesDecoded: delta(i0, i1, 'framesDecoded'),
    freezeCount: delta(i0, i1, 'freezeCount'),
    freezeSeconds: delta(i0, i1, 'totalFreezesDuration'),
    pauseSeconds: delta(i0, i1, 'totalPausesDuration'),
    framesDropped: delta(i0, i1, 'framesDropped'),
    keyFrames: delta(i0, i1, 'keyFramesDecoded'),
    nacksSent: delta(i0, i1, 'nackCount'),
    plisSent: delta(i0, i1, 'pliCount'),
    retxReceived: delta(i0, i1, 'retransmittedPacketsReceived'),
    packetsReceived: recv,
    packetsLost: lost,
    lossPct: lost !== null && recv !== null && lost + recv > 0 ? (100 * lost) / (lost + recv) : null,
    rxKbps: i1 ? (8 * (delta(i0, i1, 'bytesReceived') ?? 0)) / secs / 1000 : 0,
    size: i1 ? `${i1.frameWidth}x${i1.frameHeight}` : null,
    sentFps: o1 ? (delta(o0, o1, 'framesSent') ?? 0) / txSecs : 0,
    txKbps: o1 ? (8 * (delta(o0, o1, 'bytesSent') ?? 0)) / txSecs / 1000 : 0,
    nacksReceivedBySender: delta(o0, o1, 'nackCount'),
    plisReceivedBySender: delta(o0, o1, 'pliCount'),
    retxSent: delta(o0, o1, 'retransmittedPacketsSent'),
    targetKbps: typeof o1?.targetBitrate === 'number' ? o1.targetBitrate / 1000 : null,
    availableOutKbps: typeof tx1.pair?.availableOutgoingBitrate === 'number' ? tx1.pair.availableOutgoingBitrate / 1000 : null,
    qualityLimitation: o1?.qualityLimitationReason ?? null,
    sentSize: o1 ? `${o1.frameWidth}x${o1.frameHeight}` : null,
    rttMs: typeof tx1.pair?.currentRoundTripTime === 'number' ? tx1.pair.currentRoundTripTime * 1000 : null,
  };
  return fig;
}

/** One line of figures for a TAP comment. */
export function formatFigures(label, f) {
  const n = (v, d = 0) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : Number(v).toFixed(d));
  return `${label}: decoded ${n(f.decodedFps, 1)} fps (sent ${n(f.sentFps, 1)} fps, ${f.sentSize} -> ${f.size}), ` +
    `freezes ${n(f.freezeCount)} / ${n(f.freezeSeconds, 2)} s, keyframes ${n(f.keyFrames)}, ` +
    `lost ${n(f.packetsLost)}/${n((f.packetsLost ?? 0) + (f.packetsReceived ?? 0))} (${n(f.lossPct, 1)}%), ` +
    `NACKs sent ${n(f.nacksSent)}, PLIs sent ${n(f.plisSent)}, retx received ${n(f.retxReceived)}; ` +
    `sender: NACKs in ${n(f.nacksReceivedBySender)}, PLIs in ${n(f.plisReceivedBySender)}, retx sent ${n(f.retxSent)}, ` +
    `${n(f.txKbps)} kbit/s sent, target ${n(f.targetKbps)} kbit/s, estimate ${n(f.availableOutKbps)} kbit/s, ` +
    `limited by ${f.qualityLimitation}, RTT ${n(f.rttMs)} ms`;
}

/**
 * Samples `pages` (array) once per `everyMs` for about `seconds` (the last
 * sample is the first one within everyMs/2 of the end); calls onSample(snapshots,
 * series) after each. Returns
 * { first: [...snapshots], last: [...], series: [[...per page] per sample] }.
 */
export async function sampleWindow(pages, seconds, { everyMs = 1000, onSample } = {}) {
  const first = await Promise.all(pages.map(qualitySnapshot));
  const series = [first];
  const end = first[0].t + seconds * 1000;
  for (;;) {
    const wait = Math.min(everyMs, end - Date.now());
    if (wait > 0) await sleep(wait);
    const s = await Promise.all(pages.map(qualitySnapshot));
    series.push(s);
    if (onSample) await onSample(s, series);
    if (Date.now() >= end - everyMs / 2) break;
  }
  return { first, last: series[series.length - 1], series };
}

/**
 * From a sampleWindow series, for page `i`: the seconds of the window in which
 * it decoded no frame (sample intervals with no new frame; a frozen video that
 * never recovers counts here, while the browser's totalFreezesDuration counts a
 * freeze only once a frame ends it) and the longest such stretch.
 */
export function stallFigures(series, i) {
  let stalled = 0, longest = 0, run = 0;
  for (let k = 1; k < series.length; k++) {
    const a = series[k - 1][i], b = series[k][i];
    const dt = (b.t - a.t) / 1000;
    const frames = (b.inbound?.framesDecoded ?? 0) - (a.inbound?.framesDecoded ?? 0);
    if (frames <= 0) {
      stalled += dt;
      run += dt;
      longest = Math.max(longest, run);
    } else {
      run = 0;
    }
  }
  return { stalledSeconds: stalled, longestStallSeconds: longest };
}

export const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
