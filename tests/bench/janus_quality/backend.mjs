// backend.mjs - the "janus" backend of the call-quality benchmark
// (tests/bench/quality_bench.mjs --backend janus): Debian's Janus 1.1.x with
// its VideoCall plugin behind the same impairment relay
// (tests/e2e/lib/impair_relay.py) as Switchboard, and two Chromium pages using
// Debian's janus.js (index.html and call.js beside this file, served by a
// small node http server of the benchmark's own) that register two users and
// call one from the other.
//
// Addresses (NOTES-janus.md): Janus skips loopback interfaces, so inside the
// benchmark's network namespace a veth pair va/vb is made with JANUS_IP and
// RELAY_IP on va (packets between them still travel over lo). Janus gathers
// one host candidate on JANUS_IP and advertises RELAY_IP (nat_1_1_mapping);
// it takes one port per peer connection from a small range, and one relay per
// port of that range listens on RELAY_IP:P and relays to JANUS_IP:P. The pages
// strip their own candidates from what they send Janus (call.js), so every
// media packet between a page and Janus crosses a relay. The relays are one
// relay to the benchmark: set() changes them all, stats() adds their counters.
//
//   import { janusBackend } from './janus_quality/backend.mjs';
//   BACKENDS.janus = janusBackend;
//
// Needs root in the namespace (ip link), Debian's `janus` and
// `libjs-janus-gateway` (scripts/setup.sh --bench). It downloads nothing.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, waitUntil, withTimeout } from '../../e2e/lib/harness.mjs';
import { qualitySnapshot, startRelay } from '../../e2e/lib/quality.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const JANUS_IP = '198.18.0.1';
export const RELAY_IP = '198.18.0.2';
const PORT_MIN = 20000;
const PORT_MAX = 20003; // one port per peer connection: 2 in a call, 2 spare
const JANUS_BIN = process.env.SB_JANUS || 'janus';

// ---------------------------------------------------------------------------
// The machine: addresses, Janus's folders, janus.js

function sh(cmd, args) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** veth va/vb with JANUS_IP/24 and RELAY_IP/32 on va, once per namespace. */
async function ensureAddresses() {
  if (process.env.SB_IN_NETNS !== '1') throw new Error('the janus backend must run in the benchmark\'s own network namespace');
  const has = () => {
    try {
      return sh('ip', ['-o', '-4', 'addr', 'show', 'dev', 'va']);
    } catch {
      return '';
    }
  };
  if (!has()) sh('ip', ['link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb']);
  const addrs = has();
  for (const [ip, len] of [[JANUS_IP, 24], [RELAY_IP, 32]]) {
    if (!addrs.includes(` ${ip}/`)) sh('ip', ['addr', 'add', `${ip}/${len}`, 'dev', 'va']);
  }
  sh('ip', ['link', 'set', 'va', 'up']);
  sh('ip', ['link', 'set', 'vb', 'up']);
  // Usable once bindable (the address is tentative for a moment).
  const ok = await waitUntil(() => Promise.all([JANUS_IP, RELAY_IP].map((ip) => new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(0, ip, () => s.close(() => resolve(true)));
  }))).then((r) => r.every(Boolean)), { timeoutMs: 5000, intervalMs: 50 });
  if (!ok) throw new Error(`${JANUS_IP} / ${RELAY_IP} never became bindable`);
}

function janusLibDir(kind) {
  const lib = '/usr/lib';
  const dirs = fs.readdirSync(lib).map((d) => path.join(lib, d, 'janus', kind)).concat([path.join(lib, 'janus', kind)]);
  const found = dirs.find((d) => fs.existsSync(d));
  if (!found) throw new Error(`no janus ${kind} folder under /usr/lib: install Debian's janus (scripts/setup.sh --bench)`);
  return found;
}

/** Debian's janus.js: SB_JANUS_JS, else the file libjs-janus-gateway (or janus-demos) installed. */
export function findJanusJs() {
  if (process.env.SB_JANUS_JS) return process.env.SB_JANUS_JS;
  const usual = '/usr/share/javascript/janus-gateway/janus.js';
  if (fs.existsSync(usual)) return usual;
  for (const pkg of ['libjs-janus-gateway', 'janus-demos']) {
    try {
      const hit = sh('dpkg', ['-L', pkg]).split('\n').find((f) => /\/janus\.js$/.test(f) && fs.existsSync(f));
      if (hit) return hit;
    } catch {
      // not installed
    }
  }
  throw new Error('janus.js not found: install Debian\'s libjs-janus-gateway (scripts/setup.sh --bench)');
}

/** "Janus 1.1.2" from `janus --version`, or null. */
function janusVersion() {
  // (`janus --version` exits with status 1 after printing it.)
  const r = spawnSync(JANUS_BIN, ['--version'], { encoding: 'utf8' });
  const m = /Janus version: \d+ \(([^)]+)\)/.exec(`${r.stdout || ''}${r.stderr || ''}`);
  return m ? m[1] : null;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

