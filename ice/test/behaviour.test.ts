// Role conflict, ICE restart, consent freshness and keepalives on the virtual clock.
import t from 'tap';
import { decodeStun, shortTermKey, StunClass, StunMethod, StunWriter, type TransportAddress } from '@tsrtc/stun';
import { IceAgent, type IceSettings } from '../src/index.js';
import { SimAgent, connected, signal } from './sim/harness.js';
import { SimNetwork } from './sim/network.js';
import { SimTurnServer } from './sim/turn-server.js';

const v4 = (address: string, port: number): TransportAddress => ({ family: 4, address, port });
const isUp = (s: string): boolean => s === 'connected' || s === 'completed';

function pair(seed: number, sa: Partial<IceSettings>, sb: Partial<IceSettings>) {
  const net = new SimNetwork(seed);
  const a = new SimAgent(net, new IceAgent({ random: net.rng.fill, ...sa }, 0), [v4('198.51.100.1', 5000)]);
  const b = new SimAgent(net, new IceAgent({ random: net.rng.fill, ...sb }, 0), [v4('198.51.100.2', 6000)]);
  signal(a, b);
  a.start();
  b.start();
  return { net, a, b };
}

for (const [label, role] of [
  ['both controlling', true],
  ['both controlled', false],
] as const) {
  for (const seed of [1, 2, 3]) {
    t.test(`role conflict (${label}, seed ${seed}) resolves by tie-breaker (RFC 8445 §7.3.1.1)`, async (t) => {
      const { net, a, b } = pair(seed, { controlling: role }, { controlling: role });
      net.run(10_000, connected(a, b));
      t.ok(isUp(a.state) && isUp(b.state), 'both connected');
      t.not(a.agent.role, b.agent.role, 'roles differ after the conflict');
      const winner = a.agent.tieBreaker > b.agent.tieBreaker ? a : b;
      t.equal(winner.agent.role, 'controlling', 'the larger tie-breaker controls');
      t.ok(a.agent.stats().roleConflicts + b.agent.stats().roleConflicts >= 1, 'conflict counted');
      t.ok([...a.events, ...b.events].some((e) => e.type === 'role'), 'role change event');
      t.same(a.agent.selectedPair()?.remoteAddress, b.sockets[0]);
    });
  }
}

t.test('ICE restart: new credentials, data keeps flowing, then a new selected pair', async (t) => {
  const { net, a, b } = pair(4, { controlling: true }, {});
  net.run(10_000, connected(a, b));
  t.ok(isUp(a.state) && isUp(b.state));
  const oldUfrag = a.agent.localUfrag;
  const selectedBefore = a.events.filter((e) => e.type === 'selected-pair').length;
  a.agent.restart(net.now);
  b.agent.restart(net.now);
  t.not(a.agent.localUfrag, oldUfrag, 'new ufrag');
  // The layers above keep sending over the old pair while the new checks run.
  t.ok(a.agent.send(Uint8Array.of(23, 1), net.now), 'send still works mid-restart');
  a.agent.setRemoteCredentials(b.agent.localUfrag, b.agent.localPwd, net.now);
  b.agent.setRemoteCredentials(a.agent.localUfrag, a.agent.localPwd, net.now);
  a.drain(net.now);
  b.drain(net.now);
  net.run(net.now + 10_000, () => a.events.filter((e) => e.type === 'selected-pair').length > selectedBefore && isUp(b.state));
  t.same(b.received.map((d) => [...d]), [[23, 1]], 'data sent during the restart arrived');
  t.ok(a.events.filter((e) => e.type === 'selected-pair').length > selectedBefore, 'new selected-pair after restart');
  t.ok(isUp(a.state) && isUp(b.state));
  t.notOk(a.timeline.some((x) => x.state === 'failed' || x.state === 'closed'), 'never failed');
  const candidatesAfter = a.events.filter((e) => e.type === 'candidate' && e.candidate.ufrag === a.agent.localUfrag);
  t.equal(candidatesAfter.length, 1, 'host candidate re-announced with the new ufrag');
  // old credentials are refused now
  t.ok(a.agent.send(Uint8Array.of(23, 2), net.now));
  a.drain(net.now);
  net.run(net.now + 100);
  t.same(b.received.at(-1), Uint8Array.of(23, 2));
});

