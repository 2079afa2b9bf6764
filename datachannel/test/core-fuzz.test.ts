// Hostile input never throws out of the peer connection and does not break a live connection:
// arbitrary bytes, and real datagrams with bytes flipped, from the peer's own address.
import t from 'tap';
import fc from 'fast-check';
import { negotiate, Sim, type SimPeer } from './helpers/sim.js';
import type { ManagedChannel } from '../src/data-channel-manager.js';

const ofType = (p: SimPeer, type: string) => p.events.filter((e) => e.type === type);

t.test('fuzz a connected pair with junk and mutated datagrams', (t) => {
  const sim = new Sim();
  const a = sim.add('10.0.0.1', 1000, {}, 31);
  const b = sim.add('10.0.0.2', 2000, {}, 32);
  const ch = a.core.createDataChannel({ label: 'f' }, sim.now);
  negotiate(sim, a, b);
  t.ok(sim.run(() => ofType(b, 'open').length === 1), 'connected');
  // capture some real datagrams a → b to mutate
  const captured: Uint8Array[] = [];
  sim.drop = (data, from) => {
    if (from === a && captured.length < 50) captured.push(data.slice());
    return false;
  };
  for (let i = 0; i < 20; i++) {
    a.core.sendOnChannel(ch, new TextEncoder().encode(`m${i}`), false, sim.now);
    sim.run(() => ofType(b, 'message').length === i + 1);
  }
  t.equal(ofType(b, 'message').length, 20);
  sim.drop = () => false;
  t.ok(captured.length > 0, `captured ${captured.length} datagrams`);

  let injected = 0;
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        // a real datagram with 1..4 bytes changed
        fc.tuple(fc.nat(captured.length - 1), fc.array(fc.tuple(fc.nat(2000), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }))
          .map(([i, flips]) => {
            const d = captured[i].slice();
            for (const [pos, x] of flips) d[pos % d.length] ^= x;
            return d;
          }),
        // first byte in each RFC 7983 range, rest junk
        fc.tuple(fc.constantFrom(0, 1, 20, 22, 23, 64, 128), fc.uint8Array({ maxLength: 100 })).map(([b0, rest]) => Uint8Array.of(b0, ...rest)),
      ),
      (bytes) => {
        injected++;
        b.core.handlePacket(bytes, a.address, b.address, sim.now);
        a.core.handlePacket(bytes, b.address, a.address, sim.now);
      },
    ),
    { numRuns: 3000, seed: 42 },
  );
  // drain whatever the junk provoked, then the connection must still carry data
  sim.run(() => false, 2000);
  t.equal(a.core.connectionState, 'connected', 'a still connected');
  t.equal(b.core.connectionState, 'connected', 'b still connected');
  const before = ofType(b, 'message').length;
  a.core.sendOnChannel(ch, new TextEncoder().encode('after'), false, sim.now);
  t.ok(sim.run(() => ofType(b, 'message').length === before + 1), `still delivers after ${injected} hostile datagrams`);
  t.equal((ofType(a, 'closed').length), 0, 'no channel closed');
  void (ch as ManagedChannel);
  t.end();
});

t.test('fuzz the manager with arbitrary SCTP messages (DCEP and data PPIDs)', (t) => {
  const sim = new Sim();
  const a = sim.add('10.0.0.1', 1000, {}, 33);
  const b = sim.add('10.0.0.2', 2000, {}, 34);
  a.core.createDataChannel({ label: 'g' }, sim.now);
  negotiate(sim, a, b);
  t.ok(sim.run(() => ofType(b, 'open').length === 1));
  const m = b.core.channels;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 70000 }), fc.constantFrom(0, 50, 51, 52, 53, 54, 56, 57, 99), fc.uint8Array({ maxLength: 64 }), (streamId, ppid, data) => {
      m.handleSctpEvent({ type: 'message', streamId, ppid, data }, sim.now);
      for (let e = m.pollEvent(); e !== undefined; e = m.pollEvent()) void e;
    }),
    { numRuns: 20000, seed: 7 },
  );
  const s = m.stats();
  t.ok(s.droppedDcep + s.droppedMessages > 0, `dropped ${s.droppedDcep} DCEP, ${s.droppedMessages} messages`);
  t.ok(m.channels().length <= 65534, 'channels bounded');
  t.end();
});
