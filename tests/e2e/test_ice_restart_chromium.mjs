// test_ice_restart_chromium.mjs - ICE restart through the server with real
// Chromium: two participants in a duo room with media flowing, then alice's page
// calls pc.restartIce() (as a browser that changed network does). Her next offer
// carries a new ice-ufrag, the server answers with new ICE credentials of its own
// (same DTLS fingerprint, no new DTLS handshake), ICE reconnects on a new
// candidate pair that carries bytes both ways, and video frames keep being
// decoded on both sides. Then a restart that collides with an offer of the
// server (bob stops sending video while alice's incoming messages are held, so
// the server's offer and alice's restarting offer cross): the server ignores
// alice's offer, she answers the server's, ICE reconnects again, and once bob
// sends video again both sides decode each other. Ends with the server's clean
// exit (status 0, no sanitizer report).
import {
  checkMedia, launchBrowser, openParticipant, recordSdp, recordedSdp, run, sdpUfrag, selectedPair, sleep,
  startServer, waitUntil,
} from './lib/harness.mjs';

const pwdOf = (sdp) => /^a=ice-pwd:(\S+)/m.exec(sdp || '')?.[1] ?? null;
const fingerprintOf = (sdp) => /^a=fingerprint:(.+)$/m.exec(sdp || '')?.[1]?.trim() ?? null;
const connected = (s) => s && ['connected', 'completed'].includes(s.ice);
const countLines = (text, re) => text.split('\n').filter((l) => re.test(l)).length;