t.test('consent freshness (RFC 7675): a check every 4-6 s, disconnected within 8 s of a cut, back on recovery, failed after 30 s', async (t) => {
  const { net, a, b } = pair(5, { controlling: true }, {});
  net.run(10_000, connected(a, b));
  net.run(net.now + 20_000); // steady consent for a while
  t.ok(isUp(a.state) && isUp(b.state), 'consent checks keep the pair alive');
  const checks = a.agent.stats().checksSent;
  net.run(net.now + 60_000);
  const consent = a.agent.stats().checksSent - checks;
  t.ok(consent >= 10 && consent <= 15, `60 s of consent: one check every 4-6 s, none retransmitted (${consent} checks)`);
  // Cut the path.
  const cut = net.now;
  net.conditions.loss = 1;
  net.run(cut + 10_000);
  const down = a.timeline.find((x) => x.at > cut && x.state === 'disconnected');
  t.ok(down, 'disconnected');
  // the last response came < 6 s before the cut; disconnected 1.2 × 5 s + 2 × 1 s after it
  t.ok(down!.at - cut <= 8_000 && down!.at - cut >= 2_000, `disconnected ${down!.at - cut} ms after the cut`);
  t.equal(b.state, 'disconnected');
  // Heal: the next consent response restores 'connected'.
  net.conditions.loss = 0;
  net.run(net.now + 2_000); // re-probes every ~1 s while unanswered
  t.ok(isUp(a.state), `a recovered (${a.state})`);
  t.ok(isUp(b.state), `b recovered (${b.state})`);
  // Cut for good.
  const cut2 = net.now;
  net.conditions.loss = 1;
  net.run(cut2 + 40_000);
  const failed = a.timeline.find((x) => x.at > cut2 && x.state === 'failed');
  t.ok(failed, 'failed');
  t.ok(failed!.at - cut2 <= 30_000 && failed!.at - cut2 >= 24_000, `failed ${failed!.at - cut2} ms after the cut`);
  t.notOk(a.agent.send(Uint8Array.of(23), net.now), 'no data once consent expired');
  t.equal(a.agent.nextDeadline(), undefined, 'nothing more to do');
});

t.test('lite agent: disconnected when the peer stops checking; keepalive indications', async (t) => {
  const net = new SimNetwork(6);
  const lite = new IceAgent({ lite: true, random: net.rng.fill }, 0);
  const peer = new IceAgent({ controlling: true, random: net.rng.fill, consentInterval: 2000 }, 0);
  const server = new SimAgent(net, lite, [v4('192.0.2.1', 443)]);
  const client = new SimAgent(net, peer, [v4('198.51.100.7', 5000)]);
  signal(server, client);
  server.start();
  client.start();
  net.run(10_000, connected(server, client));
  t.equal(lite.connectionState, 'connected');
  t.equal(lite.role, 'controlled');
  t.equal(lite.localCandidates().length, 1);
  // The browser goes silent (its process froze): no more checks; record what reaches it.
  const sent: Uint8Array[] = [];
  net.bind(v4('198.51.100.7', 5000), (d) => sent.push(d));
  const quiet = net.now;
  client.agent.close(net.now);
  net.run(quiet + 20_000);
  const down = server.timeline.find((x) => x.state === 'disconnected');
  t.ok(down && down.at - quiet >= 10_000 && down.at - quiet <= 12_100, `lite disconnected ${down && down.at - quiet} ms after the last check`);
  const indications = sent.filter((d) => decodeStun(d).messageClass === StunClass.INDICATION).length;
  t.equal(indications, 1, 'one Binding indication keepalive in 20 s (RFC 8445 §11, every 15 s)');
  net.run(net.now + 20_000);
  t.equal(lite.connectionState, 'failed');
});

t.test('lite agent never sends checks and ignores remote candidates for checking', async (t) => {
  const lite = new IceAgent({ lite: true, controlling: true, random: () => {} }, 0);
  t.equal(lite.role, 'controlled', 'lite is always controlled');
  lite.addLocalAddress(v4('192.0.2.1', 443), 0);
  lite.setRemoteCredentials('abcd', 'abcdefghijklmnopqrstuvwxyz');
  lite.addRemoteCandidate({ foundation: '1', component: 1, transport: 'udp', priority: 1, address: '198.51.100.1', port: 1, type: 'host' }, 0);
  for (let now = 0; now < 5000; now += 10) lite.handleTimeout(now);
  let sent = 0;
  while (lite.pollTransmit()) sent++;
  t.equal(sent, 0);
});

