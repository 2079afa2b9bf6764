// What browsers expect: headless Chromium and Firefox take our offers and answers
// (setRemoteDescription succeeds), their offers and answers parse and round-trip, and they
// accept candidates written by writeCandidate. Skipped when a browser is not installed.
import { existsSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import t, { type Test } from 'tap';
import {
  buildDataChannelAnswer,
  buildDataChannelOffer,
  dataChannelParameters,
  parseCandidate,
  parseSdp,
  writeCandidate,
  writeSdp,
  type DataChannelDescriptionOptions,
} from '@tsrtc/sdp';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const FIREFOX = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';

/** Installed in the page as plain JavaScript (no transpiler helpers inside page functions). */
const PAGE_SCRIPT = `globalThis.__sdp = {
  pcs: [],
  async offer(av) {
    const pc = new RTCPeerConnection();
    this.pcs.push(pc);
    if (av) { pc.addTransceiver('audio'); pc.addTransceiver('video'); }
    pc.createDataChannel('x');
    await pc.setLocalDescription(await pc.createOffer());
    return { id: this.pcs.length - 1, sdp: pc.localDescription.sdp };
  },
  async accept(id, sdp) {
    const pc = this.pcs[id];
    await pc.setRemoteDescription({ type: 'answer', sdp });
    return pc.signalingState;
  },
  async answer(sdp) {
    const pc = new RTCPeerConnection();
    this.pcs.push(pc);
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    return { id: this.pcs.length - 1, sdp: pc.localDescription.sdp };
  },
  async addCandidate(id, candidate, sdpMid) {
    await this.pcs[id].addIceCandidate({ candidate, sdpMid });
    return true;
  },
};`;

type Call = <T>(method: string, ...args: unknown[]) => Promise<T>;

const local: DataChannelDescriptionOptions = {
  ufrag: 'tsrt',
  pwd: 'c3RjLXRlc3QtcGFzc3dvcmQx',
  fingerprints: [{ algorithm: 'sha-256', value: '6B:20:4A:33:8E:48:F9:CC:24:D1:B2:5B:28:51:B4:93:FD:B1:3A:89:F0:27:2F:5C:E2:F0:C2:69:94:F1:B7:0B' }],
  random: randomFillSync,
};

const candidates = [
  'candidate:1793800266 1 udp 2113937151 98533546-a9a0-4078-a0d1-9853ea3800ee.local 37805 typ host generation 0 network-cost 999',
  'candidate:842163049 1 udp 1677729535 203.0.113.54 37805 typ srflx raddr 198.51.100.10 rport 37805 generation 0 network-cost 999',
  'candidate:3930474762 1 tcp 1518280447 198.51.100.10 9 typ host tcptype passive generation 0',
  'candidate:1 1 UDP 2114977791 198.51.100.10 52112 typ host',
];

async function exercise(t: Test, call: Call): Promise<void> {
  // 1. The browser's offer: parses, round-trips, and takes our answer.
  const offer = await call<{ id: number; sdp: string }>('offer', false);
  const parsed = parseSdp(offer.sdp);
  t.equal(writeSdp(parsed), offer.sdp, 'browser offer round-trips byte for byte');
  const remote = dataChannelParameters(parsed);
  t.equal(remote.setup, 'actpass');
  t.ok(remote.fingerprints.length > 0 && remote.ufrag.length >= 4);
  const answer = writeSdp(buildDataChannelAnswer({ ...local, offer: parsed }));
  t.equal(await call('accept', offer.id, answer), 'stable', 'browser accepts our answer');
  // Our candidate strings, trickled into that session.
  for (const c of candidates) t.equal(await call('addCandidate', offer.id, writeCandidate(parseCandidate(c)), remote.mid), true, `addIceCandidate ${c.slice(0, 40)}…`);

  // 2. An ICE-lite server answer with its candidate and end-of-candidates.
  const offer2 = await call<{ id: number; sdp: string }>('offer', false);
  const lite = buildDataChannelAnswer({
    ...local,
    offer: parseSdp(offer2.sdp),
    iceLite: true,
    candidates: [parseCandidate('candidate:1 1 udp 2130706431 127.0.0.1 3478 typ host')],
    endOfCandidates: true,
  });
  t.equal(await call('accept', offer2.id, writeSdp(lite)), 'stable', 'browser accepts an ICE-lite answer');

  // 3. Our offer: the browser answers it; its answer parses and round-trips.
  const ours = writeSdp(buildDataChannelOffer({ ...local, candidates: [parseCandidate(candidates[3])], endOfCandidates: true }));
  const theirs = await call<{ id: number; sdp: string }>('answer', ours);
  const answerDesc = parseSdp(theirs.sdp);
  t.equal(writeSdp(answerDesc), theirs.sdp, 'browser answer round-trips byte for byte');
  const p = dataChannelParameters(answerDesc);
  t.equal(p.setup, 'active', 'browser answers actpass with active');
  t.equal(p.mid, '0');
  t.equal(p.sctpPort, 5000);

  // 4. An audio + video + data offer: our answer rejects audio and video, the browser takes it.
  const av = await call<{ id: number; sdp: string }>('offer', true);
  const avDesc = parseSdp(av.sdp);
  t.strictSame(avDesc.media.map((m) => m.kind), ['audio', 'video', 'application']);
  const avAnswer = buildDataChannelAnswer({ ...local, offer: avDesc });
  t.strictSame(avAnswer.media.map((m) => m.port), [0, 0, 9]);
  t.equal(await call('accept', av.id, writeSdp(avAnswer)), 'stable', 'browser accepts rejected audio/video sections');
}

t.test('Chromium', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed`, timeout: 120_000 }, async (t) => {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic'], headless: true, timeout: 60_000 });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  await page.evaluate(PAGE_SCRIPT);
  const call: Call = (method, ...args) => page.evaluate(`globalThis.__sdp[${JSON.stringify(method)}](...${JSON.stringify(args)})`);
  await exercise(t, call);
});

t.test('Firefox', { skip: existsSync(FIREFOX) ? false : `${FIREFOX} not installed`, timeout: 180_000 }, async (t) => {
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
  const call: Call = (method, ...args) => page.evaluate(`globalThis.__sdp[${JSON.stringify(method)}](...${JSON.stringify(args)})`) as never;
  await exercise(t, call);
});
