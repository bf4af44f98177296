// switchboard.js — the browser client for Switchboard's signaling protocol v1
// (docs/protocol.md). One WebSocket to the server; in media rooms (duo, echo) one
// RTCPeerConnection to the server, in relay rooms one RTCPeerConnection to the
// other participant. Both run MDN's "perfect negotiation" with the `polite` flag
// the server hands out in `joined`. Plain ES module, no dependencies.
//
// It does not capture media (pass a MediaStream in), draw anything, or reconnect
// after the WebSocket closes. It does keep the `resume_token` of `joined` in
// sessionStorage (with the room name), so that a reloaded page joining the same
// room takes its seat back within the server's grace period (same peer_id).
//
//   import { Switchboard } from './switchboard.js';
//   const sb = new Switchboard();
//   sb.addEventListener('track', (e) => show(e.detail.peer_id, e.detail.track));
//   const info = await sb.join('demo', { name: 'Alice', stream });

const JOIN_TIMEOUT_MS = 10000;
const KEEPALIVE_MS = 20000;
const KINDS = ['audio', 'video'];
const RESUME_KEY = 'switchboard.resume';

/** The resume token kept for this tab ({url, room, token}), or null. */
function loadResume() {
  try {
    const v = JSON.parse(globalThis.sessionStorage?.getItem(RESUME_KEY) || 'null');
    return v && typeof v.token === 'string' && typeof v.room === 'string' ? v : null;
  } catch {
    return null; // no sessionStorage (privacy settings), or not ours
  }
}

function saveResume(v) {
  try {
    if (v) globalThis.sessionStorage?.setItem(RESUME_KEY, JSON.stringify(v));
    else globalThis.sessionStorage?.removeItem(RESUME_KEY);
  } catch {
    // no sessionStorage: a reload joins afresh
  }
}