t.test('API misuse throws IceError', async (t) => {
  t.throws(() => new IceAgent({} as IceSettings, 0), { name: 'IceError', code: 'bad-settings' });
  t.throws(() => new IceAgent({ random: () => {}, localUfrag: 'a b' }, 0), { code: 'bad-credentials' });
  const agent = new IceAgent({ random: (o) => o.fill(65) }, 0);
  t.throws(() => agent.setRemoteCredentials('ab', 'short'), { code: 'bad-credentials' });
  agent.close(0);
  t.throws(() => agent.addLocalAddress(v4('1.2.3.4', 5), 0), { code: 'closed' });
  t.equal(agent.connectionState, 'closed');
});

t.test('lite: a later nomination of a better pair changes the selected pair', async (t) => {
  const lite = new IceAgent({ lite: true, random: (o) => o.fill(9) }, 0);
  const local = v4('192.0.2.1', 443);
  lite.addLocalAddress(local, 0);
  const writer = new StunWriter();
  const key = shortTermKey(lite.localPwd);
  const check = (port: number, priority: number, id: number) =>
    writer
      .begin(StunMethod.BINDING, StunClass.REQUEST, new Uint8Array(12).fill(id))
      .username(`${lite.localUfrag}:peer`)
      .priority(priority)
      .iceControlling(1n)
      .useCandidate()
      .finish({ integrityKey: key, fingerprint: true });
  lite.handlePacket(check(1111, 100, 1), v4('198.51.100.1', 1111), local, 1);
  lite.handlePacket(check(2222, 50, 2), v4('198.51.100.1', 2222), local, 2);
  t.equal(lite.selectedPair()!.remoteAddress.port, 1111, 'the lower-priority nomination does not displace a better one');
  lite.handlePacket(check(3333, 5000, 3), v4('198.51.100.1', 3333), local, 3);
  t.equal(lite.selectedPair()!.remoteAddress.port, 3333, 'a better nominated pair takes over');
  const events: string[] = [];
  for (let e = lite.pollEvent(); e; e = lite.pollEvent()) if (e.type === 'selected-pair') events.push(`${e.remote.type}:${e.remote.port}`);
  t.same(events, ['prflx:1111', 'prflx:3333']);
  t.equal(lite.stats().selectedPairChanges, 2);
});

t.test('a trickled candidate of another ufrag (older generation) is ignored', async (t) => {
  const agent = new IceAgent({ random: (o) => o.fill(5) }, 0);
  agent.setRemoteCredentials('newU', 'abcdefghijklmnopqrstuvwxyz');
  const c = { foundation: '1', component: 1, transport: 'udp', priority: 1, address: '198.51.100.1', port: 1, type: 'host' as const };
  t.notOk(agent.addRemoteCandidate({ ...c, ufrag: 'oldU' }, 0));
  t.ok(agent.addRemoteCandidate({ ...c, ufrag: 'newU' }, 0));
  t.ok(agent.addRemoteCandidate({ ...c, port: 2 }, 0), 'no ufrag: accepted');
  t.equal(agent.remoteCandidates().length, 2);
  t.equal(agent.stats().remoteCandidatesIgnored, 1);
});

t.test('pacing: frozen pairs behind an in-progress pair do not make the deadline spin', async (t) => {
  const agent = new IceAgent({ controlling: true, random: (o) => o.fill(1) }, 0);
  agent.addLocalAddress(v4('198.51.100.1', 5000), 0);
  agent.setRemoteCredentials('remo', 'abcdefghijklmnopqrstuvwxyz');
  // Same remote foundation: the second pair starts Frozen behind the first.
  for (const port of [1, 2, 3]) agent.addRemoteCandidate({ foundation: 'F', component: 1, transport: 'udp', priority: 100 - port, address: '203.0.113.1', port, type: 'host' }, 0);
  let calls = 0;
  let sent = 0;
  let now = 0;
  for (let d = agent.nextDeadline(); d !== undefined && d < 20_000 && calls < 100_000; d = agent.nextDeadline()) {
    now = Math.max(now, d);
    agent.handleTimeout(now);
    calls++;
    while (agent.pollTransmit()) sent++; // nothing ever answers
  }
  t.ok(calls < 2000, `${calls} timer calls in 20 s of virtual time`);
  t.equal(agent.stats().pairs.filter((p) => p.state === 'failed').length, 3, 'each pair was checked in turn and failed');
  t.equal(sent, 3 * 7, 'seven transmissions per pair');
});

