// The TURN client (RFC 8656 over UDP) against the in-simulation TURN server model.
import t from 'tap';
import { StunMethod, classifyPacket, decodeStun, type TransportAddress } from '@tsrtc/stun';
import { TurnClient, type Transmit } from '../src/index.js';
import { SimNetwork } from './sim/network.js';
import { SimTurnServer } from './sim/turn-server.js';

const v4 = (address: string, port: number): TransportAddress => ({ family: 4, address, port });

function setup(seed: number, password = 'alice-pass') {
  const net = new SimNetwork(seed);
  const server = new SimTurnServer(net, v4('192.0.2.1', 3478), { alice: 'alice-pass' });
  const out: Transmit[] = [];
  const socket = v4('198.51.100.1', 5000);
  const queue = { push: (data: Uint8Array, from: TransportAddress, to: TransportAddress) => void out.push({ data, from, to }) };
  const client = new TurnClient({ address: server.address, username: 'alice', password, transport: 'udp' }, socket, queue, {
    random: net.rng.fill,
    retransmit: { rto: 100, rtoMax: 800, maxTransmissions: 5 },
    lifetime: 600,
    maxQueue: 4,
    software: '',
  });
  const fromServer: Uint8Array[] = [];
  const relayed: { peer: TransportAddress; data: Uint8Array }[] = [];
  net.bind(socket, (data, from) => {
    fromServer.push(data.slice());
    if (classifyPacket(data) === 'channel-data') {
      const r = client.handleChannelData(data);
      if (r) relayed.push({ peer: r.peer, data: r.data.slice() });
    } else {
      const r = client.handleStun(decodeStun(data), net.now);
      if (r) relayed.push({ peer: r.peer, data: r.data.slice() });
    }
    flush();
    void from;
  });
  const sentMethods: number[] = [];
  const flush = (): void => {
    for (const tx of out.splice(0)) {
      if (classifyPacket(tx.data) === 'stun') sentMethods.push(decodeStun(tx.data).method);
      net.send(tx.data, tx.from, tx.to);
    }
  };
  net.addTicker({ nextDeadline: () => client.nextDeadline(), tick: (now) => (client.handleTimeout(now), flush()) });
  const peerAddr = v4('203.0.113.9', 7000);
  const atPeer: { from: TransportAddress; data: Uint8Array }[] = [];
  net.bind(peerAddr, (data, from) => atPeer.push({ from, data: data.slice() }));
  return { net, server, client, flush, relayed, atPeer, peerAddr, sentMethods, fromServer };
}

t.test('allocate with long-term credentials after a 401, then relay both ways', async (t) => {
  const s = setup(1);
  s.client.start(0);
  s.flush();
  s.net.run(1000, () => s.client.state === 'allocated');
  t.equal(s.client.state, 'allocated');
  t.same(s.client.relayed, v4('192.0.2.1', 50000));
  t.same(s.client.mapped, v4('198.51.100.1', 5000));
  t.equal(s.client.stats.errorResponses, 1, 'one 401 (the unauthenticated first Allocate)');
  // First datagram: queued behind CreatePermission, then a Send indication; ChannelBind follows.
  t.ok(s.client.send(s.peerAddr, Uint8Array.of(1, 2, 3), s.net.now));
  s.flush();
  s.net.run(s.net.now + 500);
  t.same(s.atPeer.map((p) => [...p.data]), [[1, 2, 3]], 'peer got the data from the relayed address');
  t.same(s.atPeer[0].from, s.client.relayed);
  t.ok(s.sentMethods.includes(StunMethod.CREATE_PERMISSION));
  t.ok(s.sentMethods.includes(StunMethod.SEND));
  t.ok(s.sentMethods.includes(StunMethod.CHANNEL_BIND));
  // Once bound, data goes as ChannelData (4-byte header).
  const before = s.sentMethods.length;
  s.client.send(s.peerAddr, Uint8Array.of(4), s.net.now);
  s.flush();
  t.equal(s.sentMethods.length, before, 'no STUN message for channel data');
  s.net.run(s.net.now + 100);
  t.same(s.atPeer.at(-1)!.data, Uint8Array.of(4));
  // The peer answers; the server wraps it in ChannelData, the client unwraps it.
  s.net.send(Uint8Array.of(9, 9), s.peerAddr, s.client.relayed!);
  s.net.run(s.net.now + 100);
  t.same(s.relayed.map((r) => [...r.data]), [[9, 9]]);
  t.same(s.relayed[0].peer, s.peerAddr);
  t.equal(classifyPacket(s.fromServer.at(-1)!), 'channel-data');
});

