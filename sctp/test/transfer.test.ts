import t from 'tap';
import { SctpError, type SctpEvent } from '../src/index.js';
import { Rng, SimNetwork, type LinkOptions } from './sim.js';

/** Deterministic content for message i of n bytes (the receiver regenerates it to compare). */
function content(i: number, n: number): Uint8Array {
  const d = new Uint8Array(n);
  let x = (i * 2654435761) >>> 0 || 1;
  for (let j = 0; j < n; j++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    d[j] = x;
  }
  return d;
}
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;
const lossy: LinkOptions = { delay: 20, jitter: 15, loss: 0.1, duplicate: 0.05 };
type Msg = Extract<SctpEvent, { type: 'message' }>;

t.test('10,000 mixed-size messages on 4 reliable ordered streams under 10 % loss, reordering and duplication', async (t) => {
  const net = new SimNetwork(2024, { remoteMaxMessageSize: 0 }, {}, [lossy, lossy]);
  t.ok(net.connect());
  const rng = new Rng(99);
  const N = 10_000;
  const sizes: number[] = [];
  for (let i = 0; i < N; i++) {
    const r = rng.next();
    sizes.push(r < 0.6 ? 1 + rng.int(300) : r < 0.95 ? 1 + rng.int(3000) : 1 + rng.int(40000));
  }
  let sent = 0;
  // the application keeps ~256 KiB queued, refilling as the buffer drains (like a real sender)
  const refill = () => {
    while (sent < N && net.peers[0].totalBufferedAmount() < 256 * 1024) {
      net.peers[0].send(sent % 4, 53, content(sent, sizes[sent]), {}, net.now);
      sent++;
    }
  };
  refill();
  const got: Msg[] = [];
  net.onEvent = (side, ev) => {
    if (side === 1 && ev.type === 'message') got.push(ev);
    if (side === 0) refill();
  };
  const origFlush = net.flush.bind(net);
  net.flush = () => {
    refill();
    origFlush();
  };
  t.ok(net.run(() => got.length === N, 10_000_000), 'every message arrived');
  const next = [0, 1, 2, 3];
  let bad = 0;
  for (const m of got) {
    const i = next[m.streamId];
    next[m.streamId] += 4;
    if (!same(m.data, content(i, sizes[i])) || m.ppid !== 53) bad++;
  }
  t.equal(bad, 0, 'in order per stream and byte-exact');
  const s0 = net.peers[0].stats();
  const s1 = net.peers[1].stats();
  t.ok(s0.retransmissions > 100 && s0.fastRetransmits > 10, `loss was repaired (${s0.retransmissions} retransmissions, ${s0.fastRetransmits} fast)`);
  t.ok(s1.duplicateTsnsReceived > 0, 'duplicates were seen and reported');
  t.equal(s1.receiveBufferedBytes, 0, 'nothing left in reassembly');
});

t.test('unordered reliable messages: all arrive exactly once, some out of order', async (t) => {
  const net = new SimNetwork(5, {}, {}, [lossy, lossy]);
  t.ok(net.connect());
  const N = 2000;
  for (let i = 0; i < N; i++) net.peers[0].send(2, 51, content(i, 1 + (i % 2500)), { unordered: true }, net.now);
  t.ok(net.run(() => net.messages(1).length >= N));
  const msgs = net.messages(1);
  t.equal(msgs.length, N, 'exactly once');
  const index = msgs.map((m) => {
    for (let i = 0; i < N; i++) if (1 + (i % 2500) === m.data.length && same(m.data, content(i, m.data.length))) return i;
    return -1;
  });
  t.notOk(index.includes(-1), 'byte-exact');
  t.equal(new Set(index).size, N, 'no duplicates');
  let inversions = 0;
  for (let k = 1; k < index.length; k++) if (index[k] < index[k - 1]) inversions++;
  t.ok(inversions > 10, `delivered out of order when loss allows (${inversions} inversions)`);
});