// ---------------------------------------------------------------------------
// Janus

/** Writes the three configuration files from the templates beside this file. */
function writeConfig(dir, wsPort) {
  fs.mkdirSync(dir, { recursive: true });
  const plugins = janusLibDir('plugins');
  const transports = janusLibDir('transports');
  const others = (folder, keep) => fs.readdirSync(folder).filter((n) => n.endsWith('.so') && n !== keep).sort().join(',');
  const vars = {
    CONFIGS_FOLDER: dir,
    PLUGINS_FOLDER: plugins,
    TRANSPORTS_FOLDER: transports,
    JANUS_IP,
    RELAY_IP,
    PORT_MIN,
    PORT_MAX,
    WS_PORT: wsPort,
    ADMIN_SECRET: crypto.randomBytes(8).toString('hex'),
    DISABLE_PLUGINS: others(plugins, 'libjanus_videocall.so'),
    DISABLE_TRANSPORTS: others(transports, 'libjanus_websockets.so'),
  };
  for (const name of ['janus.jcfg', 'janus.transport.websockets.jcfg', 'janus.plugin.videocall.jcfg']) {
    // Comment lines are copied as they are; fields in the others must be known.
    const text = fs.readFileSync(path.join(here, `${name}.in`), 'utf8').replace(/^(?!\s*#).*$/gm, (line) => line.replace(/@([A-Z_]+)@/g, (all, k) => {
      if (!(k in vars)) throw new Error(`${name}.in: unknown @${k}@`);
      return String(vars[k]);
    }));
    fs.writeFileSync(path.join(dir, name), text);
  }
}

