// test_ice_restart_firefox.mjs - ICE restart through the server with Firefox ESR:
// a Firefox page and a Chromium page in a duo room with media flowing, then the
// Firefox page calls pc.restartIce(). Its next offer carries a new ice-ufrag, the
// server answers with new ICE credentials of its own and the same DTLS
// fingerprint, Firefox's ICE reconnects on a new candidate pair, the server does
// no second DTLS handshake, and video keeps being decoded on both sides. Ends
// with the server's clean exit (status 0, no sanitizer report).
//
// Once the server has added its own m-sections (s0, s1), Firefox re-offers them
// with port 0 and a=bundle-only (RFC 8843 section 6: bundled, not rejected), so
// this restart also checks that the server keeps those sections.
import {
  checkMedia, launchBrowser, openParticipant, recordSdp, recordedSdp, run, sdpUfrag, selectedPair, sleep,
  startServer, waitUntil,
} from './lib/harness.mjs';
import { launchFirefox, openFirefoxParticipant } from './lib/firefox.mjs';

const pwdOf = (sdp) => /^a=ice-pwd:(\S+)/m.exec(sdp || '')?.[1] ?? null;
const fingerprintOf = (sdp) => /^a=fingerprint:(.+)$/m.exec(sdp || '')?.[1]?.trim() ?? null;
const connected = (s) => s && ['connected', 'completed'].includes(s.ice);

await run('ice-restart-firefox', async (ctx) => {
  const { t } = ctx;
  const server = await startServer(ctx);
  const room = 'ice-restart-ff';
  const [chrome, firefox] = await Promise.all([launchBrowser(ctx), launchFirefox(ctx)]);
  const [cr, ff] = await Promise.all([
    openParticipant(ctx, chrome, server, { name: 'chromium', room }),
    openFirefoxParticipant(ctx, firefox, server, { name: 'firefox', room }),
  ]);
  t.comment(`firefox ${await firefox.version()}`);
  const crId = await cr.join();
  const ffId = await ff.join();
  t.ok(crId && ffId && crId !== ffId, `both pages show "joined" (chromium ${crId}, firefox ${ffId})`);
  await checkMedia(ctx, ff, crId, 'before the restart: firefox decodes chromium\'s video, rising');
  await checkMedia(ctx, cr, ffId, 'before the restart: chromium decodes firefox\'s video, rising');
  await recordSdp(ff);

  const descs0 = await ff.page.evaluate(() => ({ local: window.sb.pc.localDescription.sdp, remote: window.sb.pc.remoteDescription.sdp }));
  const ufrag0 = sdpUfrag(descs0.local);
  const srvUfrag0 = sdpUfrag(descs0.remote);
  const pair0 = await selectedPair(ff);
  t.ok(connected(pair0), `firefox's ICE is ${pair0?.ice} (pair ${pair0?.pairId}, local port ${pair0?.localPort})`, pair0);

  await ff.page.evaluate(() => window.sb.pc.restartIce());
  const offer = await waitUntil(async () => (await recordedSdp(ff)).find((d) => d.dir === 'out' && d.type === 'offer'), { timeoutMs: 10000 });
  const ufrag1 = sdpUfrag(offer?.sdp);
  t.ok(offer && ufrag1 && ufrag1 !== ufrag0, `firefox's offer after restartIce() carries a new ice-ufrag (${ufrag0} -> ${ufrag1})`, offer);
  const answer = await waitUntil(async () => (await recordedSdp(ff)).find((d) => d.dir === 'in' && d.type === 'answer' && d.t > offer.t), { timeoutMs: 10000 });
  const srvUfrag1 = sdpUfrag(answer?.sdp);
  t.ok(answer && srvUfrag1 && srvUfrag1 !== srvUfrag0 && pwdOf(answer.sdp) !== pwdOf(descs0.remote),
    `the server answers with new ICE credentials (ufrag ${srvUfrag0} -> ${srvUfrag1}, new password)`, answer?.sdp);
  t.ok(answer && fingerprintOf(answer.sdp) === fingerprintOf(descs0.remote), 'the answer keeps the DTLS fingerprint', answer?.sdp);
  const bundleOnly = (offer?.sdp?.match(/^a=bundle-only/gm) || []).length;
  const mLines = answer?.sdp?.match(/^m=.*$/gm) || [];
  t.ok(answer && mLines.length > 0 && mLines.every((l) => !/^m=\S+ 0 /.test(l)),
    `the answer keeps every m-section: none answered port 0 (the offer marked ${bundleOnly} bundle-only)`, { offer: offer?.sdp, answer: answer?.sdp });

  const pair1 = await waitUntil(async () => {
    const s = await selectedPair(ff);
    return connected(s) && s.pairId && s.pairId !== pair0?.pairId ? s : null;
  }, { timeoutMs: 20000 });
  t.ok(pair1, `firefox's ICE reconnects on a new candidate pair (${pair0?.pairId} -> ${pair1?.pairId}, local port ${pair0?.localPort} -> ${pair1?.localPort})`,
    pair1 ? undefined : await ff.diag(await selectedPair(ff)));
  if (pair1) {
    await sleep(2000);
    const later = await selectedPair(ff);
    t.ok(later.pairId === pair1.pairId && later.bytesSent > pair1.bytesSent && later.bytesReceived > pair1.bytesReceived,
      `the new pair carries media both ways (sent ${pair1.bytesSent} -> ${later.bytesSent}, received ${pair1.bytesReceived} -> ${later.bytesReceived} bytes in 2 s)`,
      { pair1, later });
  }
  const m = await ff.waitMedia(crId, { timeoutMs: 10000 });
  t.ok(m.ok, `after the restart: firefox still decodes chromium's video, rising${m.ok ? ` (frames ${m.before.videoFrames}->${m.after.videoFrames})` : ''}`,
    m.ok ? undefined : m.why);
  await checkMedia(ctx, cr, ffId, 'after the restart: chromium still decodes firefox\'s video, rising');
  const log = server.stderr();
  t.ok(log.includes(`${ffId}: ICE restart (in the browser's offer)`), 'the server logs the ICE restart of firefox\'s connection', log.split('\n').slice(-30).join('\n'));
  t.ok(log.split('\n').filter((l) => l.includes(`${ffId}: media connected`)).length === 1, 'no second DTLS handshake on the server');
  const errs = [...(await ff.events()), ...(await cr.events())].filter((e) => e.type === 'error' || e.type === 'peer-left');
  t.ok(errs.length === 0, 'no error or peer-left events on either page', errs);
  await Promise.all([chrome.close(), firefox.close()]);
  await server.stopAndCheck();
});
