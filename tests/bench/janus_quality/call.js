// call.js - one side of a one-to-one call through Janus's VideoCall plugin,
// for the call-quality benchmark (tests/bench/quality_bench.mjs --backend
// janus). Uses Debian's janus.js; the page's query string names the Janus
// WebSocket (?ws=ws://127.0.0.1:PORT). The benchmark drives it with
//   await jq.ready;  await jq.register('a');  await jq.call('b');
// The page that registered answers an incoming call by itself. Camera and
// microphone are captured by janus.js (the benchmark's init script fixes the
// camera's size and rate); window.sbQualityPc() returns the peer connection
// the figures are read from. It does not draw anything worth looking at.
//
// Janus is a full ICE agent: given the page's own host candidates it would
// check them directly and the media would bypass the impairment relay, so
// every candidate is stripped from what the page sends (the SDP goes without
// trickle, candidates included, and the WebSocket wrapper below removes
// them). Janus then learns the page's address from the page's checks, which
// arrive through the relay (the only address Janus advertises).
/* global Janus */
(() => {
  const params = new URLSearchParams(location.search);
  const server = params.get('ws');
  const log = (...a) => console.log('[jq]', ...a);
  const stateEl = document.getElementById('state');
  const events = [];
  const jq = {
    state: 'loading',
    events,
    handle: null,
    error: null,
  };
  window.jq = jq;
  window.sbQualityPc = () => jq.handle?.webrtcStuff?.pc || null;
  const note = (state, detail) => {
    jq.state = state;
    events.push({ t: performance.now(), state, detail: detail ?? null });
    stateEl.textContent = state;
    log(state, detail ?? '');
  };

  // janus.js wants webrtc-adapter only for the browser's name and version.
  const chrome = /Chrom(e|ium)\/(\d+)/.exec(navigator.userAgent);
  const firefox = /Firefox\/(\d+)/.exec(navigator.userAgent);
  const adapter = {
    browserDetails: chrome ? { browser: 'chrome', version: Number(chrome[2]) }
      : firefox ? { browser: 'firefox', version: Number(firefox[1]) } : { browser: 'unknown', version: 0 },
  };

  const stripCandidates = (sdp) => sdp.split('\r\n').filter((l) => !l.startsWith('a=candidate:')).join('\r\n');
  // Outgoing Janus API messages: no candidate of the page's reaches Janus.
  class StrippingWebSocket extends WebSocket {
    send(data) {
      let m = null;
      try {
        m = JSON.parse(data);
      } catch {
        return super.send(data);
      }
      if (m.janus === 'trickle' && !(m.candidate && m.candidate.completed)) return undefined;
      if (m.jsep && typeof m.jsep.sdp === 'string') m.jsep.sdp = stripCandidates(m.jsep.sdp);
      return super.send(JSON.stringify(m));
    }
  }

  const TRACKS = () => [
    { type: 'audio', capture: true, recv: true },
    { type: 'video', capture: true, recv: true },
  ];
  let registered = null; // { resolve, reject } while registering
  let calling = null; // { resolve, reject } while calling

  function fail(why) {
    jq.error = String(why?.message || why);
    note('error', jq.error);
    if (registered) registered.reject(new Error(jq.error));
    if (calling) calling.reject(new Error(jq.error));
    registered = calling = null;
  }

  function onMessage(msg, jsep) {
    const result = msg.result || {};
    if (msg.error) {
      fail(`videocall: ${msg.error} (${msg.error_code})`);
      return;
    }
    const ev = result.event;
    if (ev) note(`event:${ev}`, result.username || null);
    if (ev === 'registered' && registered) {
      registered.resolve(result.username);
      registered = null;
    } else if (ev === 'incomingcall') {
      jq.handle.createAnswer({
        jsep,
        tracks: TRACKS(),
        trickle: false,
        // Without trickle, janus.js calls success twice: with null at once, then with
        // the complete SDP once gathering is done.
        success: (answer) => answer && jq.handle.send({ message: { request: 'accept' }, jsep: answer }),
        error: (err) => fail(`createAnswer: ${err}`),
      });
    } else if (ev === 'accepted' && jsep) {
      jq.handle.handleRemoteJsep({
        jsep,
        success: () => {
          if (calling) calling.resolve(true);
          calling = null;
        },
        error: (err) => fail(`handleRemoteJsep: ${err}`),
      });
    } else if (ev === 'accepted' && calling === null) {
      // The callee: its answer went out with the accept.
    } else if (ev === 'hangup') {
      note('hangup', result.reason || null);
    }
  }

  jq.ready = new Promise((resolve, reject) => {
    if (!server) {
      reject(new Error('no ?ws= in the page URL'));
      return;
    }
    Janus.init({
      debug: ['warn', 'error'],
      dependencies: Janus.useDefaultDependencies({ adapter, WebSocket: StrippingWebSocket }),
      callback: () => {
        const janus = new Janus({
          server,
          iceServers: [],
          success: () => {
            janus.attach({
              plugin: 'janus.plugin.videocall',
              opaqueId: `quality-${Janus.randomString(8)}`,
              success: (h) => {
                jq.handle = h;
                note('attached');
                resolve(true);
              },
              error: (err) => reject(new Error(`attach: ${err}`)),
              onmessage: onMessage,
              iceState: (s) => note(`ice:${s}`),
              webrtcState: (up, reason) => note(up ? 'webrtc:up' : 'webrtc:down', reason || null),
              slowLink: (uplink, lost, mid) => events.push({ t: performance.now(), state: 'slowlink', detail: { uplink, lost, mid } }),
              onlocaltrack: (track, on) => {
                if (track.kind === 'video' && on) document.getElementById('local').srcObject = new MediaStream([track]);
              },
              onremotetrack: (track, mid, on) => {
                if (track.kind === 'video' && on) document.getElementById('remote').srcObject = new MediaStream([track]);
              },
              oncleanup: () => note('cleanup'),
            });
          },
          error: (err) => {
            reject(new Error(`janus: ${err}`));
            fail(`janus: ${err}`);
          },
          destroyed: () => note('destroyed'),
        });
        jq.janus = janus;
      },
    });
  });

  /** Registers `username` with the plugin; resolves once Janus confirms. */
  jq.register = (username) => new Promise((resolve, reject) => {
    registered = { resolve, reject };
    jq.handle.send({ message: { request: 'register', username } });
  });

  /** Calls `username` (registered on another page); resolves once its answer is applied. */
  jq.call = (username) => new Promise((resolve, reject) => {
    calling = { resolve, reject };
    jq.handle.createOffer({
      tracks: TRACKS(),
      trickle: false,
      success: (offer) => offer && jq.handle.send({ message: { request: 'call', username }, jsep: offer }),
      error: (err) => fail(`createOffer: ${err}`),
    });
  });

  /** Hangs up and leaves Janus (best effort). */
  jq.hangup = () => {
    try {
      jq.handle?.send({ message: { request: 'hangup' } });
      jq.handle?.hangup();
      jq.janus?.destroy({});
    } catch (err) {
      log('hangup', err);
    }
  };
})();
