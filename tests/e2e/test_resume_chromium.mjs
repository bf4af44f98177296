// test_resume_chromium.mjs - a participant who reloads the page takes its seat
// back, with real Chromium: two pages in a duo room with media flowing, then bob's
// page is reloaded. The page joins its room again by itself with the resume
// token it kept in sessionStorage: the server gives it the same peer_id, alice
// gets peer-resumed (no peer-left), and media flows both ways again. Then bob's
// page is closed: during the grace period a third page is refused (room-full: the
// seat is held), and once it is over alice gets peer-left and the third page can
// join. The same reload in a relay room: the page takes its seat back, its
// partner gets peer-resumed and both make a new peer-to-peer connection. Ends
// with the server's clean exit (status 0, no sanitizer report).
import fs from 'node:fs';
import path from 'node:path';
import { checkMedia, launchBrowser, openParticipant, run, sleep, startServer, waitUntil } from './lib/harness.mjs';

const GRACE_MS = 8000;

await run('resume', async (ctx) => {
  const { t } = ctx;
  const conf = path.join(ctx.tmp, 'resume.conf');
  fs.writeFileSync(conf, `[signaling]\nresume_grace_ms = ${GRACE_MS}\n`);
  const server = await startServer(ctx, { args: ['-c', conf] });
  const room = 'resume-e2e';
  const [ba, bb, bc] = await Promise.all([launchBrowser(ctx), launchBrowser(ctx), launchBrowser(ctx)]);
  const [alice, bob] = await Promise.all([
    openParticipant(ctx, ba, server, { name: 'alice', room }),
    openParticipant(ctx, bb, server, { name: 'bob', room }),
  ]);
  const aliceId = await alice.join();
  const bobId = await bob.join();
  t.ok(aliceId && bobId && aliceId !== bobId, `both pages show "joined" (${aliceId}, ${bobId})`);
  const joined = (await bob.events()).find((e) => e.type === 'joined')?.detail;
  t.ok(typeof joined?.resume_token === 'string' && joined.resume_token.length >= 20, 'joined carries a resume_token');
  const stored = await bob.page.evaluate(() => JSON.parse(sessionStorage.getItem('switchboard.resume') || 'null'));
  t.ok(stored?.room === room && stored.token === joined?.resume_token, 'the page keeps it in sessionStorage with the room name', stored);
  await checkMedia(ctx, alice, bobId, 'before the reload: alice decodes bob\'s video, rising');
  await checkMedia(ctx, bob, aliceId, 'before the reload: bob decodes alice\'s video, rising');

  // ---- bob reloads: the page joins again by itself and takes its seat back ----
  await bob.page.reload({ timeout: 30000 });
  await bob.page.waitForFunction(() => window.sb && window.sbEvents, null, { timeout: 30000 });
  let bobId2 = null;
  try {
    bobId2 = await bob.waitJoined();
  } catch (err) {
    t.comment(String(err));
  }
  t.ok(bobId2 === bobId, `the reloaded page is back in the room with the same peer_id (${bobId} -> ${bobId2})`, bobId2 ? undefined : await bob.diag());
  const resumed = await alice.waitEvent((e) => e.type === 'peer-resumed' && e.detail.peer_id === bobId, 10000);
  t.ok(resumed && resumed.detail.name === 'bob', 'alice gets peer-resumed for bob', resumed ? undefined : await alice.diag());
  const aliceEvents = await alice.events();
  t.ok(!aliceEvents.some((e) => e.type === 'peer-left' || (e.type === 'peer-joined' && e.detail.peer_id !== bobId)),
    'alice gets no peer-left (and no newcomer) for the reload', aliceEvents.map((e) => e.type));
  const joined2 = (await bob.events()).find((e) => e.type === 'joined')?.detail;
  t.ok(joined2?.peers?.length === 1 && joined2.peers[0].peer_id === aliceId && joined2.resume_token && joined2.resume_token !== joined?.resume_token,
    'bob\'s new joined lists alice and carries a new token', joined2);
  t.ok(server.stderr().includes(`${bobId} took its seat in room ${room} back`), 'the server took the seat back (log)');
  await checkMedia(ctx, alice, bobId, 'after the reload: alice decodes bob\'s video again, rising', { timeoutMs: 30000 });
  await checkMedia(ctx, bob, aliceId, 'after the reload: the reloaded page decodes alice\'s video, rising', { timeoutMs: 30000 });
  const shown = await bob.waitVideoElement(aliceId);
  t.ok(shown, 'the reloaded page plays alice\'s video', shown ? undefined : await bob.diag());
  const shownA = await alice.waitVideoElement(bobId);
  t.ok(shownA, 'alice\'s page plays bob\'s video again', shownA ? undefined : await alice.diag());

  // ---- bob closes the page: the seat is held, then freed ----
  const carol = await openParticipant(ctx, bc, server, { name: 'carol', room });
  const closedAt = Date.now();
  await bob.page.close();
  await sleep(300);
  await carol.clickJoin();
  const refused = await carol.page.waitForFunction(() => {
    const err = document.getElementById('error');
    return !err.hidden && err.textContent.includes('room-full') ? err.textContent : null;
  }, null, { timeout: 10000 }).then((h) => h.jsonValue()).catch(() => null);
  const roomsLog = () => server.stderr().split('\n').filter((l) => l.includes('[rooms]')).join('\n');
  t.ok(refused && Date.now() - closedAt < GRACE_MS, `during the grace period a third page is refused: room-full (${refused})`,
    refused ? undefined : `${await carol.diag()}\n${roomsLog()}`);
  const left = await alice.waitEvent((e) => e.type === 'peer-left' && e.detail.peer_id === bobId, GRACE_MS + 10000);
  const after = Date.now() - closedAt;
  t.ok(left && left.detail.reason === 'disconnected' && after >= GRACE_MS - 500,
    `after the grace period alice gets peer-left "disconnected" (${after} ms after the page closed)`, left ? undefined : await alice.diag());
  const carolId = await waitUntil(async () => {
    try {
      return await carol.join();
    } catch {
      return null;
    }
  }, { timeoutMs: 15000, intervalMs: 1000 });
  t.ok(carolId && carolId !== bobId, `then the freed seat can be taken (${carolId})`, carolId ? undefined : await carol.diag());
  if (carolId) await checkMedia(ctx, alice, carolId, 'alice decodes the newcomer\'s video', { timeoutMs: 30000 });

  const errs = (await alice.events()).filter((e) => e.type === 'error');
  t.ok(errs.length === 0, 'no error events on alice\'s page', errs);

  // ---- relay rooms: a reloaded page and its partner make a new connection ----
  const rroom = 'resume-relay-e2e';
  const ann = await openParticipant(ctx, ba, server, { name: 'ann', room: rroom, plugin: 'relay', newPage: true });
  const ben = await openParticipant(ctx, bc, server, { name: 'ben', room: rroom, plugin: 'relay', newPage: true });
  const annId = await ann.join();
  const benId = await ben.join();
  await checkMedia(ctx, ann, benId, 'relay: ann decodes ben\'s video (peer to peer)');
  await ben.page.reload({ timeout: 30000 });
  await ben.page.waitForFunction(() => window.sb && window.sbEvents, null, { timeout: 30000 });
  const benId2 = await ben.waitJoined().catch(() => null);
  t.ok(benId2 === benId, `relay: the reloaded page takes its seat back (${benId} -> ${benId2})`, benId2 ? undefined : await ben.diag());
  const rres = await ann.waitEvent((e) => e.type === 'peer-resumed' && e.detail.peer_id === benId, 10000);
  t.ok(rres, 'relay: ann gets peer-resumed', rres ? undefined : await ann.diag());
  await checkMedia(ctx, ann, benId, 'relay: after the reload ann decodes ben\'s video over a new connection', { timeoutMs: 30000 });
  await checkMedia(ctx, ben, annId, 'relay: the reloaded page decodes ann\'s video', { timeoutMs: 30000 });
  const rerrs = [...(await ann.events()), ...(await ben.events())].filter((e) => e.type === 'error' || e.type === 'peer-left');
  t.ok(rerrs.length === 0, 'relay: no error or peer-left events', rerrs);
  await Promise.all([ba.close(), bb.close(), bc.close()]);
  await server.stopAndCheck();
});
