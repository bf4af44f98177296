// test_aiortc_chromium.mjs - interoperability with a second, independent WebRTC
// stack: an aiortc peer (tests/e2e/aiortc_peer.py, a child process in the same
// network namespace) and a Chromium page in one duo room, in both orders (aiortc
// first, then Chromium first). The Chromium page decodes aiortc's video and
// receives its audio (rising), and aiortc decodes Chromium's video (more than 30
// frames). Then, on a server started with a 3 s disconnect timeout, an aiortc
// peer goes silent (no UDP either way, no DTLS close) while keeping its WebSocket
// open: the server must remove it after the timeout (bye "removed", socket
// closed) and the Chromium page gets peer-left with reason "failed".
// Each server must exit cleanly (status 0, no sanitizer report).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { SRCDIR, checkMedia, launchBrowser, openParticipant, run, sleep, startServer, waitUntil, withTimeout } from './lib/harness.mjs';

const PYTHON = '/usr/bin/python3'; // Debian's, with python3-aiortc
const PEER = path.join(SRCDIR, 'tests/e2e/aiortc_peer.py');
const TIMEOUT_MS = 3000; // the disconnect timeout of the last part

/**
 * Starts aiortc_peer.py in `room` for `seconds` (with --progress). Returns
 * { proc, events, peerId(), waitEvent(pred, ms), result(ms), diag() }: events are its
 * progress lines ({t, event, ..., at: Date.now() when read}); result() resolves to
 * its final JSON (or { failed: why }).
 */
