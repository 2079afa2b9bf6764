// IceMux: one server socket, many ICE-lite agents (the browser-facing server endpoint).
import t from 'tap';
import { StunClass, StunMethod, StunWriter, shortTermKey, type TransportAddress } from '@tsrtc/stun';
import { IceAgent, IceMux, type IceEvent } from '../src/index.js';
import { SimAgent } from './sim/harness.js';
import { SimNetwork } from './sim/network.js';

const SERVER: TransportAddress = { family: 4, address: '192.0.2.10', port: 443 };

interface Server {
  mux: IceMux;
  agents: IceAgent[];
  events: Map<IceAgent, IceEvent[]>;
}

function serveOn(net: SimNetwork, mux: IceMux): Server {
  const server: Server = { mux, agents: [], events: new Map() };
  net.bind(SERVER, (data, from, to, now) => {
    const agent = mux.handlePacket(data, from, to, now);
    if (!agent) return;
    for (let tx = agent.pollTransmit(); tx; tx = agent.pollTransmit()) net.send(tx.data, tx.from, tx.to);
    for (let e = agent.pollEvent(); e; e = agent.pollEvent()) server.events.get(agent)!.push(e.type === 'data' ? { ...e, data: e.data.slice() } : e);
  });
  return server;
}

function addPeer(net: SimNetwork, server: Server, i: number): SimAgent {
  const lite = new IceAgent({ lite: true, random: net.rng.fill }, net.now);
  lite.addLocalAddress(SERVER, net.now);
  while (lite.pollEvent());
  server.mux.addAgent(lite);
  server.agents.push(lite);
  server.events.set(lite, []);
  const socket: TransportAddress = { family: 4, address: `198.18.${i >> 8}.${i & 255}`, port: 5000 + (i % 7) };
  const client = new SimAgent(net, new IceAgent({ controlling: true, random: net.rng.fill }, net.now), [socket]);
  client.start();
  // Non-trickle offer/answer: the server answers with its one host candidate.
  client.agent.setRemoteCredentials(lite.localUfrag, lite.localPwd);
  lite.setRemoteCredentials(client.agent.localUfrag, client.agent.localPwd);
  for (const c of lite.localCandidates()) client.agent.addRemoteCandidate(c, net.now);
  client.agent.addRemoteCandidate(null, net.now);
  client.drain(net.now);
  return client;
}

t.test('1,000 browser-like agents connect through one mux and socket', async (t) => {
  const net = new SimNetwork(7);
  net.conditions = { delay: 2, jitter: 3, loss: 0 };
  const server = serveOn(net, new IceMux());
  const clients: SimAgent[] = [];
  for (let i = 0; i < 1000; i++) clients.push(addPeer(net, server, i));
  // the clients connect on their first valid pair; the lite agents once USE-CANDIDATE arrives
  net.run(20_000, () => clients.every((c) => c.state === 'completed' || c.state === 'connected') && server.agents.every((a) => a.connectionState === 'connected'));
  t.equal(clients.filter((c) => c.state === 'connected' || c.state === 'completed').length, 1000, 'all clients connected');
  t.equal(server.agents.filter((a) => a.connectionState === 'connected').length, 1000, 'all lite agents connected');
  let right = 0;
  for (let i = 0; i < 1000; i++) if (server.agents[i].selectedPair()?.remoteAddress.address === clients[i].sockets[0].address) right++;
  t.equal(right, 1000, 'each lite agent selected its own client');
  const stats = server.mux.stats();
  t.equal(stats.agents, 1000);
  t.equal(stats.addresses, 1000, 'one address mapping per client');
  t.ok(stats.routedByUsername >= 2000, `routed ${stats.routedByUsername} checks by USERNAME`);
  // Application data is routed by source address to the right agent.
  for (let i = 0; i < 1000; i++) {
    clients[i].agent.send(new TextEncoder().encode(`\x17peer ${i}`), net.now);
    clients[i].drain(net.now);
  }
  net.run(net.now + 100);
  let delivered = 0;
  for (let i = 0; i < 1000; i++) {
    const data = server.events.get(server.agents[i])!.filter((e) => e.type === 'data');
    if (data.length === 1 && new TextDecoder().decode((data[0] as { data: Uint8Array }).data) === `\x17peer ${i}`) delivered++;
  }
  t.equal(delivered, 1000, 'every datagram reached its own agent');
  t.ok(server.mux.stats().routedByAddress >= 1000);
});

