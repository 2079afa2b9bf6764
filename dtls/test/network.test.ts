import { createHash } from 'node:crypto';
import t from 'tap';
import { ContentType } from '@tsrtc/dtls';
import { drainTransmit, makePair, Prng } from './helpers.js';
import { simulate, type LinkImpairments } from './sim.js';

const HOSTILE: LinkImpairments = { loss: 0.3, duplicate: 0.2, delay: 20, jitter: 40 };

t.test('handshake completes under 30 % loss + reordering + duplication (100 seeds, MTU 1200, 300 and 128, with and without cookies)', (t) => {
  const setupTimes: number[] = [];
  for (let seed = 1; seed <= 100; seed++) {
    // MTU 128 splits even our ClientHello over two datagrams (as browsers' post-quantum hellos are).
    const mtu = [1200, 300, 128][seed % 3];
    const { client, server } = makePair(seed, { client: { mtu }, server: { mtu, helloVerifyRequest: seed % 4 === 0 } });
    const r = simulate(client, server, new Prng(seed * 7919), HOSTILE);
    if (r.connectedAt.client === undefined || r.connectedAt.server === undefined) {
      t.fail(`seed ${seed}: not connected (client ${client.state}, server ${server.state})`);
      continue;
    }
    setupTimes.push(Math.max(r.connectedAt.client, r.connectedAt.server));
    for (const side of [client, server]) {
      const s = side.stats();
      if (s.internalErrors !== 0 || s.droppedBadMac !== 0) t.fail(`seed ${seed}: ${JSON.stringify(s)}`);
    }
    // Application data flows both ways afterwards.
    client.send(Uint8Array.of(1, 2, 3), r.now);
    const [d] = drainTransmit(client);
    server.handleDatagram(d, r.now);
    const ev = server.pollEvent();
    if (ev?.type !== 'data') t.fail(`seed ${seed}: data not delivered`);
  }
  t.equal(setupTimes.length, 100, 'all 100 handshakes connected');
  setupTimes.sort((a, b) => a - b);
  t.ok(setupTimes[50] < 5000, `median virtual setup time ${setupTimes[50].toFixed(0)} ms (p90 ${setupTimes[90].toFixed(0)} ms)`);
  t.end();
});

// Key pairs and ECDSA signatures come from node's own randomness (their DER length varies by a
// byte or two), so the trace compares when and from whom datagrams left, not their sizes.
t.test('the simulation is deterministic from its seed', (t) => {
  const run = (seed: number) => {
    const { client, server } = makePair(seed);
    const r = simulate(client, server, new Prng(seed), HOSTILE);
    return createHash('sha256').update(JSON.stringify(r.trace.map(([time, from]) => [time, from]))).digest('hex');
  };
  t.equal(run(5), run(5), 'same seed, same wire trace');
  t.not(run(5), run(6), 'another seed, another trace');
  t.end();
});

t.test('retransmission timing on the virtual clock: 100 ms doubling to the 60 s ceiling, then failure', (t) => {
  const { client } = makePair(1, { client: { maxRetransmissions: 12 } });
  client.start(0);
  const sendTimes: number[] = [];
  drainTransmit(client);
  sendTimes.push(0);
  let now = 0;
  for (;;) {
    const d = client.nextDeadline();
    if (d === undefined) break;
    now = d;
    client.handleTimeout(now - 0.001);
    t.equal(drainTransmit(client).length, 0, 'nothing before the deadline');
    client.handleTimeout(now);
    if (drainTransmit(client).length > 0) sendTimes.push(now);
  }
  const gaps = sendTimes.slice(1).map((x, i) => x - sendTimes[i]);
  t.same(gaps, [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000]);
  t.equal(client.state, 'failed');
  const ev = client.pollEvent();
  t.equal(ev?.type, 'failed');
  t.match((ev as { reason: string }).reason, /timed out/);
  t.end();
});

