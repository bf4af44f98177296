// test_codecs_chromium.mjs - every video codec the server forwards, end to end:
// two Chromium pages in a duo room, once per codec (VP8, VP9, H.264, AV1), each
// round in a fresh room with fresh pages. Before the pages negotiate, an init
// script of the test (not web/js) calls RTCRtpTransceiver.setCodecPreferences()
// on the video transceiver the client creates, with only that codec (the entries
// Chromium can both send and receive) and RTX, so the page's offer carries
// nothing else. The server's answer must keep that codec (first) and the pages
// must then send and decode it: each page's inbound video reports that codec's
// mimeType in getStats() and its decoded frames keep rising. A codec Chromium
// cannot encode or decode (missing from RTCRtpSender/RTCRtpReceiver
// .getCapabilities()) is a TAP skip with the reason, not a pass.
// In every round it also checks the audio: Opus on both sides, and the server's
// answer keeps the browser's Opus fmtp (useinbandfec=1), read from the answer the
// page applied (recorded by the init script around setRemoteDescription) and from
// pc.currentRemoteDescription at the end. Ends with the server's clean exit.
//
//   SB_BUILDDIR=build/test node tests/e2e/test_codecs_chromium.mjs
// SB_CODECS=VP9,AV1 runs only those codecs.
import { launchBrowser, openParticipant, run, sleep, startServer, waitUntil } from './lib/harness.mjs';

const ALL_CODECS = [
  { name: 'VP8', mime: 'video/VP8' },
  { name: 'VP9', mime: 'video/VP9' },
  { name: 'H.264', mime: 'video/H264' },
  { name: 'AV1', mime: 'video/AV1' },
];
const CODECS = process.env.SB_CODECS
  ? ALL_CODECS.filter((c) => process.env.SB_CODECS.split(',').some((x) => x.replace('.', '').toLowerCase() === c.name.replace('.', '').toLowerCase()))
  : ALL_CODECS;
const RISING_MS = 3000;

/** TAP skip line (harness.mjs's Tap has no skip of its own). */
function skip(t, name, reason) {
  t.n++;
  process.stdout.write(`ok ${t.n} - ${name.replace(/#/g, '\\#')} # SKIP ${reason}\n`);
}

/**
 * Init script for every page of a browser context. While window.sbPreferCodec
 * holds a mimeType ("video/VP9"), each video transceiver made with
 * addTransceiver() gets setCodecPreferences([that codec's entries Chromium can
 * send and receive, video/rtx]); what was set (or the error) goes to
 * window.sbCodecPrefs. Every description given to setRemoteDescription() is
 * recorded in window.sbRemoteDescs ({type, sdp}).
 */
function codecHook() {
  const Pc = window.RTCPeerConnection;
  if (!Pc) return;
  window.sbCodecPrefs = [];
  window.sbRemoteDescs = [];
  const key = (c) => `${c.mimeType.toLowerCase()} ${c.clockRate} ${c.sdpFmtpLine || ''}`;
  const prefer = (tr) => {
    const mime = window.sbPreferCodec;
    if (!mime || tr.receiver.track?.kind !== 'video') return;
    const send = new Set(RTCRtpSender.getCapabilities('video').codecs.map(key));
    const recv = RTCRtpReceiver.getCapabilities('video').codecs;
    const want = recv.filter((c) => c.mimeType.toLowerCase() === mime.toLowerCase() && send.has(key(c)));
    const rtx = recv.filter((c) => c.mimeType.toLowerCase() === 'video/rtx');
    try {
      tr.setCodecPreferences([...want, ...rtx]);
      window.sbCodecPrefs.push({ ok: true, codecs: [...want, ...rtx].map((c) => `${c.mimeType} ${c.sdpFmtpLine || ''}`.trim()) });
    } catch (err) {
      window.sbCodecPrefs.push({ ok: false, error: String(err?.message || err) });
    }
  };
  const addTransceiver = Pc.prototype.addTransceiver;
  Pc.prototype.addTransceiver = function (...args) {
    const tr = addTransceiver.apply(this, args);
    prefer(tr);
    return tr;
  };
  const setRemoteDescription = Pc.prototype.setRemoteDescription;
  Pc.prototype.setRemoteDescription = function (desc, ...rest) {
    if (desc && typeof desc.sdp === 'string') window.sbRemoteDescs.push({ type: desc.type, sdp: desc.sdp });
    return setRemoteDescription.call(this, desc, ...rest);
  };
}

