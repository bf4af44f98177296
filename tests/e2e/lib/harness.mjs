// harness.mjs - shared helpers for Switchboard's end-to-end tests with real
// Chromium: re-running the test inside its own network namespace, TAP output,
// starting and stopping the real server binary (and checking that it exits
// cleanly with no sanitizer report), launching Chromium through playwright-core
// with fake camera and microphone, driving the demo page (web/index.html) like a
// user, reading getStats() per remote participant, and a raw WebSocket client for
// sending malformed input. It does not build anything: SB_BUILDDIR must hold a
// built server (default: <source>/build/test).
//
//   import { run, startServer, launchBrowser, openParticipant } from './lib/harness.mjs';
//   await run('duo', async (ctx) => {
//     const server = await startServer(ctx);
//     const a = await openParticipant(ctx, await launchBrowser(ctx), server, { name: 'a' });
//     ...
//     await server.stopAndCheck();
//   });

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SRCDIR = path.resolve(process.env.SB_SRCDIR || path.join(here, '../../..'));
export const BUILDDIR = path.resolve(process.env.SB_BUILDDIR || path.join(SRCDIR, 'build/test'));
export const CHROMIUM = process.env.SB_CHROMIUM || '/usr/bin/chromium';

/** Chromium flags for real peers on loopback (see the loopback notes). */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  // Pages of one test may sit in background windows: keep their timers and media running.
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows', '--autoplay-policy=no-user-gesture-required',
];

const SANITIZER_RE = /AddressSanitizer|LeakSanitizer|runtime error|ThreadSanitizer/;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds since this process started (for timing comments). */
const t0 = Date.now();
export const elapsed = () => Date.now() - t0;

// ---------------------------------------------------------------------------
// Network namespace

/**
 * Makes sure the caller runs inside its own network namespace with only `lo` up.
 * Outside one, re-runs this script through run_in_netns.sh and exits with its
 * status (this promise never resolves then). Inside one, resolves at once.
 */
export async function ensureNetns() {
  if (process.env.SB_IN_NETNS === '1') return;
  const wrapper = path.join(here, '..', 'run_in_netns.sh');
  const child = spawn('/bin/sh', [wrapper, process.execPath, process.argv[1], ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  const code = await new Promise((resolve) => {
    child.on('error', (err) => {
      console.log(`not ok 1 - cannot run ${wrapper}: ${err.message}\n1..1`);
      resolve(1);
    });
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 + (os.constants.signals[sig] || 0) : 1)));
  });
  process.exit(code);
}

// ---------------------------------------------------------------------------
// TAP

/** TAP producer: one line per check, plan at the end, exit 1 if anything failed. */
export class Tap {
  constructor() {
    this.n = 0;
    this.failed = 0;
  }

  /**
   * Records one check; `diag` (string or object) is printed as comments when it
   * fails. With `todo` (a reason: a known bug) a failure is reported as TODO and
   * does not fail the test; a pass then shows up as an unexpected pass (XPASS).
   */
  ok(cond, name, diag, { todo } = {}) {
    this.n++;
    let line = `${cond ? 'ok' : 'not ok'} ${this.n} - ${name.replace(/#/g, '\\#')}`;
    if (todo) line += ` # TODO ${todo}`;
    let out = `${line}\n`;
    if (!cond && diag !== undefined) out += commentLines(typeof diag === 'string' ? diag : JSON.stringify(diag, null, 1));
    process.stdout.write(out);
    if (!cond && !todo) this.failed++;
    return !!cond;
  }

  comment(text) {
    process.stdout.write(commentLines(String(text)));
  }

  /** Prints the plan and exits. */
  done() {
    process.stdout.write(`1..${this.n}\n`);
    process.exit(this.failed || this.n === 0 ? 1 : 0);
  }
}

function commentLines(text) {
  return text.split('\n').map((l) => `# ${l}\n`).join('');
}