/** Starts Janus with a fresh configuration; resolves once its WebSocket port accepts. */
async function startJanus(ctx) {
  const wsPort = await freePort();
  const dir = fs.mkdtempSync(path.join(ctx.tmp, 'janus-'));
  writeConfig(dir, wsPort);
  const logPath = path.join(dir, 'janus.log');
  const logFd = fs.openSync(logPath, 'w');
  const proc = spawn(JANUS_BIN, ['-F', dir, '-C', path.join(dir, 'janus.jcfg'), '-o'], { stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  let exited = null;
  const exitP = new Promise((resolve) => proc.on('exit', (code, signal) => {
    exited = { code, signal };
    resolve(exited);
  }));
  proc.on('error', () => {});
  const log = () => {
    try {
      return fs.readFileSync(logPath, 'utf8');
    } catch {
      return '';
    }
  };
  const up = await waitUntil(async () => exited || (await canConnect(wsPort)), { timeoutMs: 20000, intervalMs: 100 });
  if (!up || exited) {
    proc.kill('SIGKILL');
    throw new Error(`janus did not start (${JSON.stringify(exited)}):\n${log().slice(-3000)}`);
  }
  let stopped = null;
  const janus = {
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    pid: proc.pid,
    log,
    async stop(graceMs = 15000) {
      if (stopped) return stopped;
      let killed = false;
      if (!exited) {
        proc.kill('SIGTERM');
        if (!(await Promise.race([exitP, sleep(graceMs).then(() => null)]))) {
          killed = true;
          proc.kill('SIGKILL');
          await exitP;
        }
      }
      stopped = { ...exited, killed, log: log() };
      return stopped;
    },
  };
  ctx.defer(() => janus.stop());
  return janus;
}

// ---------------------------------------------------------------------------
// The relays, as one

/** Adds two relay stats objects: counters add up, maxima (max_queue_ms, uptime_s) take the larger. */
function addStats(a, b) {
  if (a === undefined) return structuredClone(b);
  const out = Array.isArray(a) ? [] : {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k], y = b[k];
    if (typeof x === 'number' && typeof y === 'number') out[k] = /^max_|uptime/.test(k) ? Math.max(x, y) : x + y;
    else if (x && y && typeof x === 'object') out[k] = addStats(x, y);
    else out[k] = x ?? y;
  }
  return out;
}

/** One relay per Janus media port, seen as one relay (set / stats / stop). */
async function startRelays(ctx, { seed, config }) {
  const relays = [];
  for (let p = PORT_MIN; p <= PORT_MAX; p++) {
    relays.push(await startRelay(ctx, {
      listen: `${RELAY_IP}:${p}`, upstream: `${JANUS_IP}:${p}`, seed: seed * 16 + (p - PORT_MIN), config,
    }));
  }
  return {
    relays,
    async set(cfg, dir = 'both') {
      return (await Promise.all(relays.map((r) => r.set(cfg, dir))))[0];
    },
    async stats() {
      return (await Promise.all(relays.map((r) => r.stats()))).reduce((acc, s) => addStats(acc, s), undefined);
    },
    async stop() {
      const finals = await Promise.all(relays.map((r) => r.stop()));
      return finals.filter(Boolean).reduce((acc, s) => addStats(acc, s), undefined) ?? null;
    },
  };
}

// ---------------------------------------------------------------------------
// The page's static server

async function startPageServer(ctx) {
  const files = {
    '/': [path.join(here, 'index.html'), 'text/html; charset=utf-8'],
    '/index.html': [path.join(here, 'index.html'), 'text/html; charset=utf-8'],
    '/call.js': [path.join(here, 'call.js'), 'text/javascript; charset=utf-8'],
    '/janus.js': [findJanusJs(), 'text/javascript; charset=utf-8'],
  };
  const server = http.createServer((req, res) => {
    const f = files[new URL(req.url, 'http://x').pathname];
    if (!f || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    fs.readFile(f[0], (err, body) => {
      if (err) res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`);
      else res.writeHead(200, { 'content-type': f[1], 'cache-control': 'no-store' }).end(body);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const close = () => new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
  ctx.defer(close);
  return { url: `http://127.0.0.1:${server.address().port}`, close };
}

// ---------------------------------------------------------------------------
// The backend

async function openPage(browser, pageUrl, label, consoleLines) {
  const pages = browser.pages();
  const page = pages.length && pages[0].url() === 'about:blank' ? pages[0] : await browser.newPage();
  page.on('console', (m) => {
    consoleLines.push(`[${label}] ${m.type()}: ${m.text()}`);
    if (consoleLines.length > 80) consoleLines.shift();
    if (process.env.SB_E2E_VERBOSE) process.stderr.write(`[${label}] ${m.text()}\n`);
  });
  page.on('pageerror', (e) => consoleLines.push(`[${label}] pageerror: ${e.message}`));
  await page.goto(pageUrl, { timeout: 30000 });
  await page.evaluate(() => window.jq.ready);
  return page;
}

/** In-page: the remote end of the selected candidate pair ({address, port, type}) or null. */
async function selectedRemote() {
  const pc = window.sbQualityPc();
  if (!pc) return null;
  const stats = await pc.getStats();
  let pair = null;
  stats.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
  });
  const c = pair ? stats.get(pair.remoteCandidateId) : null;
  return c ? { address: c.address, port: c.port, type: c.candidateType } : null;
}

export const janusBackend = {
  describe: () => `Janus ${janusVersion() || '(version unknown)'} (Debian's janus, VideoCall plugin, full ICE, janus.js from libjs-janus-gateway)`,
  async start(ctx, { relayConfig, seed }) {
    await ensureAddresses();
    const relay = await startRelays(ctx, { seed, config: relayConfig });
    const janus = await startJanus(ctx);
    const site = await startPageServer(ctx);
    const consoleLines = [];
    let n = 0;
    return {
      relay,
      async call([ba, bb]) {
        n++;
        const url = `${site.url}/?ws=${encodeURIComponent(janus.wsUrl)}`;
        const [pa, pb] = await Promise.all([openPage(ba, url, 'a', consoleLines), openPage(bb, url, 'b', consoleLines)]);
        const [ua, ub] = [`a${n}`, `b${n}`];
        try {
          await withTimeout(pb.evaluate((u) => window.jq.register(u), ub), 10000, 'register b');
          await withTimeout(pa.evaluate((u) => window.jq.register(u), ua), 10000, 'register a');
          await withTimeout(pa.evaluate((u) => window.jq.call(u), ub), 20000, 'call a -> b');
          const decoding = async (page) => ((await qualitySnapshot(page)).inbound?.framesDecoded ?? 0) > 0;
          const ok = await waitUntil(async () => (await decoding(pa)) && (await decoding(pb)), { timeoutMs: 30000, intervalMs: 250 });
          if (!ok) throw new Error('no video decoded both ways within 30 s');
          // Every page's media must go through a relay, not straight to Janus.
          const remotes = await Promise.all([pa, pb].map((p) => p.evaluate(selectedRemote)));
          if (remotes.some((r) => r?.address !== RELAY_IP)) {
            throw new Error(`media bypasses the relay: selected remote candidates ${JSON.stringify(remotes)}`);
          }
        } catch (err) {
          const events = await Promise.all([pa, pb].map((p) => p.evaluate(() => window.jq.events.map((e) => e.state).join(' ')).catch(() => '?')));
          throw new Error(`${err.message}\npage a: ${events[0]}\npage b: ${events[1]}\n${consoleLines.slice(-30).join('\n')}\n` +
            `janus log:\n${janus.log().split('\n').slice(-40).join('\n')}`);
        }
        return [pa, pb];
      },
      async stop() {
        const r = await janus.stop();
        await relay.stop();
        await site.close();
        return { ok: r.code === 0 && !r.killed, exit: r.code };
      },
    };
  },
};