/** In-page: the codecs and counters of the page's inbound and outbound video and audio. */
function mediaProbe() {
  return (async () => {
    const pc = window.sb?.pc;
    const out = { connection: pc?.connectionState ?? null, video: null, audio: null, sentVideo: null };
    if (!pc || pc.connectionState === 'closed') return out;
    const report = await pc.getStats();
    const best = (type, kind, field) => {
      let b = null;
      report.forEach((s) => {
        if (s.type === type && s.kind === kind && (!b || (s[field] || 0) > (b[field] || 0))) b = s;
      });
      return b;
    };
    const codec = (s) => {
      const c = s && s.codecId ? report.get(s.codecId) : null;
      return c ? { mimeType: c.mimeType, payloadType: c.payloadType, fmtp: c.sdpFmtpLine || '' } : null;
    };
    const v = best('inbound-rtp', 'video', 'packetsReceived');
    if (v) {
      out.video = { codec: codec(v), packets: v.packetsReceived ?? 0, frames: v.framesDecoded ?? 0, keyFrames: v.keyFramesDecoded ?? 0,
        size: `${v.frameWidth}x${v.frameHeight}`, decoder: v.decoderImplementation ?? null, freezes: v.freezeCount ?? 0 };
    }
    const a = best('inbound-rtp', 'audio', 'packetsReceived');
    if (a) out.audio = { codec: codec(a), packets: a.packetsReceived ?? 0, samples: a.totalSamplesReceived ?? 0 };
    const o = best('outbound-rtp', 'video', 'packetsSent');
    if (o) {
      out.sentVideo = { codec: codec(o), frames: o.framesEncoded ?? 0, encoder: o.encoderImplementation ?? null,
        size: `${o.frameWidth}x${o.frameHeight}` };
    }
    out.prefs = window.sbCodecPrefs;
    return out;
  })();
}

