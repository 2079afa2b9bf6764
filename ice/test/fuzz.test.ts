// Hostile input: ≥ 100,000 fuzzed datagrams per run into a connected full agent (with a TURN
// allocation), a lite agent and the mux. Nothing may escape as an exception; junk is counted.
import t from 'tap';
import fc from 'fast-check';
import { StunAttr, StunClass, StunMethod, StunWriter, shortTermKey, type TransportAddress } from '@tsrtc/stun';
import { IceAgent, IceMux } from '../src/index.js';
import { SimAgent, connected, signal } from './sim/harness.js';
import { SimNetwork } from './sim/network.js';
import { SimTurnServer } from './sim/turn-server.js';

const v4 = (address: string, port: number): TransportAddress => ({ family: 4, address, port });
const TYPES = Object.values(StunAttr);
const METHODS = [StunMethod.BINDING, StunMethod.ALLOCATE, StunMethod.DATA, StunMethod.SEND, StunMethod.CHANNEL_BIND, 0x0abc];
const CLASSES = [StunClass.REQUEST, StunClass.INDICATION, StunClass.SUCCESS_RESPONSE, StunClass.ERROR_RESPONSE];
const writer = new StunWriter(2048);

/** A STUN message with random attributes, optionally carrying a valid MESSAGE-INTEGRITY. */
function structured(
  method: number,
  cls: number,
  tid: Uint8Array,
  attrs: { type: number; value: Uint8Array }[],
  username: string | undefined,
  key: Uint8Array | undefined,
  fingerprint: boolean,
): Uint8Array {
  const w = writer.begin(method, cls, tid);
  if (username !== undefined) w.username(username);
  for (const a of attrs) w.attribute(a.type, a.value);
  return w.finish({ integrityKey: key, fingerprint });
}

function setupConnected() {
  const net = new SimNetwork(99);
  const turn = new SimTurnServer(net, v4('192.0.2.1', 3478), { u: 'p' });
  const turnServers = [{ address: turn.address, username: 'u', password: 'p', transport: 'udp' as const }];
  const a = new SimAgent(net, new IceAgent({ controlling: true, random: net.rng.fill, turnServers }, 0), [v4('198.51.100.1', 5000)]);
  const b = new SimAgent(net, new IceAgent({ random: net.rng.fill, turnServers }, 0), [v4('198.51.100.2', 6000)]);
  signal(a, b);
  a.start();
  b.start();
  net.run(10_000, connected(a, b));
  return { net, a, b, turn };
}

function datagram(ufrag: string, key: Uint8Array, remoteUfrag = 'x') {
  const attr = fc.record({ type: fc.oneof(fc.constantFrom(...TYPES), fc.integer({ min: 0, max: 0xffff })), value: fc.uint8Array({ maxLength: 40 }) });
  return fc.oneof(
    // raw bytes, with a STUN-like or ChannelData-like first byte half of the time
    fc.tuple(fc.constantFrom(0, 1, 0x40, 0x17, 0x80, 0xff), fc.uint8Array({ maxLength: 120 })).map(([b0, rest]) => Uint8Array.of(b0, ...rest)),
    // well-formed STUN with random attributes, sometimes authenticated with the right key
    fc
      .record({
        method: fc.constantFrom(...METHODS),
        cls: fc.constantFrom(...CLASSES),
        tid: fc.uint8Array({ minLength: 12, maxLength: 12 }),
        attrs: fc.array(attr, { maxLength: 5 }),
        auth: fc.boolean(),
        user: fc.constantFrom(`${ufrag}:${remoteUfrag}`, `${ufrag}:${remoteUfrag}`, ufrag, ':', 'nobody:x', undefined),
        fp: fc.boolean(),
      })
      .map((m) => structured(m.method, m.cls, m.tid, m.attrs, m.user, m.auth ? key : undefined, m.fp)),
    // a valid-looking message, then corrupted: truncated or with bytes flipped
    fc
      .record({ tid: fc.uint8Array({ minLength: 12, maxLength: 12 }), cut: fc.nat(100), flips: fc.array(fc.tuple(fc.nat(100), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }) })
      .map(({ tid, cut, flips }) => {
        const m = structured(StunMethod.BINDING, StunClass.REQUEST, tid, [{ type: StunAttr.PRIORITY, value: Uint8Array.of(1, 2, 3, 4) }], `${ufrag}:${remoteUfrag}`, key, true);
        for (const [at, x] of flips) m[at % m.length] ^= x;
        return cut % 3 === 0 ? m.subarray(0, cut % m.length) : m;
      }),
  );
}

const RUNS = 35_000;