t.test('settings are validated', async (t) => {
  t.throws(() => new IceAgent({ random: () => {}, maxPairs: 0 }, 0), { code: 'bad-settings' });
  t.throws(() => new IceAgent({ random: () => {}, ta: -1 }, 0), { code: 'bad-settings' });
  t.throws(() => new IceAgent({ random: () => {}, checkRto: Number.NaN }, 0), { code: 'bad-settings' });
  t.doesNotThrow(() => new IceAgent({ random: () => {}, ta: 0, nominationDelay: 0 }, 0));
});

t.test('response validation (RFC 8445 §7.2.5): integrity, fingerprint, symmetry, XOR-MAPPED-ADDRESS', async (t) => {
  const LOCAL = v4('198.51.100.1', 5000);
  const REMOTE = v4('198.51.100.2', 6000);
  const REMOTE_PWD = 'remotePassword0123456789';
  const start = () => {
    const agent = new IceAgent({ controlling: true, random: (o) => o.fill(0x21) }, 0);
    agent.addLocalAddress(LOCAL, 0);
    agent.setRemoteCredentials('remo', REMOTE_PWD);
    agent.addRemoteCandidate({ foundation: '1', component: 1, transport: 'udp', priority: 2130706431, address: REMOTE.address, port: REMOTE.port, type: 'host' }, 0);
    agent.handleTimeout(0);
    const check = decodeStun(agent.pollTransmit()!.data);
    while (agent.pollTransmit() || agent.pollEvent());
    return { agent, tid: check.transactionId.slice() };
  };
  const w = new StunWriter();
  const response = (tid: Uint8Array, opts: { key?: string; mapped?: boolean; fingerprint?: boolean } = {}) => {
    w.begin(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, tid);
    if (opts.mapped ?? true) w.xorMappedAddress(LOCAL);
    return w.finish({ integrityKey: shortTermKey(opts.key ?? REMOTE_PWD), fingerprint: opts.fingerprint ?? true });
  };
  const state = (a: IceAgent) => a.stats().pairs[0].state;

  {
    const { agent, tid } = start();
    agent.handlePacket(response(tid, { key: 'some-other-password-xyz' }), REMOTE, LOCAL, 5);
    t.equal(state(agent), 'in-progress', 'wrong integrity: ignored');
    t.equal(agent.stats().droppedUnauthenticated, 1);
    agent.handlePacket(response(tid), REMOTE, LOCAL, 6);
    t.equal(state(agent), 'succeeded', 'the genuine response still counts');
  }
  {
    const { agent, tid } = start();
    const bytes = response(tid);
    bytes[bytes.length - 1] ^= 1; // FINGERPRINT is after MESSAGE-INTEGRITY, so integrity still verifies
    agent.handlePacket(bytes, REMOTE, LOCAL, 5);
    t.equal(state(agent), 'in-progress', 'bad FINGERPRINT: ignored');
    t.equal(agent.stats().droppedMalformed, 1);
  }
  {
    const { agent, tid } = start();
    agent.handlePacket(response(tid), v4('198.51.100.3', 6000), LOCAL, 5);
    t.equal(state(agent), 'failed', 'response from another address: the pair fails (non-symmetric)');
  }
  {
    const { agent, tid } = start();
    agent.handlePacket(response(tid, { mapped: false }), REMOTE, LOCAL, 5);
    t.equal(state(agent), 'failed', 'no XOR-MAPPED-ADDRESS: the pair fails');
  }
  {
    const { agent } = start();
    agent.handlePacket(response(new Uint8Array(12).fill(9)), REMOTE, LOCAL, 5);
    t.equal(agent.stats().droppedUnknownTransaction, 1, 'unknown transaction ID: dropped');
    t.equal(state(agent), 'in-progress');
  }
});