/** The codecs of an SDP's m-sections: [{kind, mid, codecs: [{pt, name, fmtp}]}]. */
function sdpSections(sdp) {
  const out = [];
  let cur = null;
  for (const line of sdp.split(/\r?\n/)) {
    let m;
    if ((m = /^m=(\w+) \d+ \S+ (.*)$/.exec(line))) {
      cur = { kind: m[1], mid: null, pts: m[2].split(' ').filter(Boolean), codecs: new Map(), dir: null };
      out.push(cur);
    } else if (!cur) {
      continue;
    } else if ((m = /^a=mid:(\S+)/.exec(line))) {
      cur.mid = m[1];
    } else if ((m = /^a=rtpmap:(\d+) ([^/]+)\//.exec(line))) {
      cur.codecs.set(m[1], { pt: Number(m[1]), name: m[2], fmtp: '' });
    } else if ((m = /^a=fmtp:(\d+) (.*)$/.exec(line))) {
      const c = cur.codecs.get(m[1]);
      if (c) c.fmtp = m[2];
    } else if ((m = /^a=(sendrecv|sendonly|recvonly|inactive)$/.exec(line))) {
      cur.dir = m[1];
    }
  }
  return out.map((s) => ({ kind: s.kind, mid: s.mid, dir: s.dir, codecs: s.pts.map((pt) => s.codecs.get(pt)).filter(Boolean) }));
}

const opusOf = (section) => section?.codecs.find((c) => c.name.toLowerCase() === 'opus') || null;
const fmtpHas = (fmtp, kv) => (fmtp || '').split(';').map((x) => x.trim()).includes(kv);

await run('codecs', async (ctx) => {
  const { t } = ctx;
  const server = await startServer(ctx);
  const [ba, bb] = await Promise.all([launchBrowser(ctx), launchBrowser(ctx)]);
  await Promise.all([ba.addInitScript(codecHook), bb.addInitScript(codecHook)]);

  // What this Chromium can send and receive.
  const capPage = ba.pages()[0] || await ba.newPage();
  const caps = await capPage.evaluate(() => ({
    ua: navigator.userAgent,
    send: RTCRtpSender.getCapabilities('video').codecs.map((c) => `${c.mimeType} ${c.sdpFmtpLine || ''}`.trim()),
    recv: RTCRtpReceiver.getCapabilities('video').codecs.map((c) => `${c.mimeType} ${c.sdpFmtpLine || ''}`.trim()),
  }));
  t.comment(`${caps.ua.match(/Chrome\/\S+/)?.[0] ?? caps.ua}; can send: ${caps.send.join(', ')}`);
  t.comment(`can receive: ${caps.recv.join(', ')}`);
  const can = (list, mime) => list.some((c) => c.split(' ')[0].toLowerCase() === mime.toLowerCase());

  for (const codec of CODECS) {
    const label = codec.name;
    const canSend = can(caps.send, codec.mime);
    const canRecv = can(caps.recv, codec.mime);
    if (!canSend || !canRecv) {
      const why = `this Chromium cannot ${[!canSend && 'encode', !canRecv && 'decode'].filter(Boolean).join(' or ')} ${codec.mime}: ` +
        `${[!canSend && 'RTCRtpSender', !canRecv && 'RTCRtpReceiver'].filter(Boolean).map((x) => `${x}.getCapabilities('video')`).join(' and ')} ` +
        'does not list it';
      skip(t, `${label}: both pages send and decode ${codec.mime}`, why);
      continue;
    }
    t.comment(`--- ${label}`);
    const room = `codec-${codec.name.replace('.', '').toLowerCase()}`;
    const [alice, bob] = await Promise.all([
      openParticipant(ctx, ba, server, { name: 'alice', room, newPage: true }),
      openParticipant(ctx, bb, server, { name: 'bob', room, newPage: true }),
    ]);
    await Promise.all([alice, bob].map((p) => p.page.evaluate((m) => { window.sbPreferCodec = m; }, codec.mime)));
    await alice.join();
    await bob.join();
    const pages = [[alice, 'alice', bob], [bob, 'bob', alice]];

    // setCodecPreferences was applied (and did not throw) on each page's own video transceiver.
    const prefs = await Promise.all([alice, bob].map((p) => p.page.evaluate(() => window.sbCodecPrefs)));
    t.ok(prefs.every((l) => l.length >= 1 && l.every((x) => x.ok)),
      `${label}: both pages set codec preferences (${prefs[0][0]?.codecs?.join(', ') ?? prefs[0][0]?.error})`, prefs);

    // Each page's inbound video is this codec and decodes.
    const first = await Promise.all([alice, bob].map((p) => waitUntil(async () => {
      const s = await p.page.evaluate(mediaProbe);
      return s.video && s.video.frames > 0 ? s : null;
    }, { timeoutMs: 30000 })));
    await sleep(RISING_MS);
    const last = await Promise.all([alice, bob].map((p) => p.page.evaluate(mediaProbe)));
    for (const [i, [p, name, other]] of pages.entries()) {
      const f = first[i];
      const l = last[i];
      const got = l.video?.codec?.mimeType ?? f?.video?.codec?.mimeType ?? null;
      t.comment(`${label} ${other.name} -> ${name}: ${got} pt ${l.video?.codec?.payloadType} [${l.video?.codec?.fmtp}], ` +
        `frames ${f?.video?.frames ?? 0} -> ${l.video?.frames ?? 0} (${l.video?.size}, key ${l.video?.keyFrames}), decoder ${l.video?.decoder}; ` +
        `${name} sends ${l.sentVideo?.codec?.mimeType} (encoder ${l.sentVideo?.encoder}, ${l.sentVideo?.frames} frames ${l.sentVideo?.size})`);
      t.ok(f && got && got.toLowerCase() === codec.mime.toLowerCase(),
        `${label}: ${name}'s inbound video from ${other.name} is ${codec.mime} (getStats codec ${got})`,
        f ? { first: f, last: l } : await p.diag({ last: l }));
      t.ok(f && l.video && l.video.frames > f.video.frames,
        `${label}: ${name} decodes ${other.name}'s ${codec.name} video, frames rising over ${RISING_MS / 1000} s ` +
        `(${f?.video?.frames ?? 0} -> ${l.video?.frames ?? 0})`, f ? { first: f, last: l } : await p.diag({ last: l }));
      const sent = l.sentVideo?.codec?.mimeType ?? null;
      t.ok(sent && sent.toLowerCase() === codec.mime.toLowerCase(), `${label}: ${name} sends ${codec.mime} (getStats codec ${sent})`, l);
      // Audio: Opus, arriving.
      const audioMime = l.audio?.codec?.mimeType ?? null;
      t.ok(audioMime && audioMime.toLowerCase() === 'audio/opus' && l.audio.packets > (f?.audio?.packets ?? 0),
        `${label}: ${name}'s inbound audio from ${other.name} is Opus and arrives (${audioMime} [${l.audio?.codec?.fmtp}], ` +
        `packets ${f?.audio?.packets ?? 0} -> ${l.audio?.packets ?? 0})`, l);
    }

    // The descriptions: the server's answer to the page's first offer, and the current remote description.
    for (const [p, name] of pages) {
      const d = await p.page.evaluate(() => ({
        remote: window.sbRemoteDescs,
        current: window.sb.pc?.currentRemoteDescription ? { type: window.sb.pc.currentRemoteDescription.type, sdp: window.sb.pc.currentRemoteDescription.sdp } : null,
        local: window.sb.pc?.currentLocalDescription?.sdp ?? null,
      }));
      const answer = d.remote.find((x) => x.type === 'answer');
      const secs = answer ? sdpSections(answer.sdp) : [];
      const local = d.local ? sdpSections(d.local) : [];
      const localOpus = opusOf(local.find((s) => s.kind === 'audio'));
      const ansAudio = secs.find((s) => s.kind === 'audio');
      const ansOpus = opusOf(ansAudio);
      t.comment(`${label} ${name}: answer audio ${ansAudio?.codecs.map((c) => `${c.name}/${c.pt}[${c.fmtp}]`).join(' ')}; ` +
        `page's opus fmtp [${localOpus?.fmtp}]`);
      t.ok(ansOpus && fmtpHas(ansOpus.fmtp, 'useinbandfec=1') && (!localOpus || ansOpus.fmtp === localOpus.fmtp),
        `${label}: the server's answer to ${name} keeps the browser's Opus fmtp (${ansOpus ? `pt ${ansOpus.pt} "${ansOpus.fmtp}"` : 'no opus'}` +
        `${localOpus ? `, page's "${localOpus.fmtp}"` : ''})`, answer ? answer.sdp : d.remote);
      const ansVideo = secs.find((s) => s.kind === 'video');
      const media = ansVideo?.codecs.filter((c) => !['rtx', 'red', 'ulpfec', 'flexfec-03'].includes(c.name.toLowerCase())) ?? [];
      t.comment(`${label} ${name}: answer video ${ansVideo?.codecs.map((c) => `${c.name}/${c.pt}[${c.fmtp}]`).join(' ')}`);
      t.ok(media.length > 0 && media.every((c) => `video/${c.name}`.toLowerCase() === codec.mime.toLowerCase()),
        `${label}: the server's answer to ${name} takes ${codec.name} and nothing else (${media.map((c) => c.name).join(', ') || 'no video codec'})`,
        answer ? answer.sdp : d.remote);
      // The current remote description (the last offer or answer from the server) still says so.
      const cur = d.current ? sdpSections(d.current.sdp) : [];
      const curAudio = cur.filter((s) => s.kind === 'audio' && s.codecs.length);
      t.ok(curAudio.length > 0 && curAudio.every((s) => opusOf(s) && fmtpHas(opusOf(s).fmtp, 'useinbandfec=1')),
        `${label}: every audio section of ${name}'s current remote description (${d.current?.type}) has Opus with useinbandfec=1 ` +
        `(${curAudio.map((s) => `${s.mid}: ${opusOf(s)?.fmtp ?? 'no opus'}`).join('; ')})`, d.current?.sdp);
    }
    const errs = [...(await alice.events()), ...(await bob.events())].filter((e) => e.type === 'error');
    t.ok(errs.length === 0, `${label}: no error events on either page`, errs);
    await Promise.all([alice.page.close(), bob.page.close()]);
  }

  await Promise.all([ba.close(), bb.close()]);
  await server.stopAndCheck();
}, { timeoutMs: 170000 });
