// test_echo_chromium.mjs - the echo self-test with real Chromium (fake camera and
// microphone): a page opened on ?room=X&plugin=echo joins by itself and gets its
// own video (decoded, rising) and audio back from the server; then the same page
// leaves and uses the "Echo self-test" button (a fresh random echo room) and gets
// its media back again; a second participant in an echo room is refused.
// Ends with the server's clean exit (status 0, no sanitizer report).
import { checkMedia, launchBrowser, openParticipant, run, startServer } from './lib/harness.mjs';

await run('echo', async (ctx) => {
  const { t } = ctx;
  const server = await startServer(ctx);
  const browser = await launchBrowser(ctx);

  // A link to an echo room joins by itself.
  const me = await openParticipant(ctx, browser, server, { name: 'solo', room: 'echo-e2e', plugin: 'echo', autoJoinUrl: true });
  const id = await me.waitJoined();
  const joined = (await me.events()).find((e) => e.type === 'joined')?.detail;
  t.ok(joined?.plugin === 'echo' && joined.room === 'echo-e2e' && joined.peers.length === 0,
    `the page joins echo room echo-e2e by itself from the URL (${id})`, joined);
  await checkMedia(ctx, me, id, 'the page decodes its own video and receives its own audio back, rising over 2 s');
  const shown = await me.waitVideoElement(id);
  t.ok(shown, `the page plays its own video from the server (${shown ? `${shown.width}x${shown.height}` : 'no picture'})`, shown ? undefined : await me.diag());

  // Echo rooms hold one participant.
  const other = await openParticipant(ctx, browser, server, { name: 'other', room: 'echo-e2e', plugin: 'echo', autoJoinUrl: true, newPage: true });
  const refused = await other.page.waitForFunction(() => {
    const err = document.getElementById('error');
    return !err.hidden && err.textContent.includes('room-full') ? err.textContent : null;
  }, null, { timeout: 30000 }).then((h) => h.jsonValue()).catch(() => null);
  t.ok(refused, 'a second participant in the echo room is refused with room-full', refused ? undefined : await other.diag());
  await other.page.close();

  // The "Echo self-test" button: leaves and joins a new random echo room.
  const framesBefore = await me.framesFrom(id);
  await me.page.click('#echo-test');
  const id2 = await me.page.waitForFunction((old) => {
    const sb = window.sb;
    return sb.state === 'joined' && sb.peerId !== old ? sb.peerId : null;
  }, id, { timeout: 30000 }).then((h) => h.jsonValue()).catch(() => null);
  const info = await me.page.evaluate(() => window.sb.info);
  t.ok(id2 && info?.plugin === 'echo' && /^echo-[0-9a-f]{8}$/.test(info.room) && info.room !== 'echo-e2e',
    `the Echo self-test button joins a fresh echo room (${info?.room}, ${id2}; ${framesBefore} frames decoded before)`, await me.diag());
  if (id2) await checkMedia(ctx, me, id2, 'in the self-test room the page decodes its own video and receives its own audio, rising');
  const url = new URL(me.page.url());
  t.ok(url.searchParams.get('room') === info?.room && url.searchParams.get('plugin') === 'echo',
    'the page URL names the self-test room and plugin (shareable link)', me.page.url());

  const st = await me.probe();
  t.ok(st.connection === 'connected' && st.signaling === 'stable', `peer connection ends connected and stable (${st.connection}, ${st.signaling})`, st);
  const errs = (await me.events()).filter((e) => e.type === 'error');
  t.ok(errs.length === 0, 'no error events on the page', errs);

  await browser.close();
  await server.stopAndCheck();
});
