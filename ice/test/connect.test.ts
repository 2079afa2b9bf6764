// Two full agents connecting on the simulated network: host, NATs (full cone, port-restricted,
// symmetric), relay, loss, trickle and non-trickle. Deterministic from the seeds.
import t, { type Test } from 'tap';
import type { TransportAddress } from '@tsrtc/stun';
import { IceAgent, type IceSettings } from '../src/index.js';
import { SimAgent, connected, signal } from './sim/harness.js';
import { SimNetwork, type NatType } from './sim/network.js';
import { SimTurnServer } from './sim/turn-server.js';

const v4 = (address: string, port: number): TransportAddress => ({ family: 4, address, port });

function makeAgent(net: SimNetwork, socket: TransportAddress, settings: Partial<IceSettings>): SimAgent {
  const agent = new IceAgent({ random: net.rng.fill, ...settings }, net.now);
  return new SimAgent(net, agent, [socket]);
}

function exchangeData(t: Test, net: SimNetwork, a: SimAgent, b: SimAgent): void {
  t.ok(a.agent.send(new TextEncoder().encode('hello from a'), net.now), 'a has a selected pair to send on');
  t.ok(b.agent.send(new TextEncoder().encode('hello from b'), net.now), 'b has a selected pair to send on');
  a.drain(net.now);
  b.drain(net.now);
  net.run(net.now + 1000);
  t.same(b.received.map((d) => new TextDecoder().decode(d)), ['hello from a']);
  t.same(a.received.map((d) => new TextDecoder().decode(d)), ['hello from b']);
}

t.test('two agents on one LAN connect over host candidates', async (t) => {
  const net = new SimNetwork(1);
  const a = makeAgent(net, v4('10.0.0.1', 5000), { controlling: true });
  const b = makeAgent(net, v4('10.0.0.2', 6000), { controlling: false });
  signal(a, b);
  a.start();
  b.start();
  net.run(10_000, connected(a, b));
  t.match(a.state, /^(connected|completed)$/);
  t.match(b.state, /^(connected|completed)$/);
  t.ok(net.now < 500, `connected after ${net.now} ms of virtual time`);
  const sel = a.agent.selectedPair()!;
  t.equal(sel.local.type, 'host');
  t.equal(sel.remote.address, '10.0.0.2');
  t.same(a.states().slice(0, 2), ['checking', 'connected']);
  t.ok(b.events.some((e) => e.type === 'selected-pair'), 'controlled side reports its selected pair');
  exchangeData(t, net, a, b);
  // after end-of-candidates both ways and all checks done, the controlling side completes
  net.run(net.now + 3000);
  t.equal(a.state, 'completed');
});

t.test('non-trickle: gather, then one description each', async (t) => {
  const net = new SimNetwork(2);
  const a = makeAgent(net, v4('10.0.0.1', 5000), { controlling: true });
  const b = makeAgent(net, v4('10.0.0.2', 6000), { controlling: false });
  signal(a, b, { trickle: false });
  a.start();
  b.start();
  net.run(10_000, connected(a, b));
  t.match(a.state, /^(connected|completed)$/);
  t.match(b.state, /^(connected|completed)$/);
});

interface NatCase {
  a: NatType;
  b: NatType;
  expect: 'srflx' | 'relay' | 'fail';
}

function natScenario(seed: number, c: NatCase, opts: { turn: boolean; loss?: number; extra?: Partial<IceSettings> }) {
  const net = new SimNetwork(seed);
  const stun = new SimTurnServer(net, v4('192.0.2.1', 3478), { alice: 'alice-pass' });
  net.addNat(c.a, '203.0.113.1', ['10.0.0.1']);
  net.addNat(c.b, '203.0.113.2', ['10.1.0.1']);
  const servers: Partial<IceSettings> = {
    stunServers: [stun.address],
    turnServers: opts.turn ? [{ address: stun.address, username: 'alice', password: 'alice-pass', transport: 'udp' }] : [],
  };
  const a = makeAgent(net, v4('10.0.0.1', 5000), { controlling: true, ...servers, ...opts.extra });
  const b = makeAgent(net, v4('10.1.0.1', 6000), { controlling: false, ...servers });
  signal(a, b);
  if (opts.loss) net.conditions.loss = opts.loss;
  a.start();
  b.start();
  return { net, a, b, stun };
}

