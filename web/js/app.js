// app.js — the demo page's logic (web/index.html): picks the room from the URL
// (?room=NAME&plugin=relay|echo&name=...) or the form, captures camera and microphone
// (joining without media if that fails), shows local and remote video, mute and
// leave/rejoin buttons (a reloaded page joins its room again by itself and, within
// the server's grace period, takes its seat back), the connection state and a stats panel refreshed every second
// from pc.getStats(). The protocol itself is handled by switchboard.js.
//
// For tests: window.sb is the Switchboard instance, window.sbEvents records every
// event as plain JSON ({type, detail}); #state carries data-session and data-media;
// each stats value carries a numeric data-value.

import { Switchboard } from './switchboard.js';

const $ = (id) => document.getElementById(id);
const ui = {
  form: $('join-form'), room: $('room'), plugin: $('plugin'), name: $('name'),
  join: $('join'), leave: $('leave'), echo: $('echo-test'), state: $('state'),
  error: $('error'), local: $('local'), remotes: $('remotes'),
  muteAudio: $('mute-audio'), muteVideo: $('mute-video'), stats: $('stats'),
};

const sb = new Switchboard();
const events = [];
window.sb = sb;
window.sbEvents = events;

let localStream = null; // captured once, kept across leave/rejoin
let mediaState = 'none';
const muted = { audio: false, video: false };

// ---- event log, state and errors ----

/** A JSON-safe copy of an event's detail (tracks and streams become ids). */
function plain(detail) {
  const replacer = (key, v) => {
    if (typeof MediaStreamTrack !== 'undefined' && v instanceof MediaStreamTrack) {
      return { id: v.id, kind: v.kind };
    }
    if (typeof MediaStream !== 'undefined' && v instanceof MediaStream) return { id: v.id };
    return v;
  };
  return JSON.parse(JSON.stringify(detail ?? null, replacer));
}

for (const type of ['joined', 'peer-joined', 'peer-resumed', 'peer-left', 'track', 'connectionstatechange', 'error', 'closed']) {
  sb.addEventListener(type, (ev) => events.push({ type, detail: plain(ev.detail) }));
}

function showState() {
  ui.state.dataset.session = sb.state;
  ui.state.dataset.media = mediaState;
  ui.state.textContent = sb.state === 'joined' ? `joined ${sb.info.room} (${sb.info.plugin}) — media ${mediaState}` : sb.state;
  const joined = sb.state === 'joined';
  const busy = sb.state === 'joining' || sb.state === 'connecting';
  ui.join.disabled = joined || busy;
  ui.echo.disabled = busy;
  ui.leave.disabled = !joined;
}

function showError(text) {
  ui.error.textContent = text || '';
  ui.error.hidden = !text;
}

// ---- local media ----

/** Camera and microphone, falling back to one of them, or null (with the error shown). */
async function captureMedia() {
  let firstError = null;
  for (const constraints of [{ audio: true, video: true }, { audio: true }, { video: true }]) {
    try {
      return await navigator.mediaDevices.getUserMedia(constraints);
    } catch (err) {
      firstError ??= err;
    }
  }
  showError(`Camera/microphone unavailable (${firstError?.name || 'no mediaDevices'}: ${firstError?.message || ''}); joining without media.`);
  return null;
}

function updateMuteButtons() {
  for (const [kind, button, on, off] of [
    ['audio', ui.muteAudio, 'Unmute microphone', 'Mute microphone'],
    ['video', ui.muteVideo, 'Turn camera on', 'Turn camera off'],
  ]) {
    const tracks = localStream?.getTracks().filter((t) => t.kind === kind) || [];
    button.disabled = tracks.length === 0;
    button.setAttribute('aria-pressed', String(muted[kind]));
    button.textContent = muted[kind] ? on : off;
    for (const t of tracks) t.enabled = !muted[kind];
  }
}

function toggleMute(kind) {
  muted[kind] = !muted[kind];
  updateMuteButtons();
}

// ---- remote video ----