await run('ice-restart', async (ctx) => {
  const { t } = ctx;
  const server = await startServer(ctx, { args: ['-l', 'debug'] });
  const room = 'ice-restart-e2e';
  const [ba, bb] = await Promise.all([launchBrowser(ctx), launchBrowser(ctx)]);
  const [alice, bob] = await Promise.all([
    openParticipant(ctx, ba, server, { name: 'alice', room }),
    openParticipant(ctx, bb, server, { name: 'bob', room }),
  ]);
  const aliceId = await alice.join();
  const bobId = await bob.join();
  t.ok(aliceId && bobId && aliceId !== bobId, `both pages show "joined" (${aliceId}, ${bobId})`);
  await checkMedia(ctx, alice, bobId, 'before the restart: alice decodes bob\'s video, rising');
  await checkMedia(ctx, bob, aliceId, 'before the restart: bob decodes alice\'s video, rising');
  await recordSdp(alice);

  const descs0 = await alice.page.evaluate(() => ({ local: window.sb.pc.localDescription.sdp, remote: window.sb.pc.remoteDescription.sdp }));
  const ufrag0 = sdpUfrag(descs0.local);
  const srvUfrag0 = sdpUfrag(descs0.remote);
  const srvPwd0 = pwdOf(descs0.remote);
  const fp0 = fingerprintOf(descs0.remote);
  const pair0 = await selectedPair(alice);
  t.ok(connected(pair0) && pair0.pairId, `alice's ICE is ${pair0?.ice} on pair ${pair0?.pairId} (local port ${pair0?.localPort})`, pair0);

  // ---- 1. restartIce() on a stable connection ----
  await alice.page.evaluate(() => window.sb.pc.restartIce());
  const offer = await waitUntil(async () => (await recordedSdp(alice)).find((d) => d.dir === 'out' && d.type === 'offer'), { timeoutMs: 10000 });
  const ufrag1 = sdpUfrag(offer?.sdp);
  t.ok(offer && ufrag1 && ufrag1 !== ufrag0, `alice's offer after restartIce() carries a new ice-ufrag (${ufrag0} -> ${ufrag1})`, offer);
  const answer = await waitUntil(async () => (await recordedSdp(alice)).find((d) => d.dir === 'in' && d.type === 'answer' && d.t > offer.t), { timeoutMs: 10000 });
  const srvUfrag1 = sdpUfrag(answer?.sdp);
  t.ok(answer && srvUfrag1 && srvUfrag1 !== srvUfrag0 && pwdOf(answer.sdp) !== srvPwd0,
    `the server answers with new ICE credentials of its own (ufrag ${srvUfrag0} -> ${srvUfrag1}, new password)`, answer?.sdp);
  t.ok(answer && fingerprintOf(answer.sdp) === fp0 && /^a=ice-lite/m.test(answer.sdp),
    'the answer keeps the DTLS fingerprint (and is ICE-lite)', answer?.sdp);

  const pair1 = await waitUntil(async () => {
    const s = await selectedPair(alice);
    return connected(s) && s.pairId && s.pairId !== pair0.pairId && (!s.localUfrag || s.localUfrag === ufrag1) ? s : null;
  }, { timeoutMs: 20000 });
  t.ok(pair1, `ICE reconnects on a new candidate pair (${pair0.pairId} -> ${pair1?.pairId}, local port ${pair0.localPort} -> ${pair1?.localPort}, ufrag ${pair1?.localUfrag ?? 'not reported'})`,
    pair1 ? undefined : await alice.diag(await selectedPair(alice)));
  if (pair1) {
    await sleep(2000);
    const later = await selectedPair(alice);
    t.ok(later.pairId === pair1.pairId && later.bytesSent > pair1.bytesSent && later.bytesReceived > pair1.bytesReceived,
      `the new pair carries media both ways (sent ${pair1.bytesSent} -> ${later.bytesSent}, received ${pair1.bytesReceived} -> ${later.bytesReceived} bytes in 2 s)`,
      { pair1, later });
  }
  await checkMedia(ctx, alice, bobId, 'after the restart: alice still decodes bob\'s video, rising');
  await checkMedia(ctx, bob, aliceId, 'after the restart: bob still decodes alice\'s video, rising');
  const dtls = await alice.page.evaluate(async () => {
    let state = null;
    (await window.sb.pc.getStats()).forEach((s) => {
      if (s.type === 'transport') state = s.dtlsState;
    });
    return state;
  });
  t.ok(dtls === 'connected', `alice's DTLS transport stays connected (${dtls})`);
  let log = server.stderr();
  t.ok(log.includes(`${aliceId}: ICE restart (in the browser's offer)`), 'the server logs the ICE restart of alice\'s connection', log.split('\n').slice(-30).join('\n'));
  t.ok(countLines(log, new RegExp(`${aliceId}: media connected`)) === 1, 'no second DTLS handshake on the server (one "media connected" for alice)');

  // ---- 2. a restart that collides with an offer of the server ----
  const heldBefore = (await alice.wire()).filter((w) => w.dir === 'in' && w.type === 'offer').length;
  await alice.page.evaluate(() => {
    window.sbHoldIncoming = true;
  });
  // Bob stops sending video: the server withdraws it from alice with an offer.
  await bob.page.evaluate(() => {
    const sender = window.sb._links.get(null).senders.video;
    window.sb.pc.getTransceivers().find((tr) => tr.sender === sender).direction = 'recvonly';
  });
  const held = await waitUntil(async () => (await alice.wire()).filter((w) => w.dir === 'in' && w.type === 'offer').length > heldBefore, { timeoutMs: 10000 });
  t.ok(held, 'the server\'s offer to alice (bob stopped his video) arrived and is held back', held ? undefined : await alice.diag());
  const sdpCount = (await recordedSdp(alice)).length;
  await alice.page.evaluate(() => window.sb.pc.restartIce());
  const offer2 = await waitUntil(async () => (await recordedSdp(alice)).slice(sdpCount).find((d) => d.dir === 'out' && d.type === 'offer'), { timeoutMs: 10000 });
  const ufrag2 = sdpUfrag(offer2?.sdp);
  t.ok(offer2 && ufrag2 && ufrag2 !== ufrag1, `alice sends a restarting offer while the server's is out (ice-ufrag ${ufrag1} -> ${ufrag2})`, offer2);
  const ignored = await waitUntil(() => server.stderr().includes(`${aliceId}: ignoring a colliding offer`), { timeoutMs: 5000 });
  t.ok(ignored, 'the server ignores alice\'s colliding offer (impolite)');
  await alice.page.evaluate(() => window.sbReleaseIncoming());

  const settled = await waitUntil(async () => {
    const s = await selectedPair(alice);
    return connected(s) && s.signaling === 'stable' && s.pairId && s.pairId !== pair1?.pairId ? s : null;
  }, { timeoutMs: 20000 });
  t.ok(settled, `after the collision alice is stable and ICE reconnects on another pair (${pair1?.pairId} -> ${settled?.pairId})`,
    settled ? undefined : await alice.diag(await selectedPair(alice)));
  const final = await alice.page.evaluate(() => ({ local: window.sb.pc.localDescription.sdp, remote: window.sb.pc.remoteDescription.sdp }));
  t.ok(sdpUfrag(final.local) !== ufrag1, `alice's current ICE credentials are of the new generation (${sdpUfrag(final.local)})`);
  const wire2 = (await recordedSdp(alice)).slice(sdpCount).map((d) => `${d.dir}:${d.type}:${sdpUfrag(d.sdp)}`).join(' ');
  t.comment(`descriptions after the collision (direction:type:ufrag): ${wire2}`);

  // Bob sends video again; the server offers it to alice once more.
  await bob.page.evaluate(() => {
    const sender = window.sb._links.get(null).senders.video;
    window.sb.pc.getTransceivers().find((tr) => tr.sender === sender).direction = 'sendrecv';
  });
  await checkMedia(ctx, alice, bobId, 'after the colliding restart: alice decodes bob\'s video again, rising');
  await checkMedia(ctx, bob, aliceId, 'after the colliding restart: bob still decodes alice\'s video, rising');
  log = server.stderr();
  t.ok(countLines(log, new RegExp(`${aliceId}: media connected`)) === 1, 'still no second DTLS handshake for alice');
  t.ok(!/\b(failed|removed)\b/.test(log.split('\n').filter((l) => l.includes(aliceId)).join('\n')),
    'the server never failed or removed alice', log.split('\n').filter((l) => l.includes(aliceId)).slice(-20).join('\n'));

  const errs = [...(await alice.events()), ...(await bob.events())].filter((e) => e.type === 'error' || e.type === 'peer-left');
  t.ok(errs.length === 0, 'no error or peer-left events on alice\'s or bob\'s page', errs);
  await Promise.all([ba.close(), bb.close()]);
  await server.stopAndCheck();
});
