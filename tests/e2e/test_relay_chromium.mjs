// test_relay_chromium.mjs - relay rooms with real Chromium: the server only passes
// signaling along and the two browsers connect peer-to-peer. Checks that the
// pair gets one polite and one impolite role, that each decodes the other's
// video and receives its audio over a direct path (each side's selected
// candidate pair points at the other browser, and the remote description is
// not the server's ICE-lite one), and that perfect negotiation survives offer
// collisions: both pages joining at the same instant, and both adding a video
// track at the same instant while connected (the offers cross; both end up
// stable and decode the other's new track). Ends with the server's clean exit.
import { checkMedia, launchBrowser, openParticipant, run, sleep, startServer, waitUntil } from './lib/harness.mjs';

/** The selected ICE candidate pair of the page's current peer connection. */
function selectedPath(p) {
  return p.page.evaluate(async () => {
    const pc = window.sb.pc;
    if (!pc) return null;
    const st = await pc.getStats();
    let pair = null;
    st.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = st.get(s.selectedCandidatePairId);
    });
    if (!pair) return null;
    const l = st.get(pair.localCandidateId);
    const r = st.get(pair.remoteCandidateId);
    return { localPort: l?.port, remotePort: r?.port, local: `${l?.address}:${l?.port}`, remote: `${r?.address}:${r?.port}`,
      serverSdp: /a=ice-lite/.test(pc.remoteDescription?.sdp || '') };
  });
}

/** Runs fn(page-side) in both pages at the same wall-clock instant (about 1.5 s from now). */
async function atSameInstant(pages, fnSource) {
  const at = Date.now() + 1500;
  await Promise.all(pages.map((p) => p.page.evaluate(({ at: when, src }) => {
    // eslint-disable-next-line no-new-func
    const fn = new Function(`return (${src})();`);
    window.sbSameInstant = new Promise((resolve) => setTimeout(() => resolve(fn()), Math.max(0, when - Date.now())));
  }, { at, src: fnSource })));
  await Promise.all(pages.map((p) => p.page.evaluate(() => window.sbSameInstant)));
  return at;
}

/**
 * True when the page sent an offer after `since` (epoch ms) and then received
 * the other side's offer before any answer: the two offers crossed.
 */
async function offersCrossed(p, since) {
  const wire = await p.page.evaluate(() => window.sbWire.map((w) => ({ ...w, at: performance.timeOrigin + w.t })));
  const after = wire.filter((w) => w.at >= since - 20 && (w.type === 'offer' || w.type === 'answer'));
  const sent = after.findIndex((w) => w.dir === 'out' && w.type === 'offer');
  if (sent < 0) return { crossed: false, seq: after };
  for (const w of after.slice(sent + 1)) {
    if (w.dir === 'in' && w.type === 'answer') return { crossed: false, seq: after };
    if (w.dir === 'in' && w.type === 'offer') return { crossed: true, seq: after };
  }
  return { crossed: false, seq: after };
}

const seqText = (seq) => seq.map((w) => `${w.dir}:${w.type}`).join(' ');