function remoteFigure(peerId) {
  let fig = ui.remotes.querySelector(`figure[data-peer-id="${CSS.escape(peerId)}"]`);
  if (fig) return fig;
  fig = document.createElement('figure');
  fig.dataset.peerId = peerId;
  const video = document.createElement('video');
  video.dataset.peerId = peerId;
  video.autoplay = true;
  video.playsInline = true;
  video.srcObject = new MediaStream();
  const caption = document.createElement('figcaption');
  fig.append(video, caption);
  ui.remotes.append(fig);
  labelRemote(peerId);
  return fig;
}

function labelRemote(peerId) {
  const fig = ui.remotes.querySelector(`figure[data-peer-id="${CSS.escape(peerId)}"]`);
  if (!fig) return;
  const name = peerId === sb.peerId ? 'You (echo)' : sb.peers.get(peerId)?.name || 'Guest';
  fig.querySelector('figcaption').textContent = `${name} (${peerId})`;
  fig.querySelector('video').setAttribute('aria-label', `Video of ${name}`);
}

function addRemoteTrack({ peer_id: peerId, track }) {
  if (peerId == null) return;
  const video = remoteFigure(peerId).querySelector('video');
  const stream = video.srcObject;
  for (const old of stream.getTracks().filter((t) => t.kind === track.kind && t !== track)) {
    if (old.readyState === 'ended') stream.removeTrack(old);
  }
  if (!stream.getTracks().includes(track)) stream.addTrack(track);
  track.addEventListener('ended', () => stream.removeTrack(track));
  video.play().catch(() => {
    // Autoplay with sound refused: play muted and offer a button to unmute.
    video.muted = true;
    video.play().catch(() => {});
    const fig = video.parentElement;
    if (fig.querySelector('button')) return;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Unmute';
    button.addEventListener('click', () => { video.muted = false; button.remove(); });
    fig.append(button);
  });
}

function removeRemote(peerId) {
  ui.remotes.querySelector(`figure[data-peer-id="${CSS.escape(peerId)}"]`)?.remove();
}

function clearRemotes() {
  ui.remotes.replaceChildren();
}

// ---- join / leave ----

function roomFromUrl() {
  const q = new URLSearchParams(location.search);
  return { room: q.get('room') || '', plugin: q.get('plugin') || '', name: q.get('name') || '' };
}

function setUrl(room, plugin) {
  const q = new URLSearchParams(location.search);
  q.set('room', room);
  if (plugin) q.set('plugin', plugin);
  else q.delete('plugin');
  history.replaceState(null, '', `?${q}`);
}

async function join(room, plugin, name) {
  showError('');
  if (sb.state === 'joined') leave();
  setUrl(room, plugin);
  ui.join.disabled = true;
  if (!localStream) {
    localStream = await captureMedia();
    ui.local.srcObject = localStream;
    updateMuteButtons();
  }
  const joining = sb.join(room, { name, plugin: plugin || undefined, stream: localStream });
  showState();
  try {
    await joining;
    ui.join.textContent = 'Join';
  } catch (err) {
    showError(`Could not join "${room}": ${err.code || 'error'} — ${err.message}`);
  }
  showState();
}

function leave() {
  sb.leave();
  clearRemotes();
  mediaState = 'none';
  ui.join.textContent = 'Rejoin';
  showState();
}