t.test(`connected full agent with TURN: ${RUNS} fuzzed datagrams from peer, TURN server and strangers`, async (t) => {
  const { net, a, b, turn } = setupConnected();
  t.ok(a.state === 'connected' || a.state === 'completed');
  const agent = a.agent;
  const key = shortTermKey(agent.localPwd);
  const sources = [b.sockets[0], turn.address, v4('203.0.113.5', 9), { family: 6 as const, address: '2001:db8::1', port: 1 }];
  let now = net.now;
  fc.assert(
    fc.property(datagram(agent.localUfrag, key, b.agent.localUfrag), fc.nat(3), (bytes, s) => {
      now += 1;
      agent.handlePacket(bytes, sources[s], a.sockets[0], now);
      if (now % 50 === 0) agent.handleTimeout(now);
      while (agent.pollTransmit());
      while (agent.pollEvent());
    }),
    { numRuns: RUNS, seed: 42 },
  );
  const st = agent.stats();
  t.ok(st.droppedMalformed + st.droppedUnauthenticated + st.droppedUnknownSource + st.droppedUnknownTransaction > RUNS / 4, 'junk was dropped and counted');
  t.ok(st.checksReceived > 100, `${st.checksReceived} fuzzed checks passed authentication and were processed`);
  t.ok(agent.remoteCandidates().length <= 64, 'remote candidates stay under the cap');
});

t.test(`lite agent: ${RUNS} fuzzed datagrams`, async (t) => {
  const lite = new IceAgent({ lite: true, random: (o) => o.fill(3), maxRemoteCandidates: 8 }, 0);
  const local = v4('192.0.2.10', 443);
  lite.addLocalAddress(local, 0);
  const key = shortTermKey(lite.localPwd);
  let now = 0;
  fc.assert(
    fc.property(datagram(lite.localUfrag, key), fc.nat(0xffff), (bytes, port) => {
      now += 1;
      lite.handlePacket(bytes, v4('198.51.100.9', port), local, now);
      if (now % 100 === 0) lite.handleTimeout(now);
      while (lite.pollTransmit());
      while (lite.pollEvent());
    }),
    { numRuns: RUNS, seed: 43 },
  );
  t.ok(lite.remoteCandidates().length <= 8, `prflx learning is capped (${lite.remoteCandidates().length})`);
});

t.test(`mux: ${RUNS} fuzzed datagrams`, async (t) => {
  const mux = new IceMux({ maxAddresses: 100 });
  // two lite agents and a full one (which the mux tags for transaction-ID routing)
  const agents = [0, 1, 2].map((i) => new IceAgent({ lite: i < 2, random: (o) => o.fill(10 + i) }, 0));
  for (const ag of agents) {
    ag.addLocalAddress(v4('192.0.2.10', 443), 0);
    mux.addAgent(ag);
  }
  const key = shortTermKey(agents[0].localPwd);
  let routed = 0;
  fc.assert(
    fc.property(datagram(agents[0].localUfrag, key), fc.nat(0xffff), (bytes, port) => {
      if (port % 3 === 0 && bytes.length >= 20) bytes.set([0, 0, 0, 1], 8); // the full agent's tag
      if (mux.handlePacket(bytes, v4('198.51.100.9', port), v4('192.0.2.10', 443), port)) routed++;
      for (const ag of agents) while (ag.pollTransmit() || ag.pollEvent());
    }),
    { numRuns: RUNS, seed: 44 },
  );
  const st = mux.stats();
  t.ok(st.addresses <= 100, `address table capped (${st.addresses})`);
  t.ok(st.droppedUnknownSource + st.droppedUnknownUfrag + st.droppedMalformed > 0);
  t.ok(routed > 0, `${routed} datagrams reached an agent`);
  t.ok(st.routedByTransaction > 0, `${st.routedByTransaction} routed by transaction tag`);
});

t.test('TURN over TCP: 5,000 fuzzed streams (frames split and merged, garbage) into handleTcpData', async (t) => {
  const server = v4('192.0.2.1', 3478);
  const socket = v4('198.51.100.1', 5000);
  const key = shortTermKey('x'.repeat(22));
  const chunk = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    datagram('abcd', key).map((d) => {
      const out = new Uint8Array((d.length + 3) & ~3);
      out.set(d);
      return out;
    }),
  );
  let failed = 0;
  fc.assert(
    fc.property(fc.array(chunk, { maxLength: 8 }), fc.nat(16), (chunks, split) => {
      const agent = new IceAgent({ random: (o) => o.fill(7), turnServers: [{ address: server, username: 'u', password: 'p', transport: 'tcp' }] }, 0);
      agent.addLocalAddress(socket, 0);
      const stream = Buffer.concat(chunks);
      for (let at = 0; at < stream.length; at += split + 1) agent.handleTcpData(stream.subarray(at, at + split + 1), server, socket, 1);
      agent.handleTcpClosed(server, socket, 2);
      agent.handleTimeout(20_000);
      if (agent.gatheringState === 'complete') failed++;
      while (agent.pollTransmit() || agent.pollEvent());
    }),
    { numRuns: 5000, seed: 45 },
  );
  t.equal(failed, 5000, 'every allocation ended (closed connection) and gathering completed');
});