const cases: NatCase[] = [
  { a: 'full-cone', b: 'full-cone', expect: 'srflx' },
  { a: 'port-restricted', b: 'port-restricted', expect: 'srflx' },
  { a: 'full-cone', b: 'symmetric', expect: 'srflx' },
  { a: 'port-restricted', b: 'symmetric', expect: 'relay' },
  { a: 'symmetric', b: 'symmetric', expect: 'relay' },
];

for (const c of cases) {
  t.test(`NAT ${c.a} <-> ${c.b}: connects via ${c.expect}`, async (t) => {
    const { net, a, b } = natScenario(10, c, { turn: true });
    net.run(30_000, connected(a, b));
    t.match(a.state, /^(connected|completed)$/, 'controlling side connected');
    t.match(b.state, /^(connected|completed)$/, 'controlled side connected');
    const types = [a.agent.selectedPair()!.local.type, a.agent.selectedPair()!.remote.type, b.agent.selectedPair()!.local.type, b.agent.selectedPair()!.remote.type];
    if (c.expect === 'relay') t.ok(types.includes('relay'), `selected pair uses a relay: ${types}`);
    else t.notOk(types.every((x) => x === 'relay'), `selected pair is not relay-only: ${types}`);
    exchangeData(t, net, a, b);
  });
}

t.test('symmetric <-> symmetric without TURN fails (all pairs fail, end-of-candidates both ways)', async (t) => {
  const { net, a, b } = natScenario(11, { a: 'symmetric', b: 'symmetric', expect: 'fail' }, { turn: false });
  net.run(60_000, () => a.state === 'failed' && b.state === 'failed');
  t.equal(a.state, 'failed');
  t.equal(b.state, 'failed');
  t.equal(a.agent.selectedPair(), undefined);
});

t.test('port-restricted <-> symmetric without TURN fails', async (t) => {
  const { net, a, b } = natScenario(12, { a: 'port-restricted', b: 'symmetric', expect: 'fail' }, { turn: false });
  net.run(60_000, () => a.state === 'failed' && b.state === 'failed');
  t.equal(a.state, 'failed');
  t.equal(b.state, 'failed');
});

t.test('relay-only policy uses relayed candidates even when a direct path exists', async (t) => {
  const net = new SimNetwork(13);
  const turn = new SimTurnServer(net, v4('192.0.2.1', 3478), { alice: 'alice-pass' });
  const turnServers = [{ address: turn.address, username: 'alice', password: 'alice-pass', transport: 'udp' as const }];
  const a = makeAgent(net, v4('198.51.100.1', 5000), { controlling: true, turnServers, iceTransportPolicy: 'relay' });
  const b = makeAgent(net, v4('198.51.100.2', 6000), { controlling: false, turnServers, iceTransportPolicy: 'relay' });
  signal(a, b);
  a.start();
  b.start();
  net.run(30_000, connected(a, b));
  t.match(a.state, /^(connected|completed)$/);
  t.ok(a.candidates().every((c) => c.type === 'relay'), 'only relay candidates are signalled');
  t.equal(a.agent.selectedPair()!.local.type, 'relay');
  t.equal(b.agent.selectedPair()!.local.type, 'relay');
  exchangeData(t, net, a, b);
});

for (const seed of [21, 22, 23, 24, 25]) {
  t.test(`30% loss during checks still connects (seed ${seed})`, async (t) => {
    const { net, a, b } = natScenario(seed, { a: 'port-restricted', b: 'full-cone', expect: 'srflx' }, { turn: false, loss: 0.3 });
    net.run(60_000, connected(a, b));
    t.match(a.state, /^(connected|completed)$/);
    t.match(b.state, /^(connected|completed)$/);
    t.ok(net.dropped > 0, `the network dropped ${net.dropped} packets`);
  });
}

t.test('dual stack: IPv4 and IPv6 host candidates pair within their family only', async (t) => {
  const net = new SimNetwork(30);
  const v6 = (address: string, port: number): TransportAddress => ({ family: 6, address, port });
  const a = new SimAgent(net, new IceAgent({ controlling: true, random: net.rng.fill }, 0), [v6('2001:db8::1', 5000), v4('198.51.100.1', 5000)]);
  const b = new SimAgent(net, new IceAgent({ random: net.rng.fill }, 0), [v6('2001:db8::2', 6000), v4('198.51.100.2', 6000)]);
  signal(a, b);
  a.start();
  b.start();
  net.run(10_000, connected(a, b));
  t.match(a.state, /^(connected|completed)$/);
  const pairs = a.agent.stats().pairs;
  t.equal(pairs.length, 2, 'two pairs, not four');
  t.ok(pairs.every((p) => p.local.includes('::') === p.remote.includes('::')), 'same family in each pair');
  t.equal(a.agent.selectedPair()!.remoteAddress.address, '2001:db8::2', 'the first-registered (IPv6) socket is preferred');
  const prios = a.candidates().map((c) => c.priority);
  t.ok(prios[0] > prios[1], 'local preference follows registration order');
  exchangeData(t, net, a, b);
});