/** Default signaling URL: the page's own origin, path /ws. */
function defaultUrl() {
  const scheme = globalThis.location?.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${globalThis.location?.host}/ws`;
}

/** An Error with the protocol's error `code` (and the server's `ref`, if any). */
function protocolError(code, message, ref) {
  const err = new Error(message || code);
  err.code = code;
  if (ref !== undefined) err.ref = ref;
  return err;
}

/**
 * One negotiated RTCPeerConnection (to the server, or to one relay peer),
 * driven by the perfect-negotiation pattern.
 */
class Link {
  /**
   * @param {Switchboard} sb owner
   * @param {string|null} peerId the remote peer in relay rooms, null for the server
   * @param {boolean} polite our role, from `joined`
   */
  constructor(sb, peerId, polite) {
    this.sb = sb;
    this.peerId = peerId;
    this.polite = polite;
    this.queue = Promise.resolve(); // remote messages are handled one at a time
    this.closed = false;
    this._newPc();
  }

  /** (Re)creates the RTCPeerConnection; events of a replaced one are ignored. */
  _newPc() {
    const sb = this.sb;
    const pc = new RTCPeerConnection({ iceServers: sb._iceServers() });
    this.pc = pc;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.settingRemoteAnswer = false;
    this.holdCandidates = 0; // >0 while a local description is set but not yet sent
    this.heldCandidates = [];
    // One sendrecv transceiver per kind, present even without a track, so that
    // setStream() is a replaceTrack() and never needs a renegotiation.
    const stream = sb.stream || new MediaStream();
    this.senders = {};
    for (const kind of KINDS) {
      const track = sb.stream?.getTracks().find((t) => t.kind === kind) || null;
      this.senders[kind] = pc.addTransceiver(track || kind, { direction: 'sendrecv', streams: [stream] }).sender;
    }
    const current = () => pc === this.pc && !this.closed;
    pc.onnegotiationneeded = () => current() && this._offer(pc);
    pc.onicecandidate = ({ candidate }) => current() && this._localCandidate(candidate);
    pc.ontrack = (ev) => current() && this._track(ev);
    pc.onconnectionstatechange = () => {
      if (current()) sb._emit('connectionstatechange', this._stateDetail(pc.connectionState));
    };
  }

  _stateDetail(state) {
    return this.peerId === null ? { state } : { state, peer_id: this.peerId };
  }

  _send(msg) {
    if (this.peerId !== null) msg.to = this.peerId;
    this.sb._send(msg);
  }

  /** Sets a local description (offer or answer) on pc and sends it, then held candidates. */
  async _sendLocalDescription(pc) {
    this.holdCandidates++;
    try {
      await pc.setLocalDescription();
      if (pc !== this.pc || this.closed) return;
      const { type, sdp } = pc.localDescription;
      this._send({ type, sdp });
    } finally {
      if (pc === this.pc && --this.holdCandidates === 0 && !this.closed) {
        for (const c of this.heldCandidates.splice(0)) this._send({ type: 'candidate', candidate: c });
      }
    }
  }

  async _offer(pc) {
    try {
      this.makingOffer = true;
      await this._sendLocalDescription(pc);
    } catch (err) {
      if (pc === this.pc && !this.closed) {
        this.sb._localError('negotiation-failed', `creating an offer failed: ${err.message}`);
      }
    } finally {
      if (pc === this.pc) this.makingOffer = false;
    }
  }

  _localCandidate(candidate) {
    if (candidate && !candidate.candidate) return; // per-generation "" marker; null follows
    const c = candidate
      ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex }
      : null; // end of candidates
    if (this.holdCandidates > 0) this.heldCandidates.push(c);
    else this._send({ type: 'candidate', candidate: c });
  }

  _track(ev) {
    const stream = ev.streams[0] || new MediaStream([ev.track]);
    // Media rooms: the server's stream id is the sending participant's peer_id.
    const peerId = this.peerId ?? (ev.streams[0] ? stream.id : this.sb._onlyPeerId());
    this.sb._emit('track', { peer_id: peerId, track: ev.track, stream });
  }

  /** Handles an offer, answer or candidate from the other side (in order). */
  handle(msg) {
    this.queue = this.queue.then(() => this._handle(msg)).catch((err) => {
      if (!this.closed) this.sb._localError('negotiation-failed', `${msg.type}: ${err.message}`);
    });
  }

  async _handle(msg) {
    if (this.closed) return;
    let pc = this.pc;
    if (msg.type === 'candidate') {
      try {
        // null (or no candidate string) is the remote end-of-candidates.
        if (msg.candidate && msg.candidate.candidate) await pc.addIceCandidate(msg.candidate);
        else if (pc.remoteDescription) await pc.addIceCandidate();
      } catch (err) {
        if (!this.ignoreOffer && msg.candidate && msg.candidate.candidate) throw err;
      }
      return;
    }
    if (typeof msg.sdp !== 'string') return;
    const description = { type: msg.type, sdp: msg.sdp };
    const readyForOffer =
      !this.makingOffer && (pc.signalingState === 'stable' || this.settingRemoteAnswer);
    const offerCollision = description.type === 'offer' && !readyForOffer;
    this.ignoreOffer = !this.polite && offerCollision;
    if (this.ignoreOffer) return;
    if (offerCollision && !pc.currentRemoteDescription) {
      // Our very first offer collides. Chromium can leave ICE without candidates
      // after rolling back an initial offer, so answer from a fresh connection
      // instead; the other side ignored that offer anyway (it is impolite).
      pc.close();
      this._newPc();
      pc = this.pc;
    }
    this.settingRemoteAnswer = description.type === 'answer';
    try {
      await pc.setRemoteDescription(description); // rolls back our offer on collision
    } finally {
      this.settingRemoteAnswer = false;
    }
    if (description.type === 'offer' && pc === this.pc && !this.closed) await this._sendLocalDescription(pc);
  }

  replaceTracks(stream) {
    for (const kind of KINDS) {
      const track = stream?.getTracks().find((t) => t.kind === kind) || null;
      if (this.senders[kind].track !== track) {
        this.senders[kind].replaceTrack(track).catch((err) =>
          this.sb._localError('replace-track-failed', `${kind}: ${err.message}`));
      }
    }
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.pc.close();
    this.sb._emit('connectionstatechange', this._stateDetail('closed'));
  }
}

/**
 * Switchboard client. Events (all `CustomEvent`s, payload in `event.detail`):
 * - `joined`: the server's `joined` message ({peer_id, room, plugin, peers, ice_servers, polite})
 * - `peer-joined`: {peer_id, name}
 * - `peer-left`: {peer_id, name, reason}
 * - `peer-resumed`: {peer_id, name} — a participant took its seat back after a lost
 *   connection (same peer_id; in relay rooms its connection is made anew)
 * - `track`: {peer_id, track, stream} — a remote MediaStreamTrack and the participant it comes from
 * - `connectionstatechange`: {state} (plus `peer_id` in relay rooms); `closed` after leave()
 * - `error`: {code, message, ref?} — server `error` messages not answered to join(),
 *   and local failures (`negotiation-failed`, `replace-track-failed`)
 * - `closed`: {code, reason, bye} — the WebSocket closed (`bye` is the server's reason, if sent)
 */
export class Switchboard extends EventTarget {
  /**
   * @param {object} [options]
   * @param {string} [options.url] WebSocket URL (default: same origin, path /ws)
   * @param {RTCIceServer[]} [options.iceServers] overrides the `ice_servers` sent in `joined`
   * @param {boolean} [options.resume] keep the `resume_token` in sessionStorage and send
   *   it when joining the same room again (default true)
   */
  constructor({ url, iceServers, resume = true } = {}) {
    super();
    this.url = url || defaultUrl();
    this.iceServers = iceServers || null;
    this.resume = resume !== false;
    /** @type {MediaStream|null} */
    this.stream = null;
    /** @type {'idle'|'connecting'|'connected'|'joining'|'joined'|'closed'} */
    this.state = 'idle';
    /** The `joined` message of the current room, or null. */
    this.info = null;
    /** Other participants of the room: peer_id -> {peer_id, name}. */
    this.peers = new Map();
    this._ws = null;
    this._links = new Map(); // null (server) or a relay peer_id -> Link
    this._pendingJoin = null;
    this._joinBusy = false;
    this._keepalive = null;
    this._pingId = 0;
    this._bye = null;
  }

  /** The current RTCPeerConnection (to the server, or to the relay peer), or null. */
  get pc() {
    for (const link of this._links.values()) return link.pc;
    return null;
  }

  /** This participant's peer_id while joined, else null. */
  get peerId() {
    return this.info?.peer_id ?? null;
  }

  /**
   * Joins a room, opening the WebSocket first if needed.
   * @param {string} room 1..64 characters of [A-Za-z0-9_.-]
   * @param {object} [options]
   * @param {string} [options.name] display name (0..64 characters)
   * @param {'duo'|'echo'|'relay'} [options.plugin] room type (server default: duo)
   * @param {MediaStream|null} [options.stream] local media to send (may be null)
   * @param {string} [options.token] passed to the server unchanged
   * @returns {Promise<object>} the `joined` message
   * @throws {Error} with `.code`: a protocol error code, or `closed`, `timeout`, `busy`
   *
   * If this tab was in `room` before (a reload) and kept its resume token, the join
   * carries it and takes the seat back (same peer_id); when the server no longer
   * holds that seat (`resume-failed`) it joins afresh.
   */
  async join(room, { name, plugin, stream, token } = {}) {
    if (this._joinBusy || this.state === 'joined') {
      throw protocolError(this._joinBusy ? 'busy' : 'already-joined', 'already joining or joined');
    }
    if (stream !== undefined) this.stream = stream;
    const msg = { type: 'join', room };
    if (name !== undefined && name !== '') msg.name = name;
    if (plugin) msg.plugin = plugin;
    if (token !== undefined) msg.token = token;
    const saved = this.resume ? loadResume() : null;
    if (saved && saved.room === room && saved.url === this.url) msg.resume_token = saved.token;
    this._joinBusy = true;
    try {
      await this._connect(room);
      try {
        return await this._sendJoin(msg);
      } catch (err) {
        if (err.code !== 'resume-failed' || !msg.resume_token) throw err;
        saveResume(null); // that seat is gone: join as a newcomer
        delete msg.resume_token;
        return await this._sendJoin(msg);
      }
    } finally {
      this._joinBusy = false;
    }
  }

  /** Leaves the room (giving the seat up); the WebSocket stays open and join() may be called again. */
  leave() {
    if (this.state !== 'joined') return;
    if (this.resume) saveResume(null);
    this._send({ type: 'leave' });
    this._resetRoom();
    this.state = 'connected';
  }

  /** Leaves (if joined) and closes the WebSocket; `closed` follows. */
  close() {
    this.leave();
    if (this._ws) this._ws.close(1000, 'client close');
  }

  /**
   * Sends another local stream (or none): its first audio and first video track
   * replace the current ones without renegotiation. For mute, disabling a track
   * (`track.enabled = false`) is enough; setStream(null) stops sending entirely.
   * @param {MediaStream|null} stream
   */
  setStream(stream) {
    this.stream = stream;
    for (const link of this._links.values()) link.replaceTracks(stream);
  }

  // ---- internals ----

  /** Sends `join` and waits for `joined` (resolve) or an `error` about it (reject). */
  _sendJoin(msg) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this._pendingJoin = null;
        if (this.state === 'joining') this.state = 'connected';
        reject(protocolError('timeout', 'no answer to join'));
      }, JOIN_TIMEOUT_MS);
      this._pendingJoin = {
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      this.state = 'joining';
      this._send(msg);
    });
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  _localError(code, message) {
    this._emit('error', { code, message });
  }

  _iceServers() {
    return this.iceServers || this.info?.ice_servers || [];
  }

  _onlyPeerId() {
    if (this.info?.plugin === 'echo') return this.peerId;
    return this.peers.size === 1 ? [...this.peers.keys()][0] : null;
  }

  _send(msg) {
    if (this._ws && this._ws.readyState === WebSocket.OPEN) this._ws.send(JSON.stringify(msg));
  }

  _connect(room) {
    if (this._ws && this._ws.readyState === WebSocket.OPEN) return Promise.resolve();
    if (this._ws) this._ws.close();
    const url = new URL(this.url, globalThis.location?.href);
    if (!url.searchParams.has('room')) url.searchParams.set('room', room); // LB hashing
    const ws = new WebSocket(url);
    this._ws = ws;
    this._bye = null;
    this.state = 'connecting';
    return new Promise((resolve, reject) => {
      ws.onopen = () => {
        this.state = 'connected';
        this._keepalive = setInterval(() => this._send({ type: 'ping', id: ++this._pingId }), KEEPALIVE_MS);
        resolve();
      };
      ws.onmessage = (ev) => this._message(ev.data);
      ws.onclose = (ev) => {
        if (this._ws !== ws) return;
        reject(protocolError('closed', 'could not connect to the server'));
        this._closed(ev);
      };
    });
  }

  _closed(ev) {
    clearInterval(this._keepalive);
    this._ws = null;
    this._resetRoom();
    this.state = 'closed';
    if (this._pendingJoin) {
      const p = this._pendingJoin;
      this._pendingJoin = null;
      p.reject(protocolError('closed', `connection closed${this._bye ? ` (${this._bye})` : ''}`));
    }
    this._emit('closed', { code: ev.code, reason: ev.reason, bye: this._bye });
  }

  _resetRoom() {
    for (const link of this._links.values()) link.close();
    this._links.clear();
    this.peers.clear();
    this.info = null;
  }

  _link(peerId) {
    let link = this._links.get(peerId);
    if (!link) {
      link = new Link(this, peerId, !!this.info.polite);
      this._links.set(peerId, link);
    }
    return link;
  }

  _message(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (!msg || typeof msg.type !== 'string') return;
    const relay = this.info?.plugin === 'relay';
    switch (msg.type) {
      case 'joined':
        return this._joined(msg);
      case 'peer-joined':
        if (this.state !== 'joined') return;
        this.peers.set(msg.peer_id, { peer_id: msg.peer_id, name: msg.name ?? '' });
        this._emit('peer-joined', { peer_id: msg.peer_id, name: msg.name ?? '' });
        if (relay) this._link(msg.peer_id);
        return;
      case 'peer-resumed': {
        if (this.state !== 'joined') return;
        const peer = { peer_id: msg.peer_id, name: msg.name ?? this.peers.get(msg.peer_id)?.name ?? '' };
        this.peers.set(msg.peer_id, peer);
        if (relay) {
          // Its old connection to us is gone with its old page: start a new one.
          this._links.get(msg.peer_id)?.close();
          this._links.delete(msg.peer_id);
          this._link(msg.peer_id);
        }
        this._emit('peer-resumed', peer);
        return;
      }
      case 'peer-left': {
        if (this.state !== 'joined') return;
        const name = this.peers.get(msg.peer_id)?.name ?? '';
        this.peers.delete(msg.peer_id);
        if (relay) {
          this._links.get(msg.peer_id)?.close();
          this._links.delete(msg.peer_id);
        }
        this._emit('peer-left', { peer_id: msg.peer_id, name, reason: msg.reason });
        return;
      }
      case 'offer':
      case 'answer':
      case 'candidate':
        if (this.state !== 'joined') return;
        if (!relay) this._links.get(null)?.handle(msg);
        else if (typeof msg.from === 'string') this._link(msg.from).handle(msg);
        return;
      case 'error':
        return this._error(msg);
      case 'bye':
        this._bye = msg.reason ?? 'unknown';
        if (this.resume) saveResume(null); // after a bye no seat is held
        return;
      default:
        return; // pong and anything newer: nothing to do
    }
  }

  _joined(msg) {
    const pending = this._pendingJoin;
    if (!pending) {
      // A late answer to a join that already timed out: we don't want that room.
      this._send({ type: 'leave' });
      return;
    }
    this._pendingJoin = null;
    this.info = msg;
    this.state = 'joined';
    if (this.resume) {
      saveResume(typeof msg.resume_token === 'string'
        ? { url: this.url, room: msg.room, token: msg.resume_token } : null);
    }
    this.peers.clear();
    for (const p of msg.peers || []) this.peers.set(p.peer_id, { peer_id: p.peer_id, name: p.name ?? '' });
    if (msg.plugin === 'relay') for (const id of this.peers.keys()) this._link(id);
    else this._link(null);
    this._emit('joined', msg);
    pending.resolve(msg);
  }

  _error(msg) {
    const detail = { code: msg.code, message: msg.message ?? '' };
    if (msg.ref !== undefined) detail.ref = msg.ref;
    if (this._pendingJoin && (msg.ref === 'join' || msg.ref === undefined)) {
      const p = this._pendingJoin;
      this._pendingJoin = null;
      this.state = 'connected';
      p.reject(protocolError(msg.code, msg.message, msg.ref));
      return;
    }
    this._emit('error', detail);
  }
}