t.test('PR-SCTP maxRetransmits: 0 — lost messages are abandoned with FORWARD-TSN, the rest flows', async (t) => {
  for (const unordered of [true, false]) {
    const net = new SimNetwork(8, {}, {}, [lossy, { delay: 20 }]);
    t.ok(net.connect());
    const N = 1000;
    for (let i = 0; i < N; i++) net.peers[0].send(3, 53, content(i, 200 + (i % 3000)), { unordered, maxRetransmits: 0 }, net.now);
    // afterwards a reliable message on another stream must still arrive (cumulative TSN moved on)
    net.peers[0].send(4, 51, new TextEncoder().encode('reliable'), {}, net.now);
    t.ok(net.run(() => net.messages(1).some((m) => m.streamId === 4)), 'reliable message after the partially reliable ones');
    // until everything was sent and acked or abandoned: a message half-way through at an
    // arbitrary moment is legitimately held for reassembly
    const drained = () => { const s0 = net.peers[0].stats(); return s0.flightBytes === 0 && s0.bufferedAmount === 0; };
    t.ok(net.run(drained, net.now + 120_000), 'the sender drained its queue');
    net.run(() => false, net.now + 1000);
    const got = net.messages(1).filter((m) => m.streamId === 3);
    const s = net.peers[0].stats();
    t.ok(got.length > N * 0.6 && got.length < N, `${unordered ? 'unordered' : 'ordered'}: ${got.length}/${N} arrived`);
    t.ok(s.abandonedMessages > 0 && s.forwardTsnsSent > 0, `${s.abandonedMessages} abandoned, ${s.forwardTsnsSent} FORWARD-TSN`);
    t.ok(got.every((m) => same(m.data, content(indexOf(m.data, N), m.data.length))), 'what arrived is intact');
    if (!unordered) {
      const idx = got.map((m) => indexOf(m.data, N));
      t.ok(idx.every((v, k) => k === 0 || v > idx[k - 1]), 'ordered stream: still in order, with holes');
    }
    t.equal(net.peers[1].stats().receiveBufferedBytes, 0, 'partial messages were dropped by FORWARD-TSN');
  }
  function indexOf(d: Uint8Array, n: number): number {
    for (let i = 0; i < n; i++) if (200 + (i % 3000) === d.length && same(d, content(i, d.length))) return i;
    return -1;
  }
});

t.test('PR-SCTP maxPacketLifeTime: messages that cannot be sent in time are dropped', async (t) => {
  // 1 Mbit/s link: 2 MB of messages with a 300 ms lifetime cannot all make it
  const link: LinkOptions = { delay: 10, bandwidth: 1e6 };
  const net = new SimNetwork(3, {}, {}, [link, link]);
  t.ok(net.connect());
  const N = 2000;
  for (let i = 0; i < N; i++) net.peers[0].send(1, 53, content(i, 1000), { maxPacketLifeTime: 300 }, net.now);
  net.peers[0].send(1, 51, Uint8Array.of(1), {}, net.now);
  t.ok(net.run(() => net.messages(1).some((m) => m.ppid === 51)));
  const got = net.messages(1).length - 1;
  t.ok(got > 10 && got < N / 2, `${got} of ${N} made it within their lifetime`);
  t.equal(net.peers[0].bufferedAmount(1), 0, 'expired messages left the buffer');
});

t.test('stream reset mid-transfer: data before the reset arrives, then both directions reset; ids are reused', async (t) => {
  const net = new SimNetwork(17, {}, {}, [lossy, lossy]);
  t.ok(net.connect());
  // like Chrome: when the peer resets its outgoing stream, reset ours too (RFC 8831 §6.7)
  net.onEvent = (side, ev) => {
    if (ev.type === 'stream-reset' && side === 1) net.peers[1].resetStreams(ev.streamIds, net.now);
  };
  for (let i = 0; i < 300; i++) net.peers[0].send(1, 53, content(i, 1 + ((i * 37) % 5000)), {}, net.now);
  for (let i = 0; i < 50; i++) net.peers[0].send(2, 53, content(i, 100), {}, net.now);
  net.peers[0].resetStreams([1], net.now); // close channel 1 with data pending
  // a new channel on the same id before the reset completed: held until it is done
  for (let i = 0; i < 20; i++) net.peers[0].send(1, 51, content(1000 + i, 10 + i), {}, net.now);
  t.ok(
    net.run(() => net.events[0].some((e) => e.type === 'streams-reset-done') && net.events[1].some((e) => e.type === 'streams-reset-done') && net.messages(1).filter((m) => m.streamId === 1).length === 320),
  );
  const ev1 = net.events[1].filter((e) => (e.type === 'message' && e.streamId === 1) || e.type === 'stream-reset');
  const resetAt = ev1.findIndex((e) => e.type === 'stream-reset');
  t.equal(resetAt, 300, 'the 300 old messages, then the reset, then the new channel');
  t.same(ev1[resetAt], { type: 'stream-reset', streamIds: [1] });
  const old = ev1.slice(0, 300) as Msg[];
  t.ok(old.every((m, i) => same(m.data, content(i, 1 + ((i * 37) % 5000)))), 'old data intact and in order');
  const fresh = ev1.slice(301) as Msg[];
  t.ok(fresh.every((m, i) => m.ppid === 51 && same(m.data, content(1000 + i, 10 + i))), 'new channel data in order from SSN 0');
  t.same(net.events[0].find((e) => e.type === 'streams-reset-done'), { type: 'streams-reset-done', streamIds: [1] });
  t.same(net.events[0].find((e) => e.type === 'stream-reset'), { type: 'stream-reset', streamIds: [1] }, "the peer's reset of its own side");
  t.equal(net.messages(1).filter((m) => m.streamId === 2).length, 50, 'other streams unaffected');
  // and the peer can send on the reused id too
  net.peers[1].send(1, 51, Uint8Array.of(7), {}, net.now);
  t.ok(net.run(() => net.messages(0).some((m) => m.streamId === 1)));
});