// ---------------------------------------------------------------------------
// Test runner

/**
 * Runs one test body inside a network namespace with a TAP producer and a
 * watchdog. `ctx` has: t (Tap), tmp (a temporary folder removed at the end),
 * defer(fn) (cleanups, run last-in first-out even when the body fails).
 */
export async function run(name, body, { timeoutMs = 150000 } = {}) {
  await ensureNetns();
  const t = new Tap();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-e2e-'));
  const cleanups = [];
  const ctx = { t, tmp, defer: (fn) => cleanups.push(fn) };
  t.comment(`${name}: server ${path.join(BUILDDIR, 'switchboard')}, web ${path.join(SRCDIR, 'web')}`);
  let timer;
  const watchdog = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([body(ctx), watchdog]);
  } catch (err) {
    t.ok(false, `${name} ran to the end`, err?.stack || String(err));
  }
  clearTimeout(timer);
  for (const fn of cleanups.reverse()) {
    try {
      await withTimeout(fn(), 30000, 'cleanup');
    } catch (err) {
      t.comment(`cleanup: ${err?.message || err}`);
    }
  }
  if (process.env.SB_E2E_KEEP) t.comment(`kept ${tmp} (SB_E2E_KEEP)`);
  else fs.rmSync(tmp, { recursive: true, force: true });
  t.comment(`${name}: ${t.n - t.failed}/${t.n} passed in ${(elapsed() / 1000).toFixed(1)} s`);
  t.done();
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    Promise.resolve(promise).finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
    }),
  ]);
}

/**
 * Polls `fn` (sync or async) every `intervalMs` until it returns a truthy value,
 * which is returned; returns null after `timeoutMs`. Exceptions count as "not yet".
 */