t.test('a TURN server refusing our credentials: gathering completes without a relay, host still connects', async (t) => {
  const net = new SimNetwork(31);
  const turn = new SimTurnServer(net, v4('192.0.2.1', 3478), { alice: 'alice-pass' });
  const turnServers = [{ address: turn.address, username: 'alice', password: 'wrong', transport: 'udp' as const }];
  const a = makeAgent(net, v4('198.51.100.1', 5000), { controlling: true, turnServers });
  const b = makeAgent(net, v4('198.51.100.2', 6000), {});
  signal(a, b);
  a.start();
  b.start();
  // connected on the first valid host pair (RFC 8445 §12.1), possibly before the refusal ends gathering
  net.run(10_000, () => connected(a, b)() && a.agent.gatheringState === 'complete');
  t.match(a.state, /^(connected|completed)$/);
  t.equal(a.agent.gatheringState, 'complete');
  t.equal(a.agent.stats().turnFailures, 1);
  t.notOk(a.candidates().some((c) => c.type === 'relay'));
});

t.test('the simulation is deterministic: same seed, same run; another seed, another run', async (t) => {
  const trace = (seed: number) => {
    const { net, a, b } = natScenario(seed, { a: 'port-restricted', b: 'symmetric', expect: 'relay' }, { turn: true, loss: 0.1 });
    net.run(30_000, connected(a, b));
    return JSON.stringify({ now: net.now, delivered: net.delivered, dropped: net.dropped, a: a.timeline, b: b.timeline, ufrag: a.agent.localUfrag, sel: a.agent.selectedPair() });
  };
  const first = trace(77);
  t.equal(trace(77), first);
  t.not(trace(78), first);
});

t.test('data flows on the first valid pair; aggressive nomination saves the nomination round trip', async (t) => {
  const nominatedBoth = (a: SimAgent, b: SimAgent) => () =>
    [a, b].every((x) => x.agent.stats().pairs.some((p) => p.nominated && p.state === 'succeeded'));
  const connectAt = (nomination: 'regular' | 'aggressive') => {
    const net = new SimNetwork(50);
    const a = makeAgent(net, v4('198.51.100.1', 5000), { controlling: true, nomination });
    const b = makeAgent(net, v4('198.51.100.2', 6000), {});
    signal(a, b);
    a.start();
    b.start();
    net.run(10_000, connected(a, b));
    t.match(a.state, /^(connected|completed)$/, `${nomination}: connected`);
    t.match(b.state, /^(connected|completed)$/);
    t.same(a.agent.selectedPair()?.remoteAddress, b.sockets[0]);
    const connectedAt = net.now;
    if (nomination === 'regular') t.notOk(nominatedBoth(a, b)(), 'regular: connected before the nomination round trip');
    net.run(10_000, nominatedBoth(a, b));
    t.same(a.agent.selectedPair()?.remoteAddress, b.sockets[0], `${nomination}: the nominated pair is the one carrying data`);
    return { connectedAt, nominatedAt: net.now };
  };
  const regular = connectAt('regular');
  const aggressive = connectAt('aggressive');
  // RFC 8445 §12.1: data may flow on a valid pair before nomination, so both connect in one round trip
  t.equal(regular.connectedAt, aggressive.connectedAt, `connected after ${regular.connectedAt} ms of virtual time either way`);
  t.ok(aggressive.nominatedAt < regular.nominatedAt, `nominated: aggressive ${aggressive.nominatedAt} ms < regular ${regular.nominatedAt} ms`);
});

for (const c of [cases[1], cases[3], cases[4]]) {
  t.test(`aggressive nomination, NAT ${c.a} <-> ${c.b}: ends on a working pair`, async (t) => {
    const { net, a, b } = natScenario(52, c, { turn: true, extra: { nomination: 'aggressive' } });
    net.run(30_000, connected(a, b));
    net.run(net.now + 10_000); // let later, better pairs replace the first nominated one
    t.match(a.state, /^(connected|completed)$/);
    t.match(b.state, /^(connected|completed)$/);
    exchangeData(t, net, a, b);
  });
}
