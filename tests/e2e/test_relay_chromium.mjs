// test_relay_chromium.mjs - relay rooms with real Chromium: the server only passes
// signaling along and the two browsers connect peer-to-peer. Checks that the
// pair gets one polite and one impolite role, that each decodes the other's
// video and receives its audio over a direct path (each side's selected
// candidate pair points at the other browser, and the remote description is
// not the server's ICE-lite one), and that perfect negotiation survives offer
// collisions, made certain by holding back incoming negotiation messages in both
// pages until both have sent an offer: the very first offers when joining, and
// offers for a second video track added on both sides while connected (both end
// up stable and decode the other's new track). Ends with the server's clean exit.
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

  // 2. Both leave; then both join another relay room, and their first offers are made
  // to cross: incoming negotiation is held back in both pages until both have offered.
  await ann.leave();
  const pl = await ben.waitEvent((e) => e.type === 'peer-left' && e.detail.peer_id === annId);
  t.ok(pl?.detail.reason === 'left', 'relay: ben gets peer-left when ann leaves', await ben.diag());
  await ben.leave();
  const holdOffers = () => Promise.all([ann, ben].map((p) => p.page.evaluate(() => {
    window.sbHoldIncoming = true;
    return window.sbWire.filter((w) => w.dir === 'out' && w.type === 'offer').length;
  })));
  const heldOffers = async (before) => waitUntil(async () => {
    const n = await Promise.all([ann, ben].map((p) => p.page.evaluate(
      () => window.sbWire.filter((w) => w.dir === 'out' && w.type === 'offer').length)));
    return n[0] > before[0] && n[1] > before[1];
  }, { timeoutMs: 15000, intervalMs: 50 });
  const release = () => Promise.all([ann, ben].map((p) => p.page.evaluate(() => window.sbReleaseIncoming())));
  let before = await holdOffers();
  const joinAt = Date.now();
  const annB = await ann.join({ room: 'relay-b', plugin: 'relay' });
  const benB = await ben.join({ room: 'relay-b', plugin: 'relay' });
  const firstOffers = await heldOffers(before);
  await release();
  t.ok(firstOffers, 'joining relay-b: both pages sent their first offer before seeing the other\'s (a collision)');
  const rolesB = await Promise.all([ann, ben].map((p) => p.page.evaluate(() => window.sb.info.polite)));
  t.ok(annB && benB && rolesB[0] === false && rolesB[1] === true, `both joined relay-b, ann impolite, ben polite (${rolesB})`, rolesB);
  await checkMedia(ctx, ann, benB, 'after the first-offer collision ann decodes ben\'s video and receives his audio, rising');
  await checkMedia(ctx, ben, annB, 'after the first-offer collision ben decodes ann\'s video and receives her audio, rising');
  const joinSeq = await Promise.all([offersCrossed(ann, joinAt), offersCrossed(ben, joinAt)]);
  t.comment(`first-offer collision: ann ${seqText(joinSeq[0].seq)} | ben ${seqText(joinSeq[1].seq)}`);

  // 3. Connected; both add a second video track at once. Incoming signaling is held
  // back in both pages until both have sent their offer, so the offers cross for certain.
  const expectTracks = 2;
  await Promise.all([ann, ben].map((p) => p.page.evaluate(async () => {
    const s = await navigator.mediaDevices.getUserMedia({ video: true });
    window.sbExtra = { s, track: s.getVideoTracks()[0] };
  })));
  const stable = await waitUntil(async () => {
    const st = await Promise.all([ann.probe(), ben.probe()]);
    return st.every((x) => x.signaling === 'stable');
  }, { timeoutMs: 10000 });
  t.ok(stable, 'both peer connections are stable before adding tracks');
  before = await holdOffers();
  const at = Date.now();
  await Promise.all([ann, ben].map((p) => p.page.evaluate(() => window.sb.pc.addTrack(window.sbExtra.track, window.sbExtra.s))));
  const bothOffered = await heldOffers(before);
  await release();
  t.ok(bothOffered, 'both pages sent an offer for their new track before seeing the other\'s (a collision)');
  // Perfect negotiation: the impolite side ignores the polite side's offer and gets an answer;
  // the polite side rolls back and answers.
  const [impolite, polite] = rolesB[0] ? [ben, ann] : [ann, ben];
  const outcome = await waitUntil(async () => {
    const [ip, po] = await Promise.all([offersCrossed(impolite, at), offersCrossed(polite, at)]);
    const has = (x, dir, type) => x.seq.some((w) => w.dir === dir && w.type === type);
    return has(ip, 'in', 'answer') && has(po, 'out', 'answer') ? { ip, po } : null;
  }, { timeoutMs: 10000 });
  const seqs = await Promise.all([offersCrossed(impolite, at), offersCrossed(polite, at)]);
  t.ok(outcome, `the polite side (${polite.name}) answered, the impolite side (${impolite.name}) applied that answer`,
    `${impolite.name} ${seqText(seqs[0].seq)} | ${polite.name} ${seqText(seqs[1].seq)}`);
  t.comment(`collision: ${impolite.name} (impolite) ${seqText(seqs[0].seq)} | ${polite.name} (polite) ${seqText(seqs[1].seq)}`);
  await checkMedia(ctx, ann, benB, `after the collision ann decodes all ${expectTracks} of ben's video tracks, rising`, { minVideoTracks: expectTracks });
  await checkMedia(ctx, ben, annB, `after the collision ben decodes all ${expectTracks} of ann's video tracks, rising`, { minVideoTracks: expectTracks });
  const end = await Promise.all([ann.probe(), ben.probe()]);
  t.ok(end.every((s) => s.signaling === 'stable' && s.connection === 'connected'),
    `both peer connections end stable and connected (${end.map((s) => `${s.signaling}/${s.connection}`)})`, end);
  const errs = [...(await ann.events()), ...(await ben.events())].filter((e) => e.type === 'error');
  t.ok(errs.length === 0, 'no error events (no negotiation-failed) on either page', errs);

  await Promise.all([b1.close(), b2.close()]);
  await server.stopAndCheck();
});