t.test('close and re-open races: many channels closed and re-opened while data is in flight', async (t) => {
  const net = new SimNetwork(23, {}, {}, [lossy, lossy]);
  t.ok(net.connect());
  net.onEvent = (side, ev) => {
    if (ev.type === 'stream-reset') net.peers[side].resetStreams(ev.streamIds, net.now);
  };
  const rounds = 5;
  const ids = [0, 2, 4, 6];
  for (let r = 0; r < rounds; r++) {
    for (const id of ids) for (let k = 0; k < 5; k++) net.peers[0].send(id, 51, new TextEncoder().encode(`r${r} s${id} m${k}`), {}, net.now);
    net.peers[0].resetStreams(ids, net.now);
  }
  const done = () => net.events[0].filter((e) => e.type === 'streams-reset-done').flatMap((e) => (e as { streamIds: number[] }).streamIds).length;
  t.ok(net.run(() => done() === rounds * ids.length && net.messages(1).length === rounds * ids.length * 5));
  const dec = new TextDecoder();
  for (const id of ids) {
    const seq = net.events[1].filter((e) => (e.type === 'message' && e.streamId === id) || (e.type === 'stream-reset' && e.streamIds.includes(id))).map((e) => (e.type === 'message' ? dec.decode(e.data) : 'RESET'));
    const want: string[] = [];
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < 5; k++) want.push(`r${r} s${id} m${k}`);
      want.push('RESET');
    }
    t.same(seq, want, `stream ${id}: each generation delivered in order, separated by resets`);
  }
});

