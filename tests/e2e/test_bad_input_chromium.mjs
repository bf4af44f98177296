// test_bad_input_chromium.mjs - malformed and out-of-place signaling while a real
// call runs: two Chromium pages are in a duo call in room A (video decoding),
// and a raw WebSocket client sends what a broken or hostile client might:
// invalid JSON, non-objects, wrong member types, over-long values, an oversized
// message (whole and fragmented), a binary frame, offer/answer/candidate/leave
// before joining, an unknown type, bad room names and plugins, a join to the
// full room A; then, joined to room B: a second join, garbage and unusable SDP,
// an answer with no offer pending, bad candidates, a plugin mismatch from a
// second client. Each gets exactly the error code of docs/protocol.md section 7
// (checked in order: one reply per rejected message), the connection keeps
// working (ping/pong), and room A's frames keep rising throughout and afterwards.
// Ends with the server's clean exit (status 0, no sanitizer report).
import { RawWs, checkMedia, launchBrowser, openParticipant, run, startServer, waitUntil } from './lib/harness.mjs';

await run('bad-input', async (ctx) => {
  const { t } = ctx;
  const server = await startServer(ctx);
  const [b1, b2] = await Promise.all([launchBrowser(ctx), launchBrowser(ctx)]);
  const [ann, ben] = await Promise.all([
    openParticipant(ctx, b1, server, { name: 'ann', room: 'A' }),
    openParticipant(ctx, b2, server, { name: 'ben', room: 'A' }),
  ]);
  const annId = await ann.join();
  const benId = await ben.join();
  await checkMedia(ctx, ann, benId, 'room A: ann decodes ben\'s video and receives his audio');
  await checkMedia(ctx, ben, annId, 'room A: ben decodes ann\'s video and receives her audio');

  // Room A's frames must rise between each checkpoint.
  let last = { ann: await ann.framesFrom(benId), ben: await ben.framesFrom(annId) };
  const checkpoint = async (label) => {
    const prev = last;
    const now = await waitUntil(async () => {
      const s = { ann: await ann.framesFrom(benId), ben: await ben.framesFrom(annId) };
      return s.ann > prev.ann && s.ben > prev.ben ? s : null;
    }, { timeoutMs: 8000 });
    t.ok(now, `room A frames keep rising ${label} (ann ${prev.ann}->${now?.ann}, ben ${prev.ben}->${now?.ben})`,
      now ? undefined : `${await ann.diag()}\n${await ben.diag()}`);
    if (now) last = now;
  };

  const eventsBefore = { ann: (await ann.events()).length, ben: (await ben.events()).length };
  const ws = await RawWs.connect(server.port);
  /**
   * Sends msg, then a ping; checks that exactly one reply comes back for msg:
   * error `code` (with `ref`, or none). Replies are expected before the pong
   * (messages are handled in order); a reply that comes after it is still
   * attributed to msg, and recorded in `outOfOrder` for a check of its own.
   */
  let pings = 0;
  const outOfOrder = [];
  const expectError = async (msg, code, ref, label, opts = {}) => {
    ws.send(msg, opts);
    const id = ++pings;
    ws.send({ type: 'ping', id });
    const before = [];
    for (let m; (m = await ws.recv(10000));) {
      if (m.type === 'pong' && m.id === id) break;
      before.push(m);
    }
    const late = [];
    if (before.length === 0) for (let m; (m = await ws.recv(1000));) late.push(m);
    if (late.length) outOfOrder.push(`${label}: ${late.map((m) => m.code || m.type).join(', ')} came after the pong`);
    const replies = [...before, ...late];
    const got = replies[0];
    // A join that should have failed but succeeded: leave again (no reply) so the next checks start from the same state.
    if (got?.type === 'joined') ws.send({ type: 'leave' });
    const okRef = ref === undefined ? got?.ref === undefined : got?.ref === ref;
    return t.ok(replies.length === 1 && got.type === 'error' && got.code === code && okRef && typeof got.message === 'string',
      `${label} -> error ${code}${ref ? ` (ref ${ref})` : ' (no ref)'}, and nothing else`, replies.length ? replies : 'no reply', { todo: opts.todo });
  };
  /** Checks that the connection still answers a ping (and nothing else came first). */
  const alive = async (label) => {
    const r = await ws.roundTrip();
    t.ok(r.ok, `the raw connection still answers ping with pong ${label}`, r.got);
  };

  // Not joined.
  await expectError('{"type":', 'bad-json', undefined, 'truncated JSON');
  await expectError('{"type":"ping" "id":1}', 'bad-json', undefined, 'JSON with a missing comma');
  await expectError('{"type":"ping","type":"ping"}', 'bad-json', undefined, 'a repeated member name');
  await expectError('[1,2]', 'bad-message', undefined, 'a JSON array');
  await expectError('"join"', 'bad-message', undefined, 'a JSON string at top level');
  await expectError('{"room":"A"}', 'bad-message', undefined, 'no "type"');
  await expectError('{"type":5}', 'bad-message', undefined, '"type" a number');
  await expectError({ type: 'join', room: 5 }, 'bad-message', 'join', 'join with a numeric room');
  await expectError({ type: 'join' }, 'bad-message', 'join', 'join without room');
  await expectError({ type: 'join', room: 'B', name: 7 }, 'bad-message', 'join', 'join with a numeric name');
  await expectError({ type: 'join', room: 'B', name: 'n'.repeat(65) }, 'bad-message', 'join', 'join with a 65-character name');
  await expectError({ type: 'join', room: 'B', plugin: ['duo'] }, 'bad-message', 'join', 'join with an array plugin');
  await expectError({ type: 'ping', pad: 'x'.repeat(70 * 1024) }, 'too-big', undefined, 'a 70 KiB message');
  await expectError({ type: 'ping', pad: 'y'.repeat(80 * 1024) }, 'too-big', undefined, 'an 80 KiB message in 7 fragments', { fragments: 7 });
  await alive('after oversized messages');
  ws.sendBinary(Buffer.from('{"type":"ping","id":1}'));
  {
    const got = await ws.recv(10000);
    t.ok(got?.type === 'error' && (got.code === 'bad-message' || got.code === 'bad-json') && got.ref === undefined,
      `a binary frame -> error bad-message/bad-json (got ${got?.code})`, got);
  }
  await expectError({ type: 'offer', sdp: 'v=0\r\n' }, 'not-joined', 'offer', 'offer before join');
  await expectError({ type: 'answer', sdp: 'v=0\r\n' }, 'not-joined', 'answer', 'answer before join');
  await expectError({ type: 'candidate', candidate: null }, 'not-joined', 'candidate', 'candidate before join');
  await expectError({ type: 'leave' }, 'not-joined', 'leave', 'leave before join');
  await expectError({ type: 'frobnicate', room: 'A' }, 'unknown-type', 'frobnicate', 'an unknown type');
  await expectError({ type: 'joined', room: 'A' }, 'unknown-type', 'joined', 'a server message type sent by the client');
  await expectError({ type: 'join', room: 'bad room!' }, 'bad-room', 'join', 'join with spaces in the room name');
  await expectError({ type: 'join', room: '' }, 'bad-room', 'join', 'join with an empty room name');
  await expectError({ type: 'join', room: 'r'.repeat(65) }, 'bad-room', 'join', 'join with a 65-character room name');
  await expectError({ type: 'join', room: 'C', plugin: 'no-such-plugin' }, 'unknown-plugin', 'join', 'join with an unknown plugin');
  await expectError({ type: 'join', room: 'A' }, 'room-full', 'join', 'join to the full room A');
  await alive('after the not-joined errors');
  // Invalid UTF-8 in a text frame, on a connection of its own: RFC 6455 (8.1) has the
  // server fail the connection (close code 1007); docs/protocol.md says bad-json.
  {
    const ws3 = await RawWs.connect(server.port);
    ws3.send(Buffer.from('{"type":"ping","id":"\xff\xfe"}', 'latin1'));
    const got = await ws3.recv(10000);
    t.ok((got?.type === 'error' && got.code === 'bad-json') || ws3.closed?.code === 1007,
      `invalid UTF-8 in a text frame -> error bad-json or close 1007 (got ${got ? got.code : `close ${ws3.closed?.code}`})`, got);
    ws3.close();
  }
  await checkpoint('during the not-joined errors');
  const newEvents = [...(await ann.events()).slice(eventsBefore.ann), ...(await ben.events()).slice(eventsBefore.ben)];
  t.ok(newEvents.length === 0, 'room A\'s pages got no new event (no peer-joined, peer-left or error)', newEvents);

  // Joined to room B.
  ws.send({ type: 'join', room: 'B', name: 'raw' });
  const joined = await ws.recv(10000);
  t.ok(joined?.type === 'joined' && joined.room === 'B' && joined.plugin === 'duo' && joined.peers.length === 0 && joined.polite === true,
    'the raw client joins room B (duo, no peers, polite)', joined);
  await expectError({ type: 'join', room: 'C' }, 'already-joined', 'join', 'a second join');
  await expectError({ type: 'offer', sdp: 5 }, 'bad-message', 'offer', 'offer with a numeric sdp');
  await expectError({ type: 'offer' }, 'bad-message', 'offer', 'offer without sdp');
  await expectError({ type: 'offer', sdp: 'garbage\r\nnot an SDP at all\r\n' }, 'bad-sdp', 'offer', 'offer with garbage SDP');
  await expectError({ type: 'answer', sdp: 'v=0\r\n' }, 'wrong-state', 'answer', 'answer with no offer pending');
  await expectError({ type: 'candidate', candidate: 42 }, 'bad-message', 'candidate', 'candidate a number');
  await expectError({ type: 'candidate', candidate: { candidate: 'garbage', sdpMid: '0', sdpMLineIndex: 0 } }, 'bad-candidate', 'candidate',
    'an invalid candidate before any offer');

  // A real offer (made by Chromium, not applied there) so that the server has a peer connection.
  const offer = await ann.page.evaluate(async () => {
    const pc = new RTCPeerConnection();
    pc.addTransceiver('audio');
    pc.addTransceiver('video');
    const o = await pc.createOffer();
    pc.close();
    return o.sdp;
  });
  await expectError({ type: 'offer', sdp: offer.replace(/a=group:BUNDLE[^\r\n]*\r\n/, '') }, 'unsupported-sdp', 'offer', 'offer without BUNDLE');
  await expectError({ type: 'offer', sdp: offer.replace(/a=rtcp-mux\r\n/g, '') }, 'unsupported-sdp', 'offer', 'offer without rtcp-mux');
  await expectError({ type: 'offer', sdp: offer.replace(/a=fingerprint:[^\r\n]*\r\n/g, '') }, 'bad-sdp', 'offer', 'offer without a DTLS fingerprint');
  await expectError({ type: 'offer', sdp: offer.replace(/a=ice-(ufrag|pwd):[^\r\n]*\r\n/g, '') }, 'bad-sdp', 'offer', 'offer without ICE credentials');
  ws.send({ type: 'offer', sdp: offer });
  const answer = await ws.recv(10000);
  t.ok(answer?.type === 'answer' && /a=ice-lite/.test(answer.sdp), 'a well-formed offer on the same connection is answered (ICE-lite)',
    answer && JSON.stringify(answer).slice(0, 300));
  await expectError({ type: 'candidate', candidate: { candidate: 'garbage', sdpMid: '0', sdpMLineIndex: 0 } }, 'bad-candidate', 'candidate',
    'a candidate that is not a candidate attribute');
  await expectError({ type: 'candidate', candidate: { candidate: 'candidate:1 1 udp notanumber 127.0.0.1 5000 typ host', sdpMid: '0' } },
    'bad-candidate', 'candidate', 'a candidate with a non-numeric priority');
  await expectError({ type: 'candidate', candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 5000 typ host' }, 'bad-message', 'candidate',
    'candidate a string instead of an object');
  await expectError({ type: 'answer', sdp: offer }, 'wrong-state', 'answer', 'an answer while the server has no offer outstanding');
  // A second client asks for room B with another plugin.
  const ws2 = await RawWs.connect(server.port);
  ws2.send({ type: 'join', room: 'B', plugin: 'echo' });
  const mismatch = await ws2.recv(10000);
  t.ok(mismatch?.type === 'error' && mismatch.code === 'plugin-mismatch' && mismatch.ref === 'join',
    'join to duo room B asking for plugin echo -> error plugin-mismatch (ref join)', mismatch);
  ws2.sock.destroy(); // gone without a close frame
  await alive('after the joined-state errors');
  ws.send({ type: 'leave' });
  await expectError({ type: 'leave' }, 'not-joined', 'leave', 'leave twice (the first one has no reply)');
  await alive('at the end');
  t.ok(outOfOrder.length === 0, 'every error reply came before the pong of the ping sent after it (in order)', outOfOrder.join('\n'));
  await checkpoint('during the joined-state errors');

  // A mid-message disconnect: half a frame, then the socket goes away.
  ws.sock.write(Buffer.from([0x81, 0xfe, 0x01, 0x00, 1, 2, 3, 4, 0x7b]));
  ws.sock.destroy();
  await checkpoint('after the raw clients vanished');
  await checkMedia(ctx, ann, benId, 'afterwards ann still decodes ben\'s video and receives his audio, rising');
  await checkMedia(ctx, ben, annId, 'afterwards ben still decodes ann\'s video and receives her audio, rising');
  const later = [...(await ann.events()).slice(eventsBefore.ann), ...(await ben.events()).slice(eventsBefore.ben)];
  t.ok(later.length === 0, 'room A\'s pages got no event at all while the raw clients misbehaved', later);

  await Promise.all([b1.close(), b2.close()]);
  await server.stopAndCheck();
});