t.test('NAT rebinding: consent fails on the side that lost the path; an ICE restart recovers', async (t) => {
  const net = new SimNetwork(40);
  const stun = new SimTurnServer(net, v4('192.0.2.1', 3478), {});
  const nat = net.addNat('port-restricted', '203.0.113.1', ['10.0.0.1']);
  net.addNat('full-cone', '203.0.113.2', ['10.1.0.1']);
  const a = new SimAgent(net, new IceAgent({ controlling: true, random: net.rng.fill, stunServers: [stun.address] }, 0), [v4('10.0.0.1', 5000)]);
  const b = new SimAgent(net, new IceAgent({ random: net.rng.fill, stunServers: [stun.address] }, 0), [v4('10.1.0.1', 6000)]);
  signal(a, b);
  a.start();
  b.start();
  // up and nominated (data may flow on the first valid pair before that, RFC 8445 §12.1)
  net.run(10_000, () => connected(a, b)() && [a, b].every((x) => x.agent.stats().pairs.some((p) => p.nominated)));
  t.ok(isUp(a.state) && isUp(b.state));
  const oldRemote = b.agent.selectedPair()!.remoteAddress;
  // a's NAT forgets its mappings: a's packets now leave from a new public port.
  nat.rebind();
  const at = net.now;
  net.run(at + 9_000); // disconnected ≤ 8 s after the last consent response
  t.equal(b.state, 'disconnected', 'b\'s consent checks go to the dead mapping');
  // The application notices and restarts ICE on both sides (new credentials, same sockets).
  a.agent.restart(net.now);
  b.agent.restart(net.now);
  a.agent.setRemoteCredentials(b.agent.localUfrag, b.agent.localPwd, net.now);
  b.agent.setRemoteCredentials(a.agent.localUfrag, a.agent.localPwd, net.now);
  a.drain(net.now);
  b.drain(net.now);
  net.run(net.now + 10_000, () => isUp(b.state) && !sameEndpoint(b.agent.selectedPair()!.remoteAddress, oldRemote));
  t.ok(isUp(a.state) && isUp(b.state), `both up again (${a.state}, ${b.state})`);
  t.not(b.agent.selectedPair()!.remoteAddress.port, oldRemote.port, 'b now talks to a\'s new mapping');
  b.received.length = 0;
  t.ok(b.agent.send(Uint8Array.of(23, 9), net.now));
  b.drain(net.now);
  t.ok(a.agent.send(Uint8Array.of(23, 8), net.now));
  a.drain(net.now);
  net.run(net.now + 100);
  t.same(a.received.at(-1), Uint8Array.of(23, 9), 'data flows b → a again');
  t.same(b.received.at(-1), Uint8Array.of(23, 8), 'and a → b');
  t.notOk(b.timeline.some((x) => x.state === 'failed'), 'recovered before consent expired');
});

