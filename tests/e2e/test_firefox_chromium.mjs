// test_firefox_chromium.mjs - interoperability of two browser WebRTC stacks through
// the server: a Chromium page and a Firefox ESR page join one duo room through the
// demo page and each decodes the other's video (frames rising) and receives the
// other's audio (packets and samples or audio level rising). The two browsers
// number their codecs and header extensions differently (Firefox's VP8 is payload
// type 120, Chromium's 96), so media only decodes if the server rewrites each
// forwarded packet for its receiver; the payload types each side sees are shown.
// Then the Firefox page leaves and the Chromium page gets peer-left ("left").
// Ends with the server's clean exit (status 0, no sanitizer report).
import { checkMedia, launchBrowser, openParticipant, run, sleep, startServer, waitUntil } from './lib/harness.mjs';
import { audioProbe, codecProbe, launchFirefox, openFirefoxParticipant } from './lib/firefox.mjs';

/** Checks that audio from `from` keeps arriving at `p`: packets, and samples or level/energy, rising. */
async function checkAudio(ctx, p, from, label) {
  const first = await waitUntil(async () => {
    const a = (await audioProbe(p.page))[from];
    return a && a.packets > 0 ? a : null;
  }, { timeoutMs: 20000 });
  if (!first) {
    ctx.t.ok(false, label, await p.diag({ audio: await audioProbe(p.page).catch((e) => e.message) }));
    return;
  }
  let last = null;
  const rising = await waitUntil(async () => {
    last = (await audioProbe(p.page))[from];
    if (!last || last.packets <= first.packets) return null;
    if (first.samples !== null && last.samples !== null) return last.samples > first.samples ? last : null;
    if (first.energy !== null && last.energy !== null) return last.energy > first.energy ? last : null;
    if (last.level !== null) return last.level > 0 ? last : null;
    return null;
  }, { timeoutMs: 10000, intervalMs: 500 });
  const what = rising
    ? (rising.samples !== null ? `samples ${first.samples}->${rising.samples}`
      : rising.energy !== null ? `energy ${first.energy.toFixed(4)}->${rising.energy.toFixed(4)}` : `level ${rising.level}`)
    : '';
  ctx.t.ok(rising, `${label}${rising ? ` (packets ${first.packets}->${rising.packets}, ${what})` : ''}`,
    rising ? undefined : await p.diag({ first, last }));
}

function fmtCodecs(c) {
  const one = (v) => (v ? `${v.mimeType}/${v.payloadType}` : '-');
  return `sends video ${one(c.out.video)}, audio ${one(c.out.audio)}; receives video ${(c.in.video || []).map(one).join(',') || '-'}, audio ${(c.in.audio || []).map(one).join(',') || '-'}`;
}

