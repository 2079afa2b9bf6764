// Real connectivity checks captured from Chromium 156, Firefox 153, libdatachannel, werift and
// libwebrtc (../shared/fixtures/stun): our agent must accept them as bytes and answer correctly.
import { readFileSync, readdirSync } from 'node:fs';
import t from 'tap';
import { StunClass, decodeStun, shortTermKey, verifyFingerprint, verifyMessageIntegrity, type TransportAddress } from '@tsrtc/stun';
import { parseCandidate } from '@tsrtc/sdp';
import { IceAgent, IceMux } from '../src/index.js';
import { Rng } from './sim/rng.js';

const dir = new URL('../../../shared/fixtures/stun/', import.meta.url);

interface Fixture {
  credentials: Record<'browser' | 'peer', { ufrag: string; pwd: string }>;
  iceRoles: Record<'browser' | 'peer', 'controlling' | 'controlled'>;
  sdp: Record<'browser' | 'peer', { sdp: string }>;
  messages: { from: 'browser' | 'peer'; class: string; src: string; dst: string; hex: string; transactionId: string }[];
}

function addr(text: string): TransportAddress {
  const m = /^\[(.+)\]:(\d+)$/.exec(text);
  if (m) return { family: 6, address: m[1], port: Number(m[2]) };
  const i = text.lastIndexOf(':');
  return { family: 4, address: text.slice(0, i), port: Number(text.slice(i + 1)) };
}

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const other = (who: 'browser' | 'peer'): 'browser' | 'peer' => (who === 'browser' ? 'peer' : 'browser');

function candidatesOf(sdp: string) {
  return sdp
    .split('\r\n')
    .filter((l) => l.startsWith('a=candidate:'))
    .map((l) => parseCandidate(l));
}

const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
t.ok(files.length >= 7, `${files.length} fixture files`);

for (const file of files) {
  const fx = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture;
  t.test(file, async (t) => {
    const requests = fx.messages.filter((m) => m.class === 'request');
    t.ok(requests.length > 0);
    for (const m of requests) {
      // A lite agent that owns the receiver's credentials, as our server endpoint would.
      const receiver = other(m.from);
      const creds = fx.credentials[receiver];
      const src = addr(m.src);
      const dst = addr(m.dst);
      const agent = new IceAgent({ lite: true, localUfrag: creds.ufrag, localPwd: creds.pwd, random: new Rng(1).fill }, 0);
      agent.addLocalAddress(dst, 0);
      agent.setRemoteCredentials(fx.credentials[m.from].ufrag, fx.credentials[m.from].pwd);
      const request = hex(m.hex);
      agent.handlePacket(request, src, dst, 10);
      const out = agent.pollTransmit();
      t.ok(out, `${m.from} request from ${m.src} is answered`);
      if (!out) continue;
      t.same(out.to, src, 'response goes back to the source');
      t.same(out.from, dst, 'from the socket it arrived on');
      const res = decodeStun(out.data);
      t.equal(res.messageClass, StunClass.SUCCESS_RESPONSE);
      t.equal(Buffer.from(res.transactionId).toString('hex'), m.transactionId);
      t.ok(verifyMessageIntegrity(res, shortTermKey(creds.pwd)), 'MESSAGE-INTEGRITY with our (the receiver\'s) pwd');
      t.notOk(verifyMessageIntegrity(res, shortTermKey(fx.credentials[m.from].pwd)), 'not with the sender\'s pwd');
      t.ok(verifyFingerprint(res), 'FINGERPRINT');
      t.same(res.xorMappedAddress(), src, 'XOR-MAPPED-ADDRESS is the source');
      t.equal(agent.stats().checksReceived, 1);
      // The source was not signalled: it is learned as peer-reflexive, and data from it is accepted.
      const remote = agent.remoteCandidates().find((c) => c.address === src.address && c.port === src.port);
      t.equal(remote?.type, 'prflx', 'peer-reflexive candidate learned');
      t.ok(agent.isValidatedRemote(src));
      const nominated = decodeStun(request).useCandidate();
      const selected = agent.selectedPair();
      if (nominated) {
        t.same(selected?.remoteAddress, src, 'USE-CANDIDATE selects the pair');
        t.equal(agent.connectionState, 'connected');
      } else {
        t.equal(selected, undefined, 'no USE-CANDIDATE: nothing selected yet');
      }
      // The same bytes with one flipped bit fail integrity: dropped and counted, no response.
      const tampered = request.slice();
      tampered[30] ^= 1;
      agent.handlePacket(tampered, src, dst, 20);
      t.equal(agent.pollTransmit(), undefined, 'tampered request not answered');
      t.ok(agent.stats().droppedUnauthenticated + agent.stats().droppedMalformed >= 1);
    }
  });
}

t.test('mDNS browser: lite agent ignores the .local candidate and connects via prflx', async (t) => {
  for (const file of ['chromium-156.mdns.controlling.vs-libdatachannel.json', 'firefox-153.mdns.controlling.vs-libdatachannel.json']) {
    const fx = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture;
    const agent = new IceAgent({ lite: true, localUfrag: fx.credentials.peer.ufrag, localPwd: fx.credentials.peer.pwd, random: new Rng(2).fill }, 0);
    const first = fx.messages.find((m) => m.from === 'browser' && m.class === 'request')!;
    agent.addLocalAddress(addr(first.dst), 0);
    agent.setRemoteCredentials(fx.credentials.browser.ufrag, fx.credentials.browser.pwd);
    const cands = candidatesOf(fx.sdp.browser.sdp);
    t.ok(cands.some((c) => c.address.endsWith('.local')), `${file}: browser signalled a .local candidate`);
    for (const c of cands) agent.addRemoteCandidate(c, 0);
    t.equal(agent.remoteCandidates().length, 0, 'no resolver: .local names are held aside');
    for (const m of fx.messages.filter((x) => x.from === 'browser' && x.class === 'request')) agent.handlePacket(hex(m.hex), addr(m.src), addr(m.dst), 5);
    const sel = agent.selectedPair();
    t.same(sel?.remoteAddress, addr(first.src), 'selected the browser\'s real address');
    t.equal(sel?.remote.type, 'prflx');
    // DTLS from that address is now surfaced as data
    while (agent.pollEvent());
    agent.handlePacket(Uint8Array.of(22, 254, 253, 0), addr(first.src), addr(first.dst), 6);
    t.same(agent.pollEvent(), { type: 'data', data: Uint8Array.of(22, 254, 253, 0), from: addr(first.src) });
  }
});