t.test('message size limits: sends above the peer limit fail at once; an oversized incoming message aborts', async (t) => {
  const net = new SimNetwork(4, { remoteMaxMessageSize: 1000 }, { maxMessageSize: 10_000, remoteMaxMessageSize: 0 }, [{ delay: 1 }, { delay: 1 }]);
  t.ok(net.connect());
  t.throws(() => net.peers[0].send(0, 53, new Uint8Array(1001), {}, net.now), new SctpError('message-too-large', ''));
  try {
    net.peers[0].send(0, 53, new Uint8Array(1001), {}, net.now);
  } catch (e) {
    t.match((e as Error).message, /1001 bytes exceeds the peer's max-message-size 1000/);
  }
  net.peers[0].send(0, 53, new Uint8Array(1000), {}, net.now);
  net.peers[0].remoteMaxMessageSize = 0; // unlimited: now the peer (10 000 max) is the one to enforce
  net.peers[0].send(0, 53, new Uint8Array(20_000), {}, net.now);
  t.ok(net.run(() => net.events.every((ev) => ev.some((e) => e.type === 'aborted'))));
  t.equal(net.messages(1).length, 1, 'the allowed message arrived');
  t.match(net.events[1].at(-1), { type: 'aborted', reason: /larger than 10000/ });
  t.match(net.events[0].at(-1), { type: 'aborted', reason: /protocol-violation/ });
  // empty messages become PPID 56/57 with one zero byte (RFC 8831 §6.6)
  const n2 = new SimNetwork(5, {}, {}, [{}, {}]);
  t.ok(n2.connect());
  n2.peers[0].send(0, 51, new Uint8Array(0), {}, n2.now);
  n2.peers[0].send(0, 53, new Uint8Array(0), {}, n2.now);
  t.ok(n2.run(() => n2.messages(1).length === 2));
  t.same(n2.messages(1).map((m) => [m.ppid, [...m.data]]), [
    [56, [0]],
    [57, [0]],
  ]);
  t.throws(() => n2.peers[0].send(65535, 51, Uint8Array.of(1), {}, n2.now), { code: 'invalid-stream' });
});

t.test('a 16 MiB message when both sides allow it, byte-exact under loss', async (t) => {
  const big = 16 * 1024 * 1024;
  const net = new SimNetwork(6, { maxMessageSize: big, remoteMaxMessageSize: big }, { maxMessageSize: big }, [{ delay: 10, loss: 0.02 }, { delay: 10, loss: 0.02 }]);
  t.ok(net.connect());
  const data = content(77, big);
  net.peers[0].send(0, 53, data, {}, net.now);
  t.ok(net.run(() => net.messages(1).length === 1));
  t.ok(same(net.messages(1)[0].data, data));
});

t.test('backpressure: buffered amount per stream and total, low-water events', async (t) => {
  const net = new SimNetwork(12, {}, {}, [{ delay: 25, bandwidth: 10e6 }, { delay: 25 }]);
  t.ok(net.connect());
  const a = net.peers[0];
  a.setBufferedAmountLowThreshold(1, 100_000);
  a.setTotalBufferedAmountLowThreshold(50_000);
  for (let i = 0; i < 100; i++) a.send(1, 53, new Uint8Array(10_000), {}, net.now);
  a.send(2, 53, new Uint8Array(5000), {}, net.now);
  t.equal(a.bufferedAmount(1), 1_000_000);
  t.equal(a.bufferedAmount(2), 5000);
  t.equal(a.totalBufferedAmount(), 1_005_000);
  net.flush();
  t.ok(a.bufferedAmount(1) < 1_000_000 && a.bufferedAmount(1) > 100_000, 'the congestion window holds the rest back');
  let amountAtEvent = -1;
  net.onEvent = (side, ev) => {
    if (side === 0 && ev.type === 'buffered-amount-low' && ev.streamId === 1) amountAtEvent = a.bufferedAmount(1);
  };
  t.ok(net.run(() => amountAtEvent >= 0));
  t.ok(amountAtEvent <= 100_000 && amountAtEvent > 80_000, `event when it fell to the threshold (${amountAtEvent})`);
  t.same(
    net.events[0].filter((e) => e.type === 'buffered-amount-low'),
    [
      { type: 'buffered-amount-low', streamId: 2 },
      { type: 'buffered-amount-low', streamId: 1 },
    ],
    'once per crossing, per stream',
  );
  let totalAtEvent = -1;
  net.onEvent = (side, ev) => {
    if (side === 0 && ev.type === 'total-buffered-amount-low') totalAtEvent = a.totalBufferedAmount();
  };
  t.ok(net.run(() => net.messages(1).length === 101));
  t.equal(a.totalBufferedAmount(), 0);
  t.ok(totalAtEvent >= 0 && totalAtEvent <= 50_000 && totalAtEvent > 30_000, `association-wide low-water event at ${totalAtEvent}`);
  t.equal(net.events[0].filter((e) => e.type === 'total-buffered-amount-low').length, 1);
});

t.test('send() copies by default; { transfer: true } hands the buffer over without a copy', async (t) => {
  const net = new SimNetwork(44, {}, {}, [{ delay: 5 }, { delay: 5 }]);
  t.ok(net.connect());
  const copied = Uint8Array.of(1, 2, 3);
  const handed = Uint8Array.of(1, 2, 3);
  net.peers[0].send(0, 53, copied, {}, net.now);
  net.peers[0].send(1, 53, handed, { transfer: true }, net.now);
  copied[0] = 9; // the caller reuses its buffers before anything was sent
  handed[0] = 9;
  t.ok(net.run(() => net.messages(1).length === 2));
  const by = (id: number) => [...net.messages(1).find((m) => m.streamId === id)!.data];
  t.same(by(0), [1, 2, 3], 'default: what was passed at send() time');
  t.same(by(1), [9, 2, 3], 'transfer: the buffer itself');
});

t.test('two association pairs stepped in turn under loss: SACK gap blocks are built in one shared buffer, both transfers byte-exact', async (t) => {
  const nets = [new SimNetwork(71, {}, {}, [lossy, lossy]), new SimNetwork(72, {}, {}, [lossy, lossy])];
  for (const net of nets) t.ok(net.connect());
  const N = 400;
  for (const [k, net] of nets.entries()) for (let i = 0; i < N; i++) net.peers[0].send(0, 53, content(i + k * N, 200 + (i % 900)), {}, net.now);
  const done = (net: SimNetwork) => () => net.messages(1).length === N;
  // a few ms of virtual time each, alternately: SACKs of one pair are built between the other's
  for (let step = 0; step < 100_000 && !nets.every((n) => done(n)()); step++) {
    for (const net of nets) {
      const until = net.now + 5;
      net.run(done(net), until);
      net.now = Math.max(net.now, until);
    }
  }
  for (const [k, net] of nets.entries()) {
    const got = net.messages(1);
    t.equal(got.length, N, `pair ${k}: every message arrived`);
    t.ok(got.every((m, i) => same(m.data, content(i + k * N, 200 + (i % 900)))), `pair ${k}: in order and byte-exact`);
    t.ok(net.peers[0].stats().fastRetransmits > 0, `pair ${k}: gap reports drove fast retransmits (${net.peers[0].stats().fastRetransmits})`);
  }
});
