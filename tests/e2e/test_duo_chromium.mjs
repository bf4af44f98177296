// test_duo_chromium.mjs - a one-to-one call through the server with real Chromium
// (fake camera and microphone), driven through the demo page like a user: two
// participants join a duo room and each decodes the other's video and receives
// the other's audio; a third one is turned away with room-full; one leaves (the
// other sees peer-left and loses the video), rejoins, and media flows both ways
// again. Ends with the server's clean exit (status 0, no sanitizer report).
import { checkMedia, launchBrowser, openParticipant, run, startServer } from './lib/harness.mjs';

await run('duo', async (ctx) => {
  const { t } = ctx;
  const server = await startServer(ctx);
  const room = 'duo-e2e';
  const [ba, bb, bc] = await Promise.all([launchBrowser(ctx), launchBrowser(ctx), launchBrowser(ctx)]);
  const [alice, bob] = await Promise.all([
    openParticipant(ctx, ba, server, { name: 'alice', room }),
    openParticipant(ctx, bb, server, { name: 'bob', room }),
  ]);

  // Both join through the form (Join button).
  const aliceId = await alice.join();
  const bobId = await bob.join();
  t.ok(aliceId && bobId && aliceId !== bobId, `both pages show "joined" (${aliceId}, ${bobId})`);
  const joined = (await bob.events()).find((e) => e.type === 'joined')?.detail;
  t.ok(joined?.plugin === 'duo' && joined.peers?.length === 1 && joined.peers[0].peer_id === aliceId && joined.peers[0].name === 'alice',
    'the second participant is told about the first (joined.peers, plugin duo)', joined);

  await checkMedia(ctx, alice, bobId, 'alice decodes bob\'s video and receives his audio, rising over 2 s');
  await checkMedia(ctx, bob, aliceId, 'bob decodes alice\'s video and receives her audio, rising over 2 s');
  const shown = await alice.waitVideoElement(bobId);
  t.ok(shown, `alice's page plays bob's video (${shown ? `${shown.width}x${shown.height}` : 'no picture'})`, shown ? undefined : await alice.diag());

  // A third participant opens a link to the full room: it joins by itself and is refused.
  const carol = await openParticipant(ctx, bc, server, { name: 'carol', room, autoJoinUrl: true });
  const refused = await carol.page.waitForFunction(() => {
    const err = document.getElementById('error');
    return !err.hidden && err.textContent.includes('room-full') ? err.textContent : null;
  }, null, { timeout: 30000 }).then((h) => h.jsonValue()).catch(() => null);
  t.ok(refused, `the third participant sees the room-full error on the page (error line) (${refused})`, refused ? undefined : await carol.diag());
  const carolState = await carol.probe();
  const carolEvents = await carol.events();
  t.ok(carolState.session === 'connected' && !carolEvents.some((e) => e.type === 'joined'),
    `the third participant is not in the room (state ${carolState.session}, no joined event)`, await carol.diag());
  // The room-full answer rejects sb.join() (it is not an `error` event); check that no other error was emitted.
  t.ok(!carolEvents.some((e) => e.type === 'error' && e.detail.code !== 'room-full'),
    'the third participant got no other error', carolEvents);
  await carol.page.close();
  const aliceEvents = await alice.events();
  t.ok(aliceEvents.filter((e) => e.type === 'peer-joined').length === 1, 'alice was not told about the refused participant', aliceEvents);

  // Bob leaves (Leave button); alice gets peer-left and his video goes away.
  const framesBefore = await bob.framesFrom(aliceId);
  await bob.leave();
  const left = await alice.waitEvent((e) => e.type === 'peer-left' && e.detail.peer_id === bobId);
  t.ok(left && left.detail.reason === 'left', `alice gets peer-left for bob with reason "left" (${left?.detail?.reason})`, await alice.diag());
  const gone = await alice.page.waitForFunction((id) => !document.querySelector(`#remotes [data-peer-id="${id}"]`), bobId, { timeout: 10000 })
    .then(() => true).catch(() => false);
  t.ok(gone, 'bob\'s video disappears from alice\'s page', gone ? undefined : await alice.diag());
  const bobState = await bob.probe();
  t.ok(bobState.session === 'connected' && bobState.peerId === null,
    `bob's page is back in the connected state (${bobState.session}, frames before leaving: ${framesBefore})`, bobState);

  // Bob rejoins (the same button, now "Rejoin") with a new peer_id; media flows again both ways.
  const bob2 = await bob.join();
  t.ok(bob2 && bob2 !== bobId, `bob rejoins with a new peer_id (${bob2})`);
  const pj = await alice.waitEvent((e) => e.type === 'peer-joined' && e.detail.peer_id === bob2);
  t.ok(pj && pj.detail.name === 'bob', 'alice gets peer-joined for bob\'s new membership', await alice.diag());
  await checkMedia(ctx, alice, bob2, 'after the rejoin, alice decodes bob\'s video again, rising');
  await checkMedia(ctx, bob, aliceId, 'after the rejoin, bob decodes alice\'s video again, rising');
  const shown2 = await bob.waitVideoElement(aliceId);
  t.ok(shown2, 'bob\'s page plays alice\'s video after the rejoin', shown2 ? undefined : await bob.diag());

  const finalA = await alice.probe();
  const finalB = await bob.probe();
  t.ok(finalA.connection === 'connected' && finalB.connection === 'connected' &&
    finalA.signaling === 'stable' && finalB.signaling === 'stable',
  'both peer connections end connected and stable', { alice: finalA, bob: finalB });
  const errs = [...(await alice.events()), ...(await bob.events())].filter((e) => e.type === 'error');
  t.ok(errs.length === 0, 'no error events on alice\'s or bob\'s page', errs);

  await Promise.all([ba.close(), bb.close(), bc.close()]);
  await server.stopAndCheck();
});