export async function waitUntil(fn, { timeoutMs = 20000, intervalMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let v = null;
    try {
      v = await fn();
    } catch {
      v = null;
    }
    if (v) return v;
    if (Date.now() >= deadline) return null;
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------
// The server

function sanitizerEnv() {
  return {
    ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0',
    LSAN_OPTIONS: `suppressions=${path.join(SRCDIR, 'tests/lsan.supp')}:print_suppressions=0`,
    UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  };
}

/**
 * Starts $SB_BUILDDIR/switchboard on a free port on 127.0.0.1, media on 127.0.0.1.
 * Returns { port, url, wsUrl, pid, stderr(), stop(), stopAndCheck(), vmRssKiB(), cpuTicks() }.
 * If the test ends without stopping it, cleanup stops it and checks it.
 */
export async function startServer(ctx, { args = [], env = {}, startTimeoutMs = 30000 } = {}) {
  const bin = path.join(BUILDDIR, 'switchboard');
  if (!fs.existsSync(bin)) throw new Error(`${bin} does not exist: build the server first (or set SB_BUILDDIR)`);
  const errPath = path.join(ctx.tmp, `server-${Date.now()}.stderr`);
  const errFd = fs.openSync(errPath, 'w');
  const argv = ['-p', '0', '-a', '127.0.0.1', '--media-address', '127.0.0.1',
    '--plugin-dir', path.join(BUILDDIR, 'plugins/.libs'), '-w', path.join(SRCDIR, 'web'), ...args];
  const proc = spawn(bin, argv, { stdio: ['ignore', 'pipe', errFd], env: { ...sanitizerEnv(), ...process.env, ...env } });
  fs.closeSync(errFd);
  let stdout = '';
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  const stderr = () => {
    try {
      return fs.readFileSync(errPath, 'utf8');
    } catch {
      return '';
    }
  };
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server printed no URL within ${startTimeoutMs} ms\n${stdout}\n${tail(stderr())}`)), startTimeoutMs);
    proc.stdout.on('data', (d) => {
      stdout += d;
      const m = /open http:\/\/[^\s/]*:(\d+)\//.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    exitPromise.then((e) => {
      clearTimeout(timer);
      reject(new Error(`server exited at start (${JSON.stringify(e)})\n${stdout}\n${tail(stderr())}`));
    });
  });
  let stopped = null;
  const server = {
    port,
    pid: proc.pid,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    stderrPath: errPath,
    stderr,
    get running() {
      return exited === null;
    },
    /** SIGTERM, then waits for the exit: { code, signal, stderr, killed }. */
    async stop(graceMs = 30000) {
      if (stopped) return stopped;
      let killed = false;
      if (exited === null) {
        proc.kill('SIGTERM');
        const r = await Promise.race([exitPromise, sleep(graceMs).then(() => null)]);
        if (!r) {
          killed = true;
          proc.kill('SIGKILL');
          await exitPromise;
        }
      }
      stopped = { ...exited, killed, stderr: stderr() };
      return stopped;
    },
    /** Stops the server and records the checks: exit status 0, no sanitizer report. */
    async stopAndCheck(label = 'server') {
      const wasRunning = exited === null;
      const r = await server.stop();
      const t = ctx.t;
      t.ok(wasRunning, `${label} was still running at the end of the test`, tail(r.stderr));
      t.ok(r.code === 0 && !r.killed, `${label} exits with status 0 after SIGTERM`,
        `code ${r.code}, signal ${r.signal}, killed after grace time: ${r.killed}\n${tail(r.stderr)}`);
      t.ok(!SANITIZER_RE.test(r.stderr), `${label} stderr has no AddressSanitizer/LeakSanitizer/UBSan report`,
        sanitizerExcerpt(r.stderr));
      return r;
    },
    /** Resident set size of the server process in KiB (from /proc/PID/status). */
    vmRssKiB() {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
      return m ? Number(m[1]) : null;
    },
    /** utime + stime of the server process, in clock ticks (from /proc/PID/stat). */
    cpuTicks() {
      const s = fs.readFileSync(`/proc/${proc.pid}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
      return Number(f[11]) + Number(f[12]); // fields 14 and 15
    },
  };
  ctx.defer(async () => {
    if (!stopped) await server.stopAndCheck('server (stopped at cleanup)');
  });
  return server;
}

function tail(text, lines = 40) {
  return text.split('\n').slice(-lines).join('\n');
}

function sanitizerExcerpt(text) {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => SANITIZER_RE.test(l));
  return i < 0 ? '' : lines.slice(Math.max(0, i - 2), i + 40).join('\n');
}

// ---------------------------------------------------------------------------
// Chromium

let playwright = null;
async function chromiumDriver() {
  if (!playwright) {
    const entry = path.join(SRCDIR, 'node_modules/playwright-core/index.mjs');
    if (!fs.existsSync(entry)) throw new Error(`${entry} missing: run npm ci in the source folder`);
    playwright = await import(pathToFileURL(entry).href);
  }
  return playwright.chromium;
}

/**
 * Launches one headless Chromium with its own fresh profile (user data dir),
 * closed at cleanup. Returns the playwright BrowserContext.
 */
export async function launchBrowser(ctx) {
  const chromium = await chromiumDriver();
  const dir = fs.mkdtempSync(path.join(ctx.tmp, 'chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    env: { ...process.env, HOME: dir },
    timeout: 60000,
  });
  ctx.defer(() => context.close().catch(() => {}));
  return context;
}

/**
 * A participant: one page of the demo app. Opens `/?name=NAME` (or, with
 * `autoJoinUrl`, `/?room=ROOM&plugin=P&name=NAME`, which joins by itself), then
 * the test drives it with join()/leave() (the page's own buttons).
 */