t.test('unknown sources and unknown ufrags are dropped without state', async (t) => {
  const net = new SimNetwork(8);
  const mux = new IceMux();
  const server = serveOn(net, mux);
  const peer = addPeer(net, server, 1);
  net.run(5000, () => peer.state === 'connected' || peer.state === 'completed');
  const before = mux.stats();
  const writer = new StunWriter();
  let routedWrongly = 0;
  for (let i = 0; i < 5000; i++) {
    const from: TransportAddress = { family: 4, address: `100.64.${i >> 8}.${i & 255}`, port: 1000 + i };
    // non-STUN junk
    mux.handlePacket(Uint8Array.of(23, 254, 253, i & 255), from, SERVER, net.now);
    // Binding request naming a ufrag nobody owns
    const id = new Uint8Array(12).fill(i & 255);
    const req = writer.begin(StunMethod.BINDING, StunClass.REQUEST, id).username(`nobody:x${i}`).priority(1).finish({ integrityKey: shortTermKey('whatever-password-123'), fingerprint: true });
    if (mux.handlePacket(req, from, SERVER, net.now) !== undefined) routedWrongly++;
    // Binding request naming a real ufrag, wrong password: reaches the agent, which drops it
    const forged = writer
      .begin(StunMethod.BINDING, StunClass.REQUEST, id)
      .username(`${server.agents[0].localUfrag}:zz${i}`)
      .priority(1)
      .finish({ integrityKey: shortTermKey('wrong-password-1234567'), fingerprint: true });
    mux.handlePacket(forged, from, SERVER, net.now);
  }
  t.equal(routedWrongly, 0, 'no request with an unknown ufrag was routed');
  const after = mux.stats();
  t.equal(after.droppedUnknownSource - before.droppedUnknownSource, 5000);
  t.equal(after.droppedUnknownUfrag - before.droppedUnknownUfrag, 5000);
  t.equal(after.addresses, before.addresses, 'no address mapping was created');
  t.ok(server.agents[0].stats().droppedUnauthenticated >= 5000, 'forged checks dropped and counted by the agent');
  t.equal(server.agents[0].remoteCandidates().length, 1, 'no peer-reflexive candidate learned from forged checks');
});

t.test('address table cap', async (t) => {
  const net = new SimNetwork(9);
  const mux = new IceMux({ maxAddresses: 3 });
  const server = serveOn(net, mux);
  const peers = [0, 1, 2, 3, 4].map((i) => addPeer(net, server, i));
  net.run(5000, () => peers.every((p) => p.state === 'connected' || p.state === 'completed'));
  t.equal(peers.filter((p) => p.state === 'connected' || p.state === 'completed').length, 5, 'checks still route by USERNAME');
  t.equal(mux.stats().addresses, 3);
  t.ok(mux.stats().addressTableFull > 0);
});

t.test('restart re-keys the agent in the mux; duplicate ufrags are refused', async (t) => {
  const net = new SimNetwork(10);
  const mux = new IceMux();
  const server = serveOn(net, mux);
  const peer = addPeer(net, server, 1);
  net.run(5000, () => peer.state === 'connected' || peer.state === 'completed');
  const agent = server.agents[0];
  const old = agent.localUfrag;
  agent.restart(net.now);
  mux.addAgent(agent);
  t.equal(mux.agentByUfrag(old), undefined);
  t.equal(mux.agentByUfrag(agent.localUfrag), agent);
  const twin = new IceAgent({ lite: true, localUfrag: agent.localUfrag, random: net.rng.fill }, 0);
  t.throws(() => mux.addAgent(twin), { code: 'duplicate-ufrag' });
  mux.removeAgent(agent);
  t.equal(mux.stats().agents, 0);
  t.equal(mux.stats().addresses, 0);
});

t.test('a full agent behind the mux: responses to its own checks route by transaction tag', async (t) => {
  const net = new SimNetwork(11);
  const mux = new IceMux();
  const server = serveOn(net, mux);
  const full = new IceAgent({ random: net.rng.fill }, 0);
  full.addLocalAddress(SERVER, 0);
  mux.addAgent(full);
  server.agents.push(full);
  server.events.set(full, []);
  const drainFull = (now: number): void => {
    for (let tx = full.pollTransmit(); tx; tx = full.pollTransmit()) net.send(tx.data, tx.from, tx.to);
    for (let e = full.pollEvent(); e; e = full.pollEvent()) server.events.get(full)!.push(e);
    net.invalidate(ticker);
    void now;
  };
  const ticker = { nextDeadline: () => full.nextDeadline(), tick: (now: number) => (full.handleTimeout(now), drainFull(now)) };
  net.addTicker(ticker);
  // The client is behind a port-restricted NAT: the server's checks reach it only after the
  // client has sent to the server, and their responses come from a not-yet-mapped address.
  net.addNat('port-restricted', '203.0.113.50', ['10.9.0.1']);
  const client = new SimAgent(net, new IceAgent({ controlling: true, random: net.rng.fill }, 0), [{ family: 4, address: '10.9.0.1', port: 5000 }]);
  client.start();
  client.agent.setRemoteCredentials(full.localUfrag, full.localPwd);
  full.setRemoteCredentials(client.agent.localUfrag, client.agent.localPwd);
  for (const c of full.localCandidates()) client.agent.addRemoteCandidate(c, 0);
  // the server also learns the client's public address out of band (e.g. srflx) and checks it first
  full.addRemoteCandidate({ foundation: 'x', component: 1, transport: 'udp', priority: 1694498815, address: '203.0.113.50', port: 40000, type: 'srflx' }, 0);
  drainFull(0);
  client.drain(0);
  net.run(10_000, () => (client.state === 'connected' || client.state === 'completed') && full.connectionState !== 'checking' && full.connectionState !== 'new');
  t.match(client.state, /^(connected|completed)$/);
  t.match(full.connectionState, /^(connected|completed)$/);
  t.ok(mux.stats().routedByTransaction > 0, `${mux.stats().routedByTransaction} responses routed by transaction tag`);
  mux.removeAgent(full);
  t.equal(mux.stats().agents, 0);
});