t.test('data from a peer before a channel is bound arrives as a Data indication', async (t) => {
  const s = setup(2);
  s.client.start(0);
  s.flush();
  s.net.run(1000, () => s.client.state === 'allocated');
  const other = v4('203.0.113.10', 7100);
  s.client.send(other, Uint8Array.of(5), s.net.now); // installs a permission for 203.0.113.10
  s.flush();
  s.net.run(s.net.now + 20);
  s.net.send(Uint8Array.of(6), v4('203.0.113.10', 7999), s.client.relayed!); // same IP, other port: no channel
  s.net.run(s.net.now + 100);
  const last = decodeStun(s.fromServer.at(-1)!);
  t.equal(last.method, StunMethod.DATA);
  t.same(s.relayed.at(-1), { peer: v4('203.0.113.10', 7999), data: Uint8Array.of(6) });
});

t.test('438 stale nonce: the request is retried with the new nonce', async (t) => {
  const s = setup(3);
  s.client.start(0);
  s.flush();
  s.net.run(1000, () => s.client.state === 'allocated');
  s.server.staleNonceNext = true;
  s.client.send(s.peerAddr, Uint8Array.of(7), s.net.now);
  s.flush();
  s.net.run(s.net.now + 500);
  t.equal(s.server.nonce, 'nonce-2', 'server rotated its nonce');
  t.same(s.atPeer.map((p) => [...p.data]), [[7]], 'permission installed after the 438 retry');
  t.equal(s.client.stats.errorResponses, 2, '401 + 438');
});

t.test('refreshes: allocation before expiry, permissions and channels on their timers', async (t) => {
  const s = setup(4);
  s.client.start(0);
  s.flush();
  s.net.run(1000, () => s.client.state === 'allocated');
  s.client.send(s.peerAddr, Uint8Array.of(1), s.net.now);
  s.flush();
  s.net.run(s.net.now + 1000);
  const count = (m: number) => s.sentMethods.filter((x) => x === m).length;
  t.equal(count(StunMethod.REFRESH), 0);
  s.net.run(560_000);
  t.equal(count(StunMethod.REFRESH), 1, 'Refresh 60 s before the 600 s lifetime');
  t.equal(count(StunMethod.CREATE_PERMISSION), 1 + 2, 'permission refreshed every 240 s');
  t.equal(count(StunMethod.CHANNEL_BIND), 1 + 1, 'channel refreshed after 540 s');
  t.equal(s.client.state, 'allocated');
  s.client.close(s.net.now);
  s.flush();
  s.net.run(s.net.now + 100);
  t.equal(s.server.allocationCount(), 0, 'close() deleted the allocation (Refresh lifetime 0)');
  t.equal(s.client.state, 'closed');
  t.equal(s.client.nextDeadline(), undefined);
});

t.test('wrong password: allocation fails after the second 401', async (t) => {
  const s = setup(5, 'not-the-password');
  s.client.start(0);
  s.flush();
  s.net.run(5000);
  t.equal(s.client.state, 'failed');
  t.match(s.client.failureReason, /401/);
  t.notOk(s.client.send(s.peerAddr, Uint8Array.of(1), s.net.now), 'no relay without an allocation');
});

t.test('unreachable server: allocation times out', async (t) => {
  const s = setup(6);
  s.net.conditions.loss = 1;
  s.client.start(0);
  s.flush();
  s.net.run(10_000);
  t.equal(s.client.state, 'failed');
  t.match(s.client.failureReason, /timeout/);
});

t.test('the permission queue is capped', async (t) => {
  const s = setup(7);
  s.client.start(0);
  s.flush();
  s.net.run(1000, () => s.client.state === 'allocated');
  s.net.conditions.loss = 1; // CreatePermission never answered
  let accepted = 0;
  for (let i = 0; i < 10; i++) if (s.client.send(s.peerAddr, Uint8Array.of(i), s.net.now)) accepted++;
  t.equal(accepted, 4, 'maxQueue datagrams wait for the permission');
  t.equal(s.client.stats.queueDropped, 6);
});
