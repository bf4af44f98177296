// firefox.mjs - Firefox ESR for Switchboard's end-to-end tests: launches Debian's
// /usr/bin/firefox-esr headless through puppeteer-core (WebDriver BiDi) with a
// fresh profile, HOME in a temporary folder and the preferences that give it a
// fake camera and microphone and loopback ICE candidates (see the loopback
// notes), and opens the demo page as a participant. The participant is the
// harness's Participant with the few page calls whose Playwright and Puppeteer
// forms differ redone in Puppeteer's terms, so the harness's probe(), waitMedia(),
// checkMedia(), waitEvent() and diag() work unchanged on it.
//
//   import { launchFirefox, openFirefoxParticipant } from './lib/firefox.mjs';
//   const ff = await openFirefoxParticipant(ctx, await launchFirefox(ctx), server, { name: 'fox', room });
//   const id = await ff.join();

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Participant, SRCDIR } from './harness.mjs';

export const FIREFOX = process.env.SB_FIREFOX || '/usr/bin/firefox-esr';

/** Preferences for real peers on loopback with fake media (see the loopback notes). */
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'permissions.default.camera': 1,
  'permissions.default.microphone': 1,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.default_address_only': false,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // Let the remote <video> play with sound without a user gesture.
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  // Nothing but the test's own traffic.
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
};

let puppeteer = null;
async function firefoxDriver() {
  if (!puppeteer) {
    const entry = path.join(SRCDIR, 'node_modules/puppeteer-core/lib/esm/puppeteer/puppeteer-core.js');
    if (!fs.existsSync(entry)) throw new Error(`${entry} missing: run npm ci in the source folder`);
    puppeteer = (await import(pathToFileURL(entry).href)).default;
  }
  return puppeteer;
}

/**
 * Launches one headless Firefox ESR with a fresh profile and HOME (both under
 * ctx.tmp), closed at cleanup. Returns the puppeteer Browser.
 */
export async function launchFirefox(ctx) {
  const driver = await firefoxDriver();
  const home = fs.mkdtempSync(path.join(ctx.tmp, 'firefox-home-'));
  const profile = fs.mkdtempSync(path.join(ctx.tmp, 'firefox-profile-'));
  const browser = await driver.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    extraPrefsFirefox: FIREFOX_PREFS,
    env: { ...process.env, HOME: home, MOZ_CRASHREPORTER_DISABLE: '1' },
    timeout: 60000,
    protocolTimeout: 60000,
  });
  ctx.defer(() => browser.close().catch(() => {}));
  return browser;
}

/** The harness's Participant, with Puppeteer's forms of the page calls that differ. */
export class FirefoxParticipant extends Participant {
  async fillRoom(room, plugin) {
    await this.page.evaluate((r, pl) => {
      const set = (id, v) => {
        const el = document.getElementById(id);
        el.value = v;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      };
      set('room', r);
      set('plugin', pl);
    }, room, plugin || '');
  }

  /** Clicks a button once it exists and is enabled (what Playwright's click waits for). */
  async _click(selector, timeoutMs = 30000) {
    await this.page.waitForFunction((sel) => {
      const el = document.querySelector(sel);
      return !!el && !el.disabled;
    }, { timeout: timeoutMs, polling: 100 }, selector);
    await this.page.click(selector);
  }

  async clickJoin({ room, plugin } = {}) {
    if (room) await this.fillRoom(room, plugin);
    await this._click('#join');
  }

  async waitJoined(timeoutMs = 30000) {
    const handle = await this.page.waitForFunction(() => {
      const st = document.getElementById('state').dataset.session;
      const err = document.getElementById('error');
      if (st === 'joined') return { peerId: window.sb.peerId };
      if (!err.hidden && st !== 'joining' && st !== 'connecting') return { error: err.textContent };
      return null;
    }, { timeout: timeoutMs, polling: 100 });
    const r = await handle.jsonValue();
    if (r.error) throw new Error(`${this.name}: join failed: ${r.error}`);
    return r.peerId;
  }

  async leave() {
    await this._click('#leave');
  }

  /** Not recorded for Firefox pages (no init script): an empty list. */
  wire() {
    return Promise.resolve([]);
  }
}

/**
 * A Firefox participant: one page of the demo app at `/?name=NAME`, with the
 * room filled in if given; the test drives it with join()/leave().
 */
export async function openFirefoxParticipant(ctx, browser, server, { name, room, plugin } = {}) {
  const pages = await browser.pages();
  const page = pages.length && pages[0].url() === 'about:blank' ? pages[0] : await browser.newPage();
  page.setDefaultTimeout(30000);
  const p = new FirefoxParticipant(page, name || 'firefox', server);
  const q = new URLSearchParams();
  if (name) q.set('name', name);
  await page.goto(`${server.url}/?${q}`, { timeout: 30000 });
  await page.waitForFunction(() => !!(window.sb && window.sbEvents), { timeout: 30000, polling: 100 });
  if (room) await p.fillRoom(room, plugin);
  return p;
}

/**
 * In-page audio probe for any page of the demo app: per remote participant, the
 * inbound audio packets, samples received and audio level/energy (whichever the
 * browser reports; absent ones are null).
 */
export function audioProbe(page) {
  return page.evaluate(async () => {
    const sb = window.sb;
    const trackPeer = new Map();
    for (const e of window.sbEvents) {
      if (e.type === 'track' && e.detail?.track) trackPeer.set(e.detail.track.id, e.detail.peer_id);
    }
    const out = {};
    const pc = sb.pc;
    if (!pc || pc.connectionState === 'closed') return out;
    for (const tr of pc.getTransceivers()) {
      const track = tr.receiver.track;
      if (!track || track.kind !== 'audio' || !trackPeer.has(track.id) || tr.currentDirection === 'stopped') continue;
      let s = null;
      (await tr.receiver.getStats()).forEach((x) => {
        if (x.type === 'inbound-rtp') s = x;
      });
      if (!s) continue;
      const e = (out[trackPeer.get(track.id)] ??= { packets: 0, samples: null, level: null, energy: null });
      e.packets += s.packetsReceived ?? 0;
      if (typeof s.totalSamplesReceived === 'number') e.samples = (e.samples ?? 0) + s.totalSamplesReceived;
      if (typeof s.audioLevel === 'number') e.level = Math.max(e.level ?? 0, s.audioLevel);
      if (typeof s.totalAudioEnergy === 'number') e.energy = (e.energy ?? 0) + s.totalAudioEnergy;
    }
    return out;
  });
}

/**
 * The codecs in use, from getStats(): { out: {kind: {mimeType, payloadType}},
 * in: {kind: [{mimeType, payloadType}]} } for the page's peer connection.
 */
export function codecProbe(page) {
  return page.evaluate(async () => {
    const pc = window.sb.pc;
    const out = { out: {}, in: {} };
    if (!pc || pc.connectionState === 'closed') return out;
    const report = await pc.getStats();
    report.forEach((s) => {
      if (s.type !== 'outbound-rtp' && s.type !== 'inbound-rtp') return;
      const c = report.get(s.codecId);
      if (!c) return;
      const kind = s.kind || s.mediaType;
      const v = { mimeType: c.mimeType, payloadType: c.payloadType };
      if (s.type === 'outbound-rtp') {
        if ((s.packetsSent ?? 0) > 0) out.out[kind] = v;
      } else if ((s.packetsReceived ?? 0) > 0) {
        (out.in[kind] ??= []).push(v);
      }
    });
    return out;
  });
}