export async function openParticipant(ctx, browser, server, { name, room, plugin, autoJoinUrl = false, newPage = false } = {}) {
  const pages = browser.pages();
  const page = !newPage && pages.length && pages[0].url() === 'about:blank' ? pages[0] : await browser.newPage();
  const p = new Participant(page, name || 'guest', server);
  await page.addInitScript(recordWire);
  const q = new URLSearchParams();
  if (autoJoinUrl) {
    q.set('room', room);
    if (plugin) q.set('plugin', plugin);
  }
  if (name) q.set('name', name);
  await page.goto(`${server.url}/?${q}`, { timeout: 30000 });
  await page.waitForFunction(() => window.sb && window.sbEvents, null, { timeout: 30000 });
  if (!autoJoinUrl && room) await p.fillRoom(room, plugin);
  return p;
}

/**
 * Init script: wraps the page's WebSocket to record the signaling wire in
 * window.sbWire as {dir: 'open'|'in'|'out'|'close', type, code, t} (t in
 * performance.now() milliseconds), for timing and for seeing offer collisions.
 * While window.sbHoldIncoming is true, incoming offers, answers and candidates
 * (and anything after them) are held back from the `onmessage` handler (and
 * recorded when they arrive); window.sbReleaseIncoming() delivers them in order.
 * Tests use this to make two offers cross for certain.
 */
function recordWire() {
  const Base = window.WebSocket;
  const wire = [];
  window.sbWire = wire;
  const held = [];
  window.sbHoldIncoming = false;
  window.sbReleaseIncoming = () => {
    window.sbHoldIncoming = false;
    for (const deliver of held.splice(0)) deliver();
  };
  const kind = (data) => {
    try {
      const m = JSON.parse(data);
      return { type: m.type, code: m.code };
    } catch {
      return { type: null };
    }
  };
  window.WebSocket = class extends Base {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => wire.push({ dir: 'open', t: performance.now() }));
      this.addEventListener('close', () => wire.push({ dir: 'close', t: performance.now() }));
      this.addEventListener('message', (ev) => wire.push({ dir: 'in', ...kind(ev.data), t: performance.now() }));
    }

    send(data) {
      wire.push({ dir: 'out', ...kind(data), t: performance.now() });
      return super.send(data);
    }

    set onmessage(fn) {
      super.onmessage = typeof fn !== 'function' ? fn : (ev) => {
        const negotiation = ['offer', 'answer', 'candidate'].includes(kind(ev.data).type);
        if ((window.sbHoldIncoming && negotiation) || held.length) held.push(() => fn.call(this, ev));
        else fn.call(this, ev);
      };
    }

    get onmessage() {
      return super.onmessage;
    }
  };
}

/** In-page probe: session state, events, per-remote-participant inbound stats, remote videos. */
async function pageProbe() {
  const sb = window.sb;
  const trackPeer = new Map();
  for (const e of window.sbEvents) {
    if (e.type === 'track' && e.detail?.track) trackPeer.set(e.detail.track.id, e.detail.peer_id);
  }
  const out = {
    now: performance.timeOrigin + performance.now(),
    session: sb.state, peerId: sb.peerId, connection: null, signaling: null, peers: {}, receivers: [],
    videos: [...document.querySelectorAll('#remotes video')].map((v) => ({
      peer: v.dataset.peerId, width: v.videoWidth, height: v.videoHeight, time: v.currentTime, paused: v.paused,
    })),
    error: document.getElementById('error').hidden ? '' : document.getElementById('error').textContent,
  };
  const pc = sb.pc;
  if (!pc) return out;
  out.connection = pc.connectionState;
  out.signaling = pc.signalingState;
  if (pc.connectionState === 'closed') return out;
  for (const tr of pc.getTransceivers()) {
    const track = tr.receiver.track;
    if (!track || !trackPeer.has(track.id) || tr.currentDirection === 'stopped') continue;
    const peer = trackPeer.get(track.id);
    let inbound = null;
    (await tr.receiver.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp') inbound = s;
    });
    const r = {
      peer, kind: track.kind, mid: tr.mid, direction: tr.currentDirection,
      packets: inbound?.packetsReceived ?? 0, frames: inbound?.framesDecoded ?? 0,
    };
    out.receivers.push(r);
    const e = (out.peers[peer] ??= { videoFrames: 0, videoPackets: 0, audioPackets: 0, videoTracks: 0, decodingVideoTracks: 0 });
    if (track.kind === 'video') {
      e.videoFrames += r.frames;
      e.videoPackets += r.packets;
      e.videoTracks++;
      if (r.frames > 0) e.decodingVideoTracks++;
    } else {
      e.audioPackets += r.packets;
    }
  }
  return out;
}