function startAiortc(ctx, server, room, { seconds, args = [] }) {
  const proc = spawn(PYTHON, [PEER, '--url', server.wsUrl, '--room', room, '--seconds', String(seconds), '--progress', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const a = { proc, events: [], log: [], stdout: '', exited: null };
  readline.createInterface({ input: proc.stderr }).on('line', (line) => {
    let ev = null;
    try {
      ev = JSON.parse(line);
    } catch {
      ev = null;
    }
    if (ev && typeof ev.event === 'string') {
      a.events.push({ ...ev, at: Date.now() });
    } else {
      a.log.push(line);
      if (a.log.length > 40) a.log.shift();
    }
  });
  proc.stdout.on('data', (d) => { a.stdout += d; });
  const exited = new Promise((resolve) => {
    proc.on('error', (err) => { a.exited = { error: err.message }; resolve(); });
    proc.on('exit', (code, signal) => { a.exited = { code, signal }; resolve(); });
  });
  a.peerId = () => a.events.find((e) => e.event === 'joined')?.peer_id ?? null;
  a.waitEvent = (pred, timeoutMs = 20000) => waitUntil(() => a.events.find(pred) || null, { timeoutMs, intervalMs: 100 });
  a.result = async (timeoutMs) => {
    const done = await Promise.race([exited.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!done) return { failed: `still running after ${timeoutMs} ms` };
    if (a.exited.code !== 0) return { failed: `exited with ${JSON.stringify(a.exited)}` };
    try {
      return JSON.parse(a.stdout);
    } catch {
      return { failed: `no JSON on stdout: ${a.stdout.slice(0, 200)}` };
    }
  };
  a.diag = (extra) => [extra ? JSON.stringify(extra) : '', `aiortc exit: ${JSON.stringify(a.exited)}`,
    `aiortc stdout: ${a.stdout.slice(0, 2000)}`, 'aiortc events:', ...a.events.map((e) => JSON.stringify(e)),
    'aiortc stderr:', ...a.log].filter(Boolean).join('\n');
  ctx.defer(async () => {
    if (!a.exited) {
      proc.kill('SIGKILL');
      await withTimeout(exited, 5000, 'aiortc exit').catch(() => {});
    }
  });
  return a;
}

/** Records that the aiortc peer, when done, decoded more than 30 video frames from `fromId`. */
async function checkAiortcResult(ctx, aio, fromId, label, timeoutMs) {
  const res = await aio.result(timeoutMs);
  const frames = res.frames?.[fromId] ?? 0;
  const audio = res.audio_frames?.[fromId] ?? 0;
  ctx.t.ok(!res.failed && frames > 30, `${label} (${frames} video frames, ${audio} audio frames)`,
    frames > 30 ? undefined : aio.diag(res));
  ctx.t.ok(!res.failed && res.errors?.length === 0, 'the aiortc peer got no error message', aio.diag(res));
  return res;
}

await run('aiortc-chromium', async (ctx) => {
  const { t } = ctx;
  const server = await startServer(ctx);
  const browser = await launchBrowser(ctx);

  // ---- 1. aiortc first, then Chromium ----
  {
    const room = 'aio-first';
    const aio = startAiortc(ctx, server, room, { seconds: 22 });
    const up = await aio.waitEvent((e) => e.event === 'connection' && e.state === 'connected', 20000);
    const aioId = aio.peerId();
    t.ok(up && aioId, `aiortc joins an empty room and connects its media to the server (${aioId})`, up ? undefined : aio.diag());
    const cr = await openParticipant(ctx, browser, server, { name: 'chromium', room });
    const crId = await cr.join();
    const joined = (await cr.events()).find((e) => e.type === 'joined')?.detail;
    t.ok(joined?.peers?.length === 1 && joined.peers[0].peer_id === aioId && joined.peers[0].name === 'aiortc',
      `then the Chromium page joins (${crId}) and is told about aiortc (joined.peers)`, joined);
    await checkMedia(ctx, cr, aioId, 'aiortc first: Chromium decodes aiortc\'s video and receives its audio, rising over 2 s', { timeoutMs: 30000 });
    const res = await checkAiortcResult(ctx, aio, crId, 'aiortc first: aiortc decodes more than 30 frames of Chromium\'s video', 40000);
    t.ok(res.peer_joined?.some((p) => p.peer_id === crId), 'aiortc got peer-joined for the Chromium page', aio.diag(res));
    // aiortc has closed its socket: the page is told.
    const left = await cr.waitEvent((e) => e.type === 'peer-left' && e.detail.peer_id === aioId, 20000);
    t.ok(left && left.detail.reason === 'disconnected', `the Chromium page gets peer-left for aiortc ("${left?.detail?.reason}") when it closes its socket`,
      left ? undefined : await cr.diag());
    await cr.page.close();
  }

  // ---- 2. Chromium first, then aiortc ----
  {
    const room = 'aio-second';
    const cr = await openParticipant(ctx, browser, server, { name: 'chromium', room, newPage: true });
    const crId = await cr.join();
    const aio = startAiortc(ctx, server, room, { seconds: 14 });
    const joined = await aio.waitEvent((e) => e.event === 'joined', 20000);
    const aioId = aio.peerId();
    t.ok(joined?.peers?.length === 1 && joined.peers[0].peer_id === crId,
      `Chromium first (${crId}), then aiortc joins (${aioId}) and is told about the page (joined.peers)`, aio.diag());
    const pj = await cr.waitEvent((e) => e.type === 'peer-joined' && e.detail.peer_id === aioId);
    t.ok(pj && pj.detail.name === 'aiortc', 'the Chromium page gets peer-joined for aiortc', pj ? undefined : await cr.diag());
    await checkMedia(ctx, cr, aioId, 'Chromium first: Chromium decodes aiortc\'s video and receives its audio, rising over 2 s', { timeoutMs: 30000 });
    await checkAiortcResult(ctx, aio, crId, 'Chromium first: aiortc decodes more than 30 frames of Chromium\'s video', 30000);
    const left = await cr.waitEvent((e) => e.type === 'peer-left' && e.detail.peer_id === aioId, 20000);
    t.ok(left && left.detail.reason === 'disconnected', `the Chromium page gets peer-left for aiortc ("${left?.detail?.reason}")`,
      left ? undefined : await cr.diag());
    const st = await cr.probe();
    t.ok(st.session === 'joined' && st.connection === 'connected', `the Chromium page stays joined and connected (${st.session}, ${st.connection})`, st);
    const errs = (await cr.events()).filter((e) => e.type === 'error');
    t.ok(errs.length === 0, 'no error events on the Chromium pages', errs);
    await cr.page.close();
  }
  await server.stopAndCheck('server');

  // ---- 3. an aiortc peer goes silent but keeps its WebSocket: removed after the timeout ----
  {
    const conf = path.join(ctx.tmp, 'short-timeout.conf');
    fs.writeFileSync(conf, `# ${TIMEOUT_MS} ms disconnect timeout\n[media]\ndisconnect_timeout_ms = ${TIMEOUT_MS}\n`);
    const server2 = await startServer(ctx, { args: ['-c', conf] });
    const room = 'aio-silent';
    const cr = await openParticipant(ctx, browser, server2, { name: 'chromium', room, newPage: true });
    const crId = await cr.join();
    const aio = startAiortc(ctx, server2, room, { seconds: 45, args: ['--stop-media-on-usr1'] });
    await aio.waitEvent((e) => e.event === 'joined', 20000);
    const aioId = aio.peerId();
    const flowing = await checkMedia(ctx, cr, aioId,
      `with a ${TIMEOUT_MS} ms disconnect timeout, Chromium first receives aiortc's media (${aioId})`, { timeoutMs: 30000 });
    // Live media keeps both members in the room past the timeout.
    await sleep(TIMEOUT_MS + 500);
    const still = await cr.probe();
    t.ok(still.session === 'joined' && !(await cr.events()).some((e) => e.type === 'peer-left'),
      `no one is removed while media flows (waited ${TIMEOUT_MS + 500} ms)`, await cr.diag());

    aio.proc.kill('SIGUSR1');
    const stopped = await aio.waitEvent((e) => e.event === 'media-stopped', 10000);
    t.ok(stopped && stopped.sockets > 0, `aiortc goes silent on SIGUSR1, WebSocket still open (${stopped?.sockets} socket(s) muted)`,
      stopped ? undefined : aio.diag());
    const stoppedAt = stopped?.at ?? Date.now();
    let leftAt = null;
    const left = await waitUntil(async () => {
      const e = (await cr.events()).find((x) => x.type === 'peer-left' && x.detail.peer_id === aioId);
      if (e) leftAt = Date.now();
      return e;
    }, { timeoutMs: TIMEOUT_MS + 15000, intervalMs: 100 });
    const delay = leftAt === null ? null : leftAt - stoppedAt;
    t.ok(left && left.detail.reason === 'failed', `the Chromium page gets peer-left for the silent aiortc peer with reason "failed" (${left?.detail?.reason})`,
      left ? undefined : `${await cr.diag()}\n${aio.diag()}`);
    t.ok(delay !== null && delay >= TIMEOUT_MS - 1000 && delay <= TIMEOUT_MS + 7000,
      `it comes after the disconnect timeout, not at once (${delay} ms after the media stopped; timeout ${TIMEOUT_MS} ms)`,
      `${aio.diag()}\n${server2.stderr().split('\n').filter((l) => l.includes(aioId)).slice(-20).join('\n')}`);
    const res = await aio.result(15000);
    t.ok(res.bye?.reason === 'removed' && res.closed, `the silent peer gets bye "removed" and its socket closed (bye ${JSON.stringify(res.bye?.reason)}, close code ${res.closed?.code})`,
      aio.diag(res));
    const logLine = server2.stderr().split('\n').find((l) => l.includes(aioId) && /fail/.test(l));
    if (logLine) t.comment(`server: ${logLine.trim()}`);
    // The remaining participant is unaffected.
    await sleep(1000);
    const st = await cr.probe();
    t.ok(st.session === 'joined' && st.connection === 'connected' && !(await cr.events()).some((e) => e.type === 'closed'),
      `the Chromium page stays joined and connected (${st.session}, ${st.connection})${flowing.ok ? '' : ' (media never flowed)'}`, await cr.diag());
    await browser.close();
    await server2.stopAndCheck('server with the short timeout');
  }
}, { timeoutMs: 150000 });