t.test("a peer's retransmitted flight makes us resend ours once; the timer restarts per flight", (t) => {
  const { client, server } = makePair(3);
  client.start(0);
  const ch = drainTransmit(client);
  for (const d of ch) server.handleDatagram(d, 0);
  const flight4 = drainTransmit(server);
  t.ok(flight4.length > 0);
  // flight 4 lost; the client's timer fires at 100 ms and resends the ClientHello with new record numbers
  client.handleTimeout(100);
  const ch2 = drainTransmit(client);
  t.equal(ch2.length, 1);
  t.not(Buffer.from(ch2[0]).toString('hex'), Buffer.from(ch[0]).toString('hex'), 'retransmission uses a new record sequence number');
  for (const d of ch2) server.handleDatagram(d, 100);
  const again = drainTransmit(server);
  t.equal(again.length, flight4.length, 'server resent flight 4 on the retransmitted ClientHello');
  t.equal(server.stats().flightResends, 1);
  // A network duplicate of the same datagram (same record sequence number) triggers no second resend.
  for (const d of ch2) server.handleDatagram(d, 101);
  t.equal(drainTransmit(server).length, 0);
  t.equal(server.stats().flightResends, 1);
  // The client gets flight 4 and sends flight 5; its timer restarts at the initial 100 ms.
  for (const d of again) client.handleDatagram(d, 150);
  t.ok(drainTransmit(client).length > 0);
  t.equal(client.nextDeadline(), 250);
  t.end();
});

t.test('a connected server answers a retransmitted client flight 5 with its flight 6; the client ignores the copy', (t) => {
  const { client, server } = makePair(4);
  client.start(0);
  for (const d of drainTransmit(client)) server.handleDatagram(d, 0);
  for (const d of drainTransmit(server)) client.handleDatagram(d, 0);
  const flight5 = drainTransmit(client);
  for (const d of flight5) server.handleDatagram(d, 1);
  const flight6 = drainTransmit(server);
  t.equal(server.state, 'connected');
  // flight 6 lost: the client's timer resends flight 5
  client.handleTimeout(100);
  const flight5b = drainTransmit(client);
  t.equal(flight5b.length, flight5.length);
  for (const d of flight5b) server.handleDatagram(d, 100);
  const flight6b = drainTransmit(server);
  t.equal(flight6b.length, flight6.length, 'server resent ChangeCipherSpec + Finished');
  t.equal(flight6b[0][0], ContentType.change_cipher_spec);
  for (const d of flight6b) client.handleDatagram(d, 101);
  t.equal(client.state, 'connected');
  t.equal(client.pollEvent()?.type, 'connected');
  // Another copy after connecting changes nothing and triggers nothing.
  for (const d of flight6) client.handleDatagram(d, 102);
  t.equal(drainTransmit(client).length, 0);
  t.equal(client.pollEvent(), undefined);
  t.end();
});

t.test('the retransmission timeout adapts to the measured round trip (Karn: only flights sent once)', (t) => {
  for (const [oneWay, expected] of [
    [5, 50], // 2 × 10 ms RTT, clamped up to minRetransmitTimeout
    [40, 160], // 2 × 80 ms
  ] as const) {
    const { client, server } = makePair(50 + oneWay);
    // Flight 1 at t=0; the answer arrives one RTT later; flight 5 then starts with 2 × RTT.
    client.start(0);
    for (const d of drainTransmit(client)) server.handleDatagram(d, oneWay);
    const flight4 = drainTransmit(server);
    for (const d of flight4) client.handleDatagram(d, 2 * oneWay);
    t.equal(client.nextDeadline(), 2 * oneWay + expected, `RTT ${2 * oneWay} ms: flight 5 timeout ${expected} ms`);
  }
  // A retransmitted flight gives no sample: the next flight starts from the initial 100 ms.
  const { client, server } = makePair(60);
  client.start(0);
  client.handleTimeout(100);
  const hellos = drainTransmit(client);
  for (const d of hellos.slice(-1)) server.handleDatagram(d, 150);
  for (const d of drainTransmit(server)) client.handleDatagram(d, 200);
  t.equal(client.nextDeadline(), 300);
  t.end();
});