await run('firefox-chromium', async (ctx) => {
  const { t } = ctx;
  const server = await startServer(ctx);
  const room = 'ff-chrome';
  const [chrome, firefox] = await Promise.all([launchBrowser(ctx), launchFirefox(ctx)]);
  const [cr, ff] = await Promise.all([
    openParticipant(ctx, chrome, server, { name: 'chromium', room }),
    openFirefoxParticipant(ctx, firefox, server, { name: 'firefox', room }),
  ]);
  t.comment(`firefox ${await firefox.version()}`);

  const crId = await cr.join();
  const ffId = await ff.join();
  t.ok(crId && ffId && crId !== ffId, `both pages show "joined" (chromium ${crId}, firefox ${ffId})`);
  const joined = (await ff.events()).find((e) => e.type === 'joined')?.detail;
  t.ok(joined?.peers?.length === 1 && joined.peers[0].peer_id === crId && joined.peers[0].name === 'chromium',
    'the Firefox page is told about the Chromium one (joined.peers)', joined);

  await checkMedia(ctx, cr, ffId, 'Chromium decodes Firefox\'s video and receives its audio, rising over 2 s', { timeoutMs: 30000 });
  await checkMedia(ctx, ff, crId, 'Firefox decodes Chromium\'s video and receives its audio, rising over 2 s', { timeoutMs: 30000 });
  await checkAudio(ctx, cr, ffId, 'Chromium plays out Firefox\'s audio');
  await checkAudio(ctx, ff, crId, 'Firefox plays out Chromium\'s audio');

  const [crShown, ffShown] = await Promise.all([cr.waitVideoElement(ffId), ff.waitVideoElement(crId)]);
  t.ok(crShown, `the Chromium page plays Firefox's video (${crShown ? `${crShown.width}x${crShown.height}` : 'no picture'})`,
    crShown ? undefined : await cr.diag());
  t.ok(ffShown, `the Firefox page plays Chromium's video (${ffShown ? `${ffShown.width}x${ffShown.height}` : 'no picture'})`,
    ffShown ? undefined : await ff.diag());

  // Each receiver decodes the sender's codec, under the receiver's own payload type.
  const [crCodecs, ffCodecs] = await Promise.all([codecProbe(cr.page), codecProbe(ff.page)]);
  t.comment(`chromium ${fmtCodecs(crCodecs)}`);
  t.comment(`firefox  ${fmtCodecs(ffCodecs)}`);
  const sameMime = (sent, got) => sent && got?.length === 1 && got[0].mimeType.toLowerCase() === sent.mimeType.toLowerCase();
  t.ok(sameMime(ffCodecs.out.video, crCodecs.in.video) && sameMime(crCodecs.out.video, ffCodecs.in.video),
    'each side decodes the video codec the other sends', { chromium: crCodecs, firefox: ffCodecs });
  t.ok(sameMime(ffCodecs.out.audio, crCodecs.in.audio) && sameMime(crCodecs.out.audio, ffCodecs.in.audio),
    'each side decodes the audio codec the other sends', { chromium: crCodecs, firefox: ffCodecs });

  // Firefox leaves (Leave button): Chromium is told, and its media from Firefox goes away.
  await ff.leave();
  const left = await cr.waitEvent((e) => e.type === 'peer-left' && e.detail.peer_id === ffId);
  t.ok(left && left.detail.reason === 'left', `the Chromium page gets peer-left for Firefox with reason "left" (${left?.detail?.reason})`,
    left ? undefined : await cr.diag());
  // The server stops forwarding on those m-sections: they end inactive (kept for
  // reuse) or stopped (port 0), and the page removes Firefox's video.
  const gone = await waitUntil(async () => {
    const pr = await cr.probe();
    const live = pr.receivers.filter((r) => r.peer === ffId && r.direction !== 'inactive' && r.direction !== 'stopped');
    return !live.length && !pr.videos.some((v) => v.peer === ffId) && pr.signaling === 'stable' ? pr : null;
  }, { timeoutMs: 15000 });
  t.ok(gone, `Firefox's video leaves the Chromium page, its m-sections are no longer receiving and negotiation ends stable${
    gone ? ` (${gone.receivers.filter((r) => r.peer === ffId).map((r) => `${r.kind} ${r.direction}`).join(', ') || 'stopped'})` : ''}`,
  gone ? undefined : await cr.diag());
  const ffState = await ff.probe();
  t.ok(ffState.session === 'connected' && ffState.peerId === null, `the Firefox page is back in the connected state (${ffState.session})`, ffState);
  await sleep(500);
  const crFinal = await cr.probe();
  t.ok(crFinal.session === 'joined' && crFinal.connection === 'connected',
    `the Chromium page stays joined and connected (${crFinal.session}, ${crFinal.connection})`, crFinal);
  const errs = [...(await cr.events()), ...(await ff.events())].filter((e) => e.type === 'error');
  t.ok(errs.length === 0, 'no error events on either page', errs);

  await Promise.all([chrome.close(), firefox.close()]);
  await server.stopAndCheck();
}, { timeoutMs: 120000 });