await run('relay', async (ctx) => {
  const { t } = ctx;
  const server = await startServer(ctx);
  const [b1, b2] = await Promise.all([launchBrowser(ctx), launchBrowser(ctx)]);
  const [ann, ben] = await Promise.all([
    openParticipant(ctx, b1, server, { name: 'ann', room: 'relay-a', plugin: 'relay' }),
    openParticipant(ctx, b2, server, { name: 'ben', room: 'relay-a', plugin: 'relay' }),
  ]);

  // 1. One after the other.
  const annId = await ann.join();
  const benId = await ben.join();
  const roles = await Promise.all([ann, ben].map((p) => p.page.evaluate(() => window.sb.info)));
  t.ok(roles[0].plugin === 'relay' && roles[0].polite === false && roles[1].polite === true,
    `relay room: the first participant is impolite, the second polite (${roles[0].polite}, ${roles[1].polite})`, roles);
  await checkMedia(ctx, ann, benId, 'relay: ann decodes ben\'s video and receives his audio, rising');
  await checkMedia(ctx, ben, annId, 'relay: ben decodes ann\'s video and receives her audio, rising');
  const [pa, pb] = await Promise.all([selectedPath(ann), selectedPath(ben)]);
  t.ok(pa && pb && pa.localPort === pb.remotePort && pb.localPort === pa.remotePort && !pa.serverSdp && !pb.serverSdp,
    `relay: the media path is direct between the browsers (ann ${pa?.local} <-> ben ${pb?.local})`, { ann: pa, ben: pb });
  const shown = await ben.waitVideoElement(annId);
  t.ok(shown, 'relay: ben\'s page plays ann\'s video', shown ? undefined : await ben.diag());

  // 2. Both leave, then join another relay room at the same instant.
  await ann.leave();
  const pl = await ben.waitEvent((e) => e.type === 'peer-left' && e.detail.peer_id === annId);
  t.ok(pl?.detail.reason === 'left', 'relay: ben gets peer-left when ann leaves', await ben.diag());
  await ben.leave();
  await Promise.all([ann.fillRoom('relay-b', 'relay'), ben.fillRoom('relay-b', 'relay')]);
  const joinAt = await atSameInstant([ann, ben], "() => document.getElementById('join').click()");
  const [annB, benB] = await Promise.all([ann.waitJoined(), ben.waitJoined()]);
  const rolesB = await Promise.all([ann, ben].map((p) => p.page.evaluate(() => window.sb.info.polite)));
  t.ok(annB && benB && rolesB[0] !== rolesB[1], `simultaneous join: both joined, one polite and one impolite (${rolesB})`, rolesB);
  await checkMedia(ctx, ann, benB, 'simultaneous join: ann decodes ben\'s video and receives his audio, rising');
  await checkMedia(ctx, ben, annB, 'simultaneous join: ben decodes ann\'s video and receives her audio, rising');
  const joinGlare = await Promise.all([offersCrossed(ann, joinAt), offersCrossed(ben, joinAt)]);
  t.comment(`simultaneous join: offers crossed: ann ${joinGlare[0].crossed} (${seqText(joinGlare[0].seq)}), ben ${joinGlare[1].crossed} (${seqText(joinGlare[1].seq)})`);

  // 3. Connected; both add a second video track at the same instant: both offer, the offers cross.
  let expectTracks = 1;
  let glare = null;
  for (let attempt = 1; attempt <= 3 && !glare; attempt++) {
    await Promise.all([ann, ben].map((p) => p.page.evaluate(async () => {
      const s = await navigator.mediaDevices.getUserMedia({ video: true });
      window.sbExtra = { s, track: s.getVideoTracks()[0] };
    })));
    await waitUntil(async () => {
      const st = await Promise.all([ann.probe(), ben.probe()]);
      return st.every((s) => s.signaling === 'stable');
    }, { timeoutMs: 10000 });
    const at = await atSameInstant([ann, ben], '() => { window.sb.pc.addTrack(window.sbExtra.track, window.sbExtra.s); }');
    expectTracks++;
    await sleep(1000);
    const g = await Promise.all([offersCrossed(ann, at), offersCrossed(ben, at)]);
    t.comment(`adding tracks, attempt ${attempt}: ann ${seqText(g[0].seq)} | ben ${seqText(g[1].seq)}`);
    if (g[0].crossed && g[1].crossed) glare = g;
  }
  t.ok(glare, 'both pages offered at the same instant and the offers crossed (a real collision)');
  const [ma, mb] = [
    await checkMedia(ctx, ann, benB, `after the collision ann decodes all ${expectTracks} of ben's video tracks, rising`, { minVideoTracks: expectTracks }),
    await checkMedia(ctx, ben, annB, `after the collision ben decodes all ${expectTracks} of ann's video tracks, rising`, { minVideoTracks: expectTracks }),
  ];
  void ma; void mb;
  const end = await Promise.all([ann.probe(), ben.probe()]);
  t.ok(end.every((s) => s.signaling === 'stable' && s.connection === 'connected'),
    `both peer connections end stable and connected (${end.map((s) => `${s.signaling}/${s.connection}`)})`, end);
  const errs = [...(await ann.events()), ...(await ben.events())].filter((e) => e.type === 'error');
  t.ok(errs.length === 0, 'no error events (no negotiation-failed) on either page', errs);

  await Promise.all([b1.close(), b2.close()]);
  await server.stopAndCheck();
});