function randomRoom() {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return `echo-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// ---- stats ----

let prevStats = null;

function setStat(key, text, value) {
  const dd = ui.stats.querySelector(`[data-stat="${key}"]`);
  dd.textContent = text;
  if (value === undefined || value === null || Number.isNaN(value)) delete dd.dataset.value;
  else dd.dataset.value = String(value);
}

async function updateStats() {
  const pc = sb.pc;
  if (!pc || pc.connectionState === 'closed') {
    prevStats = null;
    for (const dd of ui.stats.querySelectorAll('dd')) setStat(dd.dataset.stat, '–');
    return;
  }
  const report = await pc.getStats();
  const cur = { pc, t: performance.now(), out: 0, in: 0, frames: 0 };
  let inLost = 0, outLost = 0, rtt = null, pair = null;
  const codecsOut = new Set(), codecsIn = new Set();
  const codecOf = (s) => report.get(s.codecId)?.mimeType;
  report.forEach((s) => {
    if (s.type === 'outbound-rtp') {
      cur.out += s.bytesSent || 0;
      if (codecOf(s)) codecsOut.add(codecOf(s));
    } else if (s.type === 'inbound-rtp') {
      cur.in += s.bytesReceived || 0;
      cur.frames += s.framesDecoded || 0;
      inLost += s.packetsLost || 0;
      if (codecOf(s)) codecsIn.add(codecOf(s));
    } else if (s.type === 'remote-inbound-rtp') {
      outLost += s.packetsLost || 0;
    } else if (s.type === 'transport' && s.selectedCandidatePairId) {
      pair = report.get(s.selectedCandidatePairId);
    } else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
      pair ??= s;
    }
  });
  if (pair && typeof pair.currentRoundTripTime === 'number') rtt = pair.currentRoundTripTime * 1000;
  if (prevStats && prevStats.pc === pc) {
    const dt = cur.t - prevStats.t; // ms
    const outKbps = ((cur.out - prevStats.out) * 8) / dt;
    const inKbps = ((cur.in - prevStats.in) * 8) / dt;
    const fps = ((cur.frames - prevStats.frames) * 1000) / dt;
    setStat('out-kbps', `${outKbps.toFixed(0)} kbit/s`, outKbps.toFixed(1));
    setStat('in-kbps', `${inKbps.toFixed(0)} kbit/s`, inKbps.toFixed(1));
    setStat('fps', fps.toFixed(1), fps.toFixed(1));
  }
  setStat('in-lost', String(inLost), inLost);
  setStat('out-lost', String(outLost), outLost);
  setStat('rtt-ms', rtt === null ? '–' : `${rtt.toFixed(1)} ms`, rtt === null ? null : rtt.toFixed(1));
  setStat('codec-out', [...codecsOut].join(', ') || '–');
  setStat('codec-in', [...codecsIn].join(', ') || '–');
  prevStats = cur;
}

// ---- wiring ----

sb.addEventListener('joined', () => { mediaState = 'new'; showState(); });
sb.addEventListener('peer-joined', (ev) => labelRemote(ev.detail.peer_id));
sb.addEventListener('peer-resumed', (ev) => labelRemote(ev.detail.peer_id));
sb.addEventListener('peer-left', (ev) => removeRemote(ev.detail.peer_id));
sb.addEventListener('track', (ev) => addRemoteTrack(ev.detail));
sb.addEventListener('connectionstatechange', (ev) => { mediaState = ev.detail.state; showState(); });
sb.addEventListener('error', (ev) => showError(`Server error ${ev.detail.code}: ${ev.detail.message}`));
sb.addEventListener('closed', (ev) => {
  clearRemotes();
  mediaState = 'none';
  ui.join.textContent = 'Rejoin';
  showState();
  const why = ev.detail.bye ? ev.detail.bye : `code ${ev.detail.code}`;
  showError(`Disconnected from the server (${why}).`);
});

ui.form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  join(ui.room.value.trim(), ui.plugin.value, ui.name.value.trim());
});
ui.leave.addEventListener('click', leave);
ui.echo.addEventListener('click', () => {
  const room = randomRoom();
  ui.room.value = room;
  ui.plugin.value = 'echo';
  join(room, 'echo', ui.name.value.trim());
});
ui.muteAudio.addEventListener('click', () => toggleMute('audio'));
ui.muteVideo.addEventListener('click', () => toggleMute('video'));
setInterval(() => updateStats().catch(() => {}), 1000);

const initial = roomFromUrl();
ui.room.value = initial.room;
ui.plugin.value = ['duo', 'echo', 'relay'].includes(initial.plugin) ? initial.plugin : '';
ui.name.value = initial.name;
showState();
if (initial.room) join(initial.room, ui.plugin.value, initial.name);