t.test('a provisional pair (RFC 8445 §12.1) whose nomination fails hands the data to another valid pair', async (t) => {
  const LOCAL = v4('198.51.100.1', 5000);
  const R1 = v4('198.51.100.2', 6000);
  const R2 = v4('198.51.100.3', 6000);
  const PWD = 'remotePassword0123456789';
  let seed = 1;
  const random = (o: Uint8Array) => { for (let i = 0; i < o.length; i++) o[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24; };
  const agent = new IceAgent({ controlling: true, random }, 0);
  agent.addLocalAddress(LOCAL, 0);
  agent.setRemoteCredentials('remo', PWD);
  for (const [r, priority] of [[R1, 2130706431], [R2, 2130706000]] as const) {
    agent.addRemoteCandidate({ foundation: r.address, component: 1, transport: 'udp', priority, address: r.address, port: r.port, type: 'host' }, 0);
  }
  const w = new StunWriter();
  const answer = (req: Uint8Array, from: TransportAddress, now: number) => {
    const tid = decodeStun(req).transactionId.slice();
    w.begin(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, tid);
    w.xorMappedAddress(LOCAL);
    agent.handlePacket(w.finish({ integrityKey: shortTermKey(PWD), fingerprint: true }), from, LOCAL, now);
  };
  /** run the agent to `until`; checks to `answered` get a response, the rest are lost */
  const run = (from: number, until: number, answered: (to: TransportAddress, useCandidate: boolean) => boolean) => {
    for (let now = from; now <= until; now++) {
      const d = agent.nextDeadline();
      if (d !== undefined && d <= now) agent.handleTimeout(now);
      for (let x = agent.pollTransmit(); x; x = agent.pollTransmit()) {
        const msg = decodeStun(x.data);
        if (msg.messageClass === StunClass.REQUEST && answered(x.to, msg.useCandidate())) answer(x.data, x.to, now);
      }
      while (agent.pollEvent());
    }
  };
  // both pairs' checks succeed; the nomination check on the better pair (R1) is never answered
  run(0, 200, (_to, useCandidate) => !useCandidate);
  t.equal(agent.connectionState, 'connected', 'connected on a valid pair before any nomination');
  t.same(agent.selectedPair()?.remoteAddress, R1, 'the best valid pair carries the data');
  t.ok(agent.stats().pairs.every((p) => p.state === 'succeeded' && !p.nominated));
  run(201, 9_000, (_to, useCandidate) => !useCandidate); // R1's nomination fails after ~6.3 s
  t.same(agent.selectedPair()?.remoteAddress, R2, 'R1 failed its nomination: R2, still valid, carries the data');
  t.equal(agent.connectionState, 'connected');
  run(9_001, 20_000, (to, useCandidate) => !useCandidate || to.address === R2.address);
  t.same(agent.selectedPair()?.remoteAddress, R2);
  t.ok(agent.stats().pairs.some((p) => p.remote.startsWith(`host ${R2.address}`) && p.nominated), 'and is nominated once its checks are answered');
});

function sameEndpoint(x: TransportAddress, y: TransportAddress): boolean {
  return x.address === y.address && x.port === y.port;
}

t.test('authenticated but malformed checks get 420 / 400 (RFC 8489 §6.3.1.1, RFC 8445 §7.3)', async (t) => {
  const lite = new IceAgent({ lite: true, random: (o) => o.fill(4) }, 0);
  const local = v4('192.0.2.1', 443);
  lite.addLocalAddress(local, 0);
  const key = shortTermKey(lite.localPwd);
  const w = new StunWriter();
  const unknownAttr = w
    .begin(StunMethod.BINDING, StunClass.REQUEST, new Uint8Array(12).fill(1))
    .username(`${lite.localUfrag}:peer`)
    .priority(1)
    .attribute(0x7f01, Uint8Array.of(1, 2, 3, 4))
    .finish({ integrityKey: key, fingerprint: true });
  lite.handlePacket(unknownAttr, v4('198.51.100.1', 1), local, 1);
  const r420 = decodeStun(lite.pollTransmit()!.data);
  t.equal(r420.messageClass, StunClass.ERROR_RESPONSE);
  t.equal(r420.errorCode()?.code, 420);
  t.same(r420.unknownAttributes(), [0x7f01]);
  const noPriority = w
    .begin(StunMethod.BINDING, StunClass.REQUEST, new Uint8Array(12).fill(2))
    .username(`${lite.localUfrag}:peer`)
    .finish({ integrityKey: key, fingerprint: true });
  lite.handlePacket(noPriority, v4('198.51.100.1', 1), local, 2);
  t.equal(decodeStun(lite.pollTransmit()!.data).errorCode()?.code, 400);
  t.equal(lite.remoteCandidates().length, 0, 'nothing learned from either');
  t.equal(lite.stats().droppedMalformed, 2);
  // unauthenticated junk still gets nothing
  const forged = w.begin(StunMethod.BINDING, StunClass.REQUEST, new Uint8Array(12).fill(3)).username(`${lite.localUfrag}:peer`).finish({ integrityKey: shortTermKey('x'.repeat(22)) });
  lite.handlePacket(forged, v4('198.51.100.1', 1), local, 3);
  t.equal(lite.pollTransmit(), undefined);
});

t.test('remote addresses are normalized (RFC 5952) and validated', async (t) => {
  const agent = new IceAgent({ random: (o) => o.fill(6) }, 0);
  const c = { foundation: '1', component: 1, transport: 'udp', priority: 1, port: 9, type: 'host' as const };
  t.ok(agent.addRemoteCandidate({ ...c, address: '2001:0DB8:0:0:0:0:0:0001' }, 0));
  t.ok(agent.addRemoteCandidate({ ...c, address: 'fe80::1%eth0' }, 0));
  t.notOk(agent.addRemoteCandidate({ ...c, address: '1.2.3.256' }, 0), 'not an IPv4 address');
  t.notOk(agent.addRemoteCandidate({ ...c, address: '2001:db8::1', port: 0 }, 0), 'port 0');
  t.notOk(agent.addRemoteCandidate({ ...c, address: '2001:db8::1', transport: 'tcp' }, 0), 'TCP candidates are not used');
  t.same(
    agent.remoteCandidates().map((r) => r.address),
    ['2001:db8::1', 'fe80::1%eth0'],
  );
  t.throws(() => agent.addLocalAddress({ family: 4, address: 'example.com', port: 1 }, 0), { code: 'bad-address' });
});