t.test('mDNS with a resolver: the .local candidate becomes a host candidate', async (t) => {
  const fx = JSON.parse(readFileSync(new URL('chromium-156.mdns.controlling.vs-libdatachannel.json', dir), 'utf8')) as Fixture;
  const name = candidatesOf(fx.sdp.browser.sdp)[0].address;
  const agent = new IceAgent({ localUfrag: 'abcd', localPwd: 'abcdefghijklmnopqrstuvwx', random: new Rng(3).fill, mdnsResolver: (h) => (h === name ? '198.51.100.10' : undefined) }, 0);
  agent.addLocalAddress({ family: 4, address: '198.51.100.10', port: 59072 }, 0);
  agent.setRemoteCredentials(fx.credentials.browser.ufrag, fx.credentials.browser.pwd);
  t.ok(agent.addRemoteCandidate(candidatesOf(fx.sdp.browser.sdp)[0], 0));
  t.same(
    agent.remoteCandidates().map((c) => [c.type, c.address, c.port]),
    [['host', '198.51.100.10', 37805]],
  );
  // a late asynchronous resolution also works
  const late = new IceAgent({ random: new Rng(4).fill }, 0);
  t.notOk(late.addRemoteCandidate(candidatesOf(fx.sdp.browser.sdp)[0], 0));
  late.resolveRemoteHostname(name, '198.51.100.10', 1);
  t.equal(late.remoteCandidates().length, 1);
});

t.test('a full controlling agent validates a real success response (Chromium as responder)', async (t) => {
  const fx = JSON.parse(readFileSync(new URL('chromium-156.controlled.vs-libdatachannel.json', dir), 'utf8')) as Fixture;
  const request = fx.messages.find((m) => m.from === 'peer' && m.class === 'request')!;
  const response = fx.messages.find((m) => m.from === 'browser' && m.class === 'success response' && m.transactionId === request.transactionId)!;
  // Script the random source so that our first check reuses the captured transaction ID.
  const txid = hex(request.transactionId);
  const random = (out: Uint8Array): void => {
    if (out.length === 12) out.set(txid);
    else out.fill(0x11);
  };
  const agent = new IceAgent({ controlling: true, localUfrag: fx.credentials.peer.ufrag, localPwd: fx.credentials.peer.pwd, random }, 0);
  agent.addLocalAddress(addr(request.src), 0);
  agent.setRemoteCredentials(fx.credentials.browser.ufrag, fx.credentials.browser.pwd);
  agent.addRemoteCandidate({ foundation: '1', component: 1, transport: 'udp', priority: 2122260223, address: addr(request.dst).address, port: addr(request.dst).port, type: 'host' }, 0);
  agent.handleTimeout(0);
  const check = agent.pollTransmit()!;
  const msg = decodeStun(check.data);
  t.equal(msg.username(), `${fx.credentials.browser.ufrag}:${fx.credentials.peer.ufrag}`);
  t.ok(verifyMessageIntegrity(msg, shortTermKey(fx.credentials.browser.pwd)));
  t.equal(msg.iceControlling(), 0x1111111111111111n);
  agent.handlePacket(hex(response.hex), addr(response.src), addr(response.dst), 3);
  t.equal(agent.stats().responsesReceived, 1);
  t.equal(agent.stats().pairs[0].state, 'succeeded', 'the pair is valid');
  // Controlling: the best pair succeeded, so it is nominated with USE-CANDIDATE at once.
  agent.handleTimeout(3);
  const nomination = decodeStun(agent.pollTransmit()!.data);
  t.ok(nomination.useCandidate());
});

t.test('IceMux routes real browser checks by USERNAME to the right one of 100 agents', async (t) => {
  const mux = new IceMux();
  const rng = new Rng(5);
  for (let i = 0; i < 99; i++) {
    const decoy = new IceAgent({ lite: true, random: rng.fill }, 0);
    mux.addAgent(decoy);
  }
  for (const file of files) {
    const fx = JSON.parse(readFileSync(new URL(file, dir), 'utf8')) as Fixture;
    const m = fx.messages.find((x) => x.from === 'browser' && x.class === 'request');
    if (!m) continue;
    const creds = fx.credentials.peer;
    const agent = new IceAgent({ lite: true, localUfrag: creds.ufrag, localPwd: creds.pwd, random: rng.fill }, 0);
    agent.addLocalAddress(addr(m.dst), 0);
    mux.addAgent(agent);
    t.equal(mux.handlePacket(hex(m.hex), addr(m.src), addr(m.dst), 1), agent, `${file}: routed to its agent`);
    t.ok(agent.pollTransmit(), 'and answered');
    // DTLS from the same source now follows by address
    t.equal(mux.handlePacket(Uint8Array.of(22, 254, 253), addr(m.src), addr(m.dst), 2), agent, 'non-STUN follows by address');
    mux.removeAgent(agent);
  }
});
