// ICE against real browsers (headless Chromium via playwright-core, Firefox ESR via
// puppeteer-core) over real UDP: the browser keeps its default mDNS-hidden host candidates, so
// our agent must connect through the peer-reflexive candidate learned from the browser's checks.
// Skipped when a browser or a non-loopback IPv4 interface is missing.
import { existsSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { randomFillSync } from 'node:crypto';
import t, { type Test } from 'tap';
import { IceAgent, type IceSettings } from '../src/index.js';
import { description, remoteParams } from './describe.js';
import { UdpDriver, clock } from './udp-driver.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const FIREFOX = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';
const random = (out: Uint8Array): void => void randomFillSync(out);
const IFACE = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

const PAGE_SCRIPT = `globalThis.__ice = {
  pcs: [],
  gathered(pc) {
    return new Promise((r) => { if (pc.iceGatheringState === 'complete') r(); else pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()); });
  },
  async offer() {
    const pc = new RTCPeerConnection();
    this.pcs.push(pc);
    pc.createDataChannel('x');
    await pc.setLocalDescription(await pc.createOffer());
    await this.gathered(pc);
    return { id: this.pcs.length - 1, sdp: pc.localDescription.sdp };
  },
  async accept(id, sdp) { await this.pcs[id].setRemoteDescription({ type: 'answer', sdp }); return true; },
  async answer(sdp) {
    const pc = new RTCPeerConnection();
    this.pcs.push(pc);
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    await this.gathered(pc);
    return { id: this.pcs.length - 1, sdp: pc.localDescription.sdp };
  },
  state(id) { return this.pcs[id].iceConnectionState; },
};`;

type Call = <T>(method: string, ...args: unknown[]) => Promise<T>;

async function ourAgent(settings: Partial<IceSettings>): Promise<UdpDriver> {
  const d = new UdpDriver(new IceAgent({ random, ...settings }, clock()), createSocket('udp4'), undefined, IFACE);
  await d.start();
  await d.until(() => d.agent.gatheringState === 'complete', 2000, 'our gathering');
  return d;
}

const up = (s: string): boolean => s === 'connected' || s === 'completed';

async function waitBrowser(call: Call, id: number, d: UdpDriver, ms: number): Promise<string> {
  const deadline = clock() + ms;
  let s = await call<string>('state', id);
  while (!(up(s) && up(d.agent.connectionState)) && clock() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    s = await call<string>('state', id);
  }
  return s;
}

async function browserOffersWeAnswer(t: Test, call: Call, lite: boolean): Promise<void> {
  const offer = await call<{ id: number; sdp: string }>('offer');
  const remote = remoteParams(offer.sdp);
  const ours = await ourAgent({ lite });
  ours.agent.setRemoteCredentials(remote.ufrag, remote.pwd);
  for (const c of remote.candidates) ours.agent.addRemoteCandidate(c, clock());
  ours.agent.addRemoteCandidate(null, clock());
  ours.drain();
  const started = clock();
  await call('accept', offer.id, description(ours.agent, 'passive'));
  const state = await waitBrowser(call, offer.id, ours, 15_000);
  t.ok(up(state), `browser iceConnectionState ${state} after ${(clock() - started).toFixed(0)} ms`);
  t.ok(up(ours.agent.connectionState), `our ${lite ? 'lite' : 'full controlled'} agent: ${ours.agent.connectionState}`);
  t.equal(ours.agent.role, 'controlled');
  const hidden = remote.candidates.filter((c) => c.transport.toLowerCase() === 'udp').every((c) => c.address.endsWith('.local'));
  t.comment(`browser candidates: ${remote.candidates.map((c) => c.address).join(', ')}`);
  if (hidden) t.equal(ours.agent.selectedPair()?.remote.type, 'prflx', 'mDNS-only browser reached via its peer-reflexive candidate');
  else t.ok(ours.agent.selectedPair(), 'selected a pair');
  await ours.until(() => ours.received.some((x) => x[0] === 22), 5000, 'DTLS ClientHello').catch(() => undefined);
  t.ok(ours.received.some((x) => x[0] === 22), 'the browser\'s DTLS ClientHello arrived as data over the selected pair');
  t.ok(ours.agent.stats().checksReceived >= 1);
  ours.close();
}

async function browserAnswersFullOffers(t: Test, call: Call): Promise<void> {
  const ours = await ourAgent({ controlling: true });
  const answer = await call<{ id: number; sdp: string }>('answer', description(ours.agent, 'actpass'));
  const remote = remoteParams(answer.sdp);
  ours.agent.setRemoteCredentials(remote.ufrag, remote.pwd);
  for (const c of remote.candidates) ours.agent.addRemoteCandidate(c, clock());
  ours.agent.addRemoteCandidate(null, clock());
  ours.drain();
  const state = await waitBrowser(call, answer.id, ours, 15_000);
  t.ok(up(state), `browser iceConnectionState ${state}`);
  t.ok(up(ours.agent.connectionState), `our full controlling agent: ${ours.agent.connectionState}`);
  t.equal(ours.agent.role, 'controlling');
  // connected on the first valid pair (RFC 8445 §12.1); the nomination follows a round trip later
  await ours.until(() => ours.agent.stats().pairs.some((p) => p.nominated), 5_000, 'nomination');
  t.ok(ours.agent.stats().pairs.some((p) => p.nominated), 'we nominated a pair');
  ours.close();
}

const noIface = IFACE === undefined ? 'no non-loopback IPv4 interface' : false;

t.test('Chromium', { skip: existsSync(CHROMIUM) ? noIface : `${CHROMIUM} not installed`, timeout: 120_000 }, async (t) => {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic'], headless: true, timeout: 60_000 });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  await page.evaluate(PAGE_SCRIPT);
  const call: Call = (method, ...args) => page.evaluate(`globalThis.__ice[${JSON.stringify(method)}](...${JSON.stringify(args)})`);
  await t.test('Chromium offers, our lite agent answers', (t) => browserOffersWeAnswer(t, call, true));
  await t.test('Chromium offers, our full agent answers', (t) => browserOffersWeAnswer(t, call, false));
  await t.test('our full agent offers, Chromium answers', (t) => browserAnswersFullOffers(t, call));
});

t.test('Firefox', { skip: existsSync(FIREFOX) ? noIface : `${FIREFOX} not installed`, timeout: 180_000 }, async (t) => {
  const puppeteer = (await import('puppeteer-core')).default;
  // A fresh clone's first run has failed here inside puppeteer-core with ERR_MODULE_NOT_FOUND
  // (chromium-bidi's BidiMapper, an environment fault, not the stack's): skip with the reason.
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocolTimeout: 120_000 }).catch((e: NodeJS.ErrnoException) => {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    t.test("Firefox session", { skip: `puppeteer-core could not load a module of its own (${e.message.slice(0, 160)}); Firefox interop is also covered by npm run conformance` }, () => {});
    return undefined;
  });
  if (browser === undefined) return;
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  await page.evaluate(PAGE_SCRIPT);
  const call: Call = (method, ...args) => page.evaluate(`globalThis.__ice[${JSON.stringify(method)}](...${JSON.stringify(args)})`) as never;
  await t.test('Firefox offers, our lite agent answers', (t) => browserOffersWeAnswer(t, call, true));
  await t.test('Firefox offers, our full agent answers', (t) => browserOffersWeAnswer(t, call, false));
  await t.test('our full agent offers, Firefox answers', (t) => browserAnswersFullOffers(t, call));
});