export class Participant {
  constructor(page, name, server) {
    this.page = page;
    this.name = name;
    this.server = server;
    this.console = [];
    page.on('console', (m) => this._log(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => this._log(`pageerror: ${e.message}`));
    if (process.env.SB_E2E_VERBOSE) page.on('console', (m) => process.stdout.write(`# [${name}] ${m.text()}\n`));
  }

  _log(line) {
    this.console.push(line);
    if (this.console.length > 50) this.console.shift();
  }

  async fillRoom(room, plugin) {
    await this.page.fill('#room', room);
    await this.page.selectOption('#plugin', plugin || '');
  }

  /** Clicks #join (after filling the room, if given); does not wait. */
  async clickJoin({ room, plugin } = {}) {
    if (room) await this.fillRoom(room, plugin);
    await this.page.click('#join', { timeout: 30000 });
  }

  /** Clicks #join and waits until the page shows joined (returns sb.peerId) or an error (throws). */
  async join(opts = {}) {
    await this.clickJoin(opts);
    return this.waitJoined();
  }

  async waitJoined(timeoutMs = 30000) {
    const handle = await this.page.waitForFunction(
      () => {
        const st = document.getElementById('state').dataset.session;
        const err = document.getElementById('error');
        if (st === 'joined') return { peerId: window.sb.peerId };
        if (!err.hidden && st !== 'joining' && st !== 'connecting') return { error: err.textContent };
        return null;
      }, null, { timeout: timeoutMs, polling: 100 });
    const r = await handle.jsonValue();
    if (r.error) throw new Error(`${this.name}: join failed: ${r.error}`);
    return r.peerId;
  }

  /** Clicks #leave. */
  async leave() {
    await this.page.click('#leave', { timeout: 30000 });
  }

  peerId() {
    return this.page.evaluate(() => window.sb.peerId);
  }

  events() {
    return this.page.evaluate(() => window.sbEvents);
  }

  /** The signaling messages this page sent and received ({dir, type, code, t}). */
  wire() {
    return this.page.evaluate(() => window.sbWire);
  }

  probe() {
    return this.page.evaluate(pageProbe);
  }

  /** Waits for an sbEvents entry matching pred({type, detail}); returns it or null. */
  async waitEvent(pred, timeoutMs = 20000) {
    return waitUntil(async () => (await this.events()).find(pred) || null, { timeoutMs });
  }

  /**
   * Waits until media from participant `from` arrives (video frames decoded and
   * audio packets received), then checks that both keep rising for 2 s.
   * Returns { ok, firstMs, before, after, why }.
   */
  async waitMedia(from, { timeoutMs = 25000, risingMs = 2000, minVideoTracks = 1 } = {}) {
    const start = Date.now();
    const get = async () => (await this.probe()).peers[from] || null;
    const first = await waitUntil(async () => {
      const s = await get();
      return s && s.decodingVideoTracks >= minVideoTracks && s.audioPackets > 0 ? s : null;
    }, { timeoutMs });
    if (!first) {
      return { ok: false, why: `no decoded video / audio packets from ${from} within ${timeoutMs} ms`, probe: await this.probe() };
    }
    const firstMs = Date.now() - start;
    await sleep(risingMs);
    let after = await get();
    const rising = (s) => s && s.videoFrames > first.videoFrames && s.audioPackets > first.audioPackets;
    if (!rising(after)) after = await waitUntil(async () => { const s = await get(); return rising(s) ? s : null; }, { timeoutMs: 4000 });
    if (!after) return { ok: false, why: `media from ${from} stopped rising`, before: first, probe: await this.probe() };
    return { ok: true, firstMs, before: first, after };
  }

  /** A snapshot of video frames decoded from `from` (0 if none). */
  async framesFrom(from) {
    return (await this.probe()).peers[from]?.videoFrames ?? 0;
  }

  /** Waits until a remote <video> for `from` shows a picture (videoWidth > 0, playing). */
  async waitVideoElement(from, timeoutMs = 15000) {
    return waitUntil(async () => {
      const v = (await this.probe()).videos.find((x) => x.peer === from);
      return v && v.width > 0 && !v.paused && v.time > 0 ? v : null;
    }, { timeoutMs });
  }

  /** Text for a failed check: probe, events and the page's last console lines. */
  async diag(extra) {
    let probe = null, events = null, wire = '';
    try {
      probe = await this.probe();
      events = (await this.events()).map((e) => `${e.type} ${JSON.stringify(e.detail).slice(0, 160)}`);
      wire = (await this.wire()).filter((w) => !(w.type === 'candidate' || w.type === 'ping' || w.type === 'pong'))
        .map((w) => `${(w.t / 1000).toFixed(2)}s ${w.dir}${w.type ? `:${w.type}` : ''}${w.code ? `:${w.code}` : ''}`).join(' ');
    } catch (err) {
      probe = `probe failed: ${err.message}`;
    }
    return [`participant ${this.name}`, extra ? JSON.stringify(extra) : '', `probe: ${JSON.stringify(probe)}`,
      'events:', ...(events || []), `wire (no candidates/pings): ${wire}`, 'console:', ...this.console].filter(Boolean).join('\n');
  }
}

/**
 * Records checks that `p` receives media from `from` (video frames and audio
 * packets, rising over 2 s). Returns the waitMedia result.
 */
export async function checkMedia(ctx, p, from, label, opts) {
  const r = await p.waitMedia(from, opts);
  ctx.t.ok(r.ok, `${label}${r.ok ? ` (first frame after ${r.firstMs} ms; frames ${r.before.videoFrames}->${r.after.videoFrames}, audio packets ${r.before.audioPackets}->${r.after.audioPackets})` : ''}`,
    r.ok ? undefined : await p.diag(r));
  return r;
}

// ---------------------------------------------------------------------------
// Raw WebSocket client (RFC 6455 over net.Socket), for malformed input

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * A minimal WebSocket client: text/binary frames out (masked, optionally
 * fragmented), messages in (JSON-parsed when possible), answers pings.
 */
export class RawWs {
  static connect(port, { host = '127.0.0.1', path: p = '/ws', timeoutMs = 10000 } = {}) {
    return new Promise((resolve, reject) => {
      const key = crypto.randomBytes(16).toString('base64');
      const sock = net.connect(port, host);
      const timer = setTimeout(() => { sock.destroy(); reject(new Error('WebSocket handshake timed out')); }, timeoutMs);
      let buf = Buffer.alloc(0);
      const onData = (d) => {
        buf = Buffer.concat([buf, d]);
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        clearTimeout(timer);
        sock.off('data', onData);
        const head = buf.subarray(0, end).toString('latin1');
        const accept = crypto.createHash('sha1').update(key + WS_GUID).digest('base64');
        if (!/^HTTP\/1\.1 101/.test(head) || !head.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
          sock.destroy();
          reject(new Error(`WebSocket handshake refused:\n${head}`));
          return;
        }
        resolve(new RawWs(sock, buf.subarray(end + 4)));
      };
      sock.on('data', onData);
      sock.on('error', (err) => { clearTimeout(timer); reject(err); });
      sock.write(`GET ${p} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
  }

  constructor(sock, rest) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.frag = null; // { opcode, parts }
    this.queue = [];
    this.waiters = [];
    this.closed = null; // { code } once the server closed or the socket ended
    sock.on('data', (d) => this._data(d));
    sock.on('close', () => this._closed(this.closed?.code ?? 1006));
    sock.on('error', () => {});
    if (rest.length) this._data(rest);
  }

  _closed(code) {
    if (!this.closed) this.closed = { code };
    for (const w of this.waiters.splice(0)) w();
  }

  _data(d) {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const b = this.buf;
      if (b.length < 2) return;
      const fin = (b[0] & 0x80) !== 0;
      const opcode = b[0] & 0x0f;
      const masked = (b[1] & 0x80) !== 0;
      let len = b[1] & 0x7f;
      let off = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        off = 10;
      }
      let mask = null;
      if (masked) {
        if (b.length < off + 4) return;
        mask = b.subarray(off, off + 4);
        off += 4;
      }
      if (b.length < off + len) return;
      const payload = Buffer.from(b.subarray(off, off + len));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
      this.buf = b.subarray(off + len);
      this._frame(fin, opcode, payload);
    }
  }

  _frame(fin, opcode, payload) {
    if (opcode === 0x9) return this._send(0xa, payload);
    if (opcode === 0xa) return undefined;
    if (opcode === 0x8) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      this.closed = { code };
      if (!this.sock.destroyed) this._send(0x8, payload.subarray(0, 2));
      this.sock.end();
      return this._closed(code);
    }
    if (opcode === 0x0 && this.frag) this.frag.parts.push(payload);
    else this.frag = { opcode, parts: [payload] };
    if (!fin) return undefined;
    const whole = Buffer.concat(this.frag.parts);
    const op = this.frag.opcode;
    this.frag = null;
    let msg;
    if (op === 0x1) {
      const text = whole.toString('utf8');
      try {
        msg = JSON.parse(text);
      } catch {
        msg = { unparsable: text };
      }
    } else {
      msg = { binary: whole };
    }
    this.queue.push(msg);
    for (const w of this.waiters.splice(0)) w();
    return undefined;
  }

  _send(opcode, payload, fin = true) {
    const len = payload.length;
    const head = [(fin ? 0x80 : 0) | opcode];
    let ext;
    if (len < 126) {
      head.push(0x80 | len);
      ext = Buffer.alloc(0);
    } else if (len < 65536) {
      head.push(0x80 | 126);
      ext = Buffer.alloc(2);
      ext.writeUInt16BE(len);
    } else {
      head.push(0x80 | 127);
      ext = Buffer.alloc(8);
      ext.writeBigUInt64BE(BigInt(len));
    }
    const mask = crypto.randomBytes(4);
    const body = Buffer.from(payload);
    for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
    this.sock.write(Buffer.concat([Buffer.from(head), ext, mask, body]));
  }

  /** Sends a text message: a string (UTF-8) or a Buffer as is, anything else JSON-encoded. */
  send(msg, { fragments = 1 } = {}) {
    let data;
    if (Buffer.isBuffer(msg)) data = msg;
    else data = Buffer.from(typeof msg === 'string' ? msg : JSON.stringify(msg), 'utf8');
    if (fragments <= 1) return this._send(0x1, data);
    const size = Math.ceil(data.length / fragments);
    for (let i = 0; i < fragments; i++) {
      this._send(i === 0 ? 0x1 : 0x0, data.subarray(i * size, (i + 1) * size), i === fragments - 1);
    }
    return undefined;
  }

  sendBinary(buf) {
    this._send(0x2, Buffer.from(buf));
  }

  /** The next message from the server (in order), or null after timeoutMs or once closed. */
  async recv(timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.queue.length) {
      if (this.closed || Date.now() >= deadline) return null;
      await new Promise((resolve) => {
        const w = () => { clearTimeout(timer); resolve(); };
        const timer = setTimeout(() => { this.waiters = this.waiters.filter((x) => x !== w); resolve(); }, deadline - Date.now());
        this.waiters.push(w);
      });
    }
    return this.queue.shift();
  }

  /** Sends a ping with a fresh id and waits for its pong (skipping nothing else: returns what came first). */
  async roundTrip(timeoutMs = 10000) {
    const id = `rt-${crypto.randomBytes(4).toString('hex')}`;
    this.send({ type: 'ping', id });
    const m = await this.recv(timeoutMs);
    return { ok: m?.type === 'pong' && m.id === id, got: m };
  }

  close() {
    if (!this.sock.destroyed) {
      try {
        this._send(0x8, Buffer.from([0x03, 0xe8]));
      } catch {
        // already gone
      }
      this.sock.end();
    }
  }
}

// ---------------------------------------------------------------------------
// ICE: descriptions on the wire, the selected candidate pair

/** The first a=ice-ufrag of an SDP, or null. */
export function sdpUfrag(sdp) {
  return /^a=ice-ufrag:(\S+)/m.exec(sdp || '')?.[1] ?? null;
}

/**
 * Starts recording the SDP of every offer and answer the page sends and receives
 * on its current WebSocket (sb._ws), in window.sbSdp as {dir: 'out'|'in', type,
 * sdp, t}. Works on Playwright and Puppeteer pages alike.
 */
export async function recordSdp(p) {
  await p.page.evaluate(() => {
    const ws = window.sb._ws;
    window.sbSdp = window.sbSdp || [];
    if (!ws || ws.sbSdpSpy) return;
    ws.sbSdpSpy = true;
    const note = (dir, data) => {
      try {
        const m = JSON.parse(data);
        if (m.type === 'offer' || m.type === 'answer') window.sbSdp.push({ dir, type: m.type, sdp: m.sdp, t: performance.now() });
      } catch {
        // not JSON: not ours to record
      }
    };
    const send = ws.send.bind(ws);
    ws.send = (data) => {
      note('out', data);
      return send(data);
    };
    ws.addEventListener('message', (ev) => note('in', ev.data));
  });
}

/** The descriptions recorded by recordSdp(): [{dir, type, sdp, t}]. */
export function recordedSdp(p) {
  return p.page.evaluate(() => window.sbSdp || []);
}

/**
 * The page's ICE state and selected candidate pair (from getStats()):
 * { ice, signaling, pairId, localPort, localUfrag, remote, bytesSent, bytesReceived }
 * (localUfrag is the local candidate's usernameFragment where the browser reports it).
 */
export function selectedPair(p) {
  return p.page.evaluate(async () => {
    const pc = window.sb.pc;
    if (!pc) return null;
    const stats = await pc.getStats();
    let transport = null;
    stats.forEach((s) => {
      if (s.type === 'transport') transport = s;
    });
    let pair = transport?.selectedCandidatePairId ? stats.get(transport.selectedCandidatePairId) : null;
    if (!pair) {
      // Firefox: no selectedCandidatePairId; the pair marked selected (or nominated and succeeded).
      stats.forEach((s) => {
        if (s.type === 'candidate-pair' && (s.selected || (s.nominated && s.state === 'succeeded')) && !pair) pair = s;
      });
    }
    const local = pair ? stats.get(pair.localCandidateId) : null;
    const remote = pair ? stats.get(pair.remoteCandidateId) : null;
    return {
      ice: pc.iceConnectionState, signaling: pc.signalingState, pairId: pair?.id ?? null,
      localPort: local?.port ?? null, localUfrag: local?.usernameFragment ?? null,
      remote: remote ? `${remote.address ?? remote.ip}:${remote.port}` : null,
      bytesSent: pair?.bytesSent ?? 0, bytesReceived: pair?.bytesReceived ?? 0,
    };
  });
}
