import t from 'tap';
import fc from 'fast-check';
import { ChunkType, SctpAssociation, type SctpEvent } from '../src/index.js';
import { Plpmtud } from '../src/pmtu/plpmtud.js';
import { SimNetwork, type LinkOptions } from './sim.js';

type Msg = Extract<SctpEvent, { type: 'message' }>;
const link: LinkOptions = { delay: 10 };

/** Drops every packet above `limit()` bytes in both directions (a path MTU, no ICMP: RFC 8899 §1.1). */
function pathMtu(net: SimNetwork, limit: () => number, dropped: { n: number; probes: number }): void {
  net.tap = (_from, bytes) => {
    if (bytes.length <= limit()) return bytes;
    dropped.n++;
    if (bytes[12] === ChunkType.HEARTBEAT) dropped.probes++;
    return undefined;
  };
}

/** Sends `count` messages of `size` bytes from side 0; runs until they all arrived. */
function transfer(net: SimNetwork, count: number, size: number, until = 600_000): Msg[] {
  const got: Msg[] = [];
  net.onEvent = (side, ev) => {
    if (side === 1 && ev.type === 'message') got.push(ev);
  };
  for (let i = 0; i < count; i++) {
    const d = new Uint8Array(size);
    d.fill(i & 255);
    net.peers[0].send(1, 53, d, {}, net.now);
  }
  net.run(() => got.length === count, net.now + until);
  return got;
}

t.test('off by default: no probe, packets stay within mtu', async (t) => {
  const net = new SimNetwork(1, {}, {}, [link, link]);
  t.ok(net.connect());
  let largest = 0;
  net.tap = (_f, b) => ((largest = Math.max(largest, b.length)), b);
  t.equal(transfer(net, 50, 10_000).length, 50);
  const s = net.peers[0].stats();
  t.equal(s.pmtuState, 'disabled');
  t.equal(s.pmtuProbesSent, 0);
  t.ok(largest <= 1200, `largest packet ${largest}`);
});

t.test('converges to the largest size the path carries', async (t) => {
  for (const [path, max] of [
    [16384, 16384],
    [9000, 16384],
    [1500, 16384],
    [1400, 1472],
  ] as const) {
    const net = new SimNetwork(path, { maxMtu: max }, { maxMtu: max }, [link, link]);
    const dropped = { n: 0, probes: 0 };
    pathMtu(net, () => path, dropped);
    t.ok(net.connect());
    const got = transfer(net, 400, 4000);
    t.equal(got.length, 400, `path ${path}: every message arrived`);
    t.ok(got.every((m, i) => m.data.length === 4000 && m.data[0] === (i & 255)), 'in order, intact');
    // the search continues while data flows; give it the remaining probe timers
    net.run(() => net.peers[0].stats().pmtuState === 'search-complete', net.now + 60_000);
    const s = net.peers[0].stats();
    t.equal(s.pmtuState, 'search-complete', `path ${path}: search complete`);
    t.ok(s.pmtu <= path && s.pmtu > path - 64, `path ${path}: PLPMTU ${s.pmtu} within 64 bytes under the path MTU`);
    t.equal(dropped.n, dropped.probes, `path ${path}: only probes were lost (${dropped.probes})`);
    t.equal(s.t3Expiries + s.fastRetransmits, 0, 'no data loss');
    t.ok(s.pmtuProbesAcked >= 2, 'base and at least one larger size confirmed');
  }
});

t.test('lost probes do not shrink the congestion window', async (t) => {
  const net = new SimNetwork(7, { maxMtu: 16384, initialCwndMtus: 10 }, {}, [link, link]);
  const dropped = { n: 0, probes: 0 };
  pathMtu(net, () => 1200, dropped); // nothing above the base size gets through
  t.ok(net.connect());
  const cwnds: number[] = [];
  net.onEvent = () => cwnds.push(net.peers[0].stats().cwnd);
  t.equal(transfer(net, 300, 3000).length, 300);
  net.run(() => net.peers[0].stats().pmtuState === 'search-complete', net.now + 120_000);
  const s = net.peers[0].stats();
  t.equal(s.pmtu, 1200, 'PLPMTU stays at the base size');
  t.ok(dropped.probes >= 3, `${dropped.probes} probes lost`);
  t.equal(dropped.n, dropped.probes, 'only probes were lost');
  t.equal(s.t3Expiries + s.fastRetransmits, 0, 'no retransmission');
  t.ok(s.ssthresh >= 5 * 1024 * 1024, 'slow start never ended by a loss');
});

t.test('a black hole after convergence: back to the base size, search again, data keeps arriving', async (t) => {
  const net = new SimNetwork(11, { maxMtu: 16384, maxRetransmissions: undefined }, {}, [link, link]);
  let limit = 65535;
  const dropped = { n: 0, probes: 0 };
  pathMtu(net, () => limit, dropped);
  t.ok(net.connect());
  t.equal(transfer(net, 100, 20_000).length, 100);
  t.equal(net.peers[0].pmtu, 16384, 'converged to maxMtu');
  // the path shrinks: full-size packets vanish without a signal. Reliable chunks already cut for
  // 16 KiB cannot be re-fragmented (RFC 9260 §7.3), so these messages are partially reliable
  limit = 4000;
  const got: Msg[] = [];
  net.onEvent = (side, ev) => {
    if (side === 1 && ev.type === 'message') got.push(ev);
  };
  for (let i = 0; i < 20; i++) net.peers[0].send(2, 53, new Uint8Array(20_000).fill(7), { maxRetransmits: 1 }, net.now);
  net.run(() => net.peers[0].stats().t3Expiries > 0, net.now + 10_000);
  t.equal(net.peers[0].pmtu, 1200, 'a T3-rtx expiry fell back to the base size');
  t.equal(net.peers[0].stats().pmtuBlackHoles, 1);
  for (let i = 0; i < 50; i++) net.peers[0].send(1, 53, new Uint8Array(20_000).fill(i), {}, net.now);
  t.ok(net.run(() => got.filter((m) => m.streamId === 1).length === 50, net.now + 600_000), 'reliable data sent after the fall back arrived');
  net.run(() => net.peers[0].stats().pmtuState === 'search-complete', net.now + 120_000);
  const p = net.peers[0].pmtu;
  t.ok(p <= 4000 && p > 4000 - 64, `searched again under the black hole: ${p}`);
});

t.test('PAD chunks are ignored; HEARTBEAT + PAD is answered with a small HEARTBEAT-ACK', async (t) => {
  const net = new SimNetwork(3, { maxMtu: 8000 }, {}, [link, link]);
  const sizes: number[] = [];
  net.tap = (from, b) => {
    if (from === 1 && b[12] === ChunkType.HEARTBEAT_ACK) sizes.push(b.length);
    return b;
  };
  t.ok(net.connect());
  transfer(net, 20, 10_000);
  t.ok(sizes.length >= 2 && sizes.every((n) => n < 64), `acks ${sizes.join(',')}`);
  t.equal(net.peers[1].stats().unknownChunks, 0, 'PAD is known, not counted as unknown');
  t.equal(net.peers[0].pmtu, 8000);
});

t.test('state machine: max first, then binary search; failures need MAX_PROBES timeouts', async (t) => {
  const pl = new Plpmtud({ base: 1163, max: 16384, probeTimer: 1000, maxProbes: 3, raiseTimer: 600_000 });
  t.equal(pl.state, 'disabled');
  pl.start(0);
  t.equal(pl.state, 'base');
  t.equal(pl.pendingProbe(), 1160, 'base size, aligned to 4');
  pl.probeSent(0);
  t.equal(pl.pendingProbe(), undefined, 'one probe in flight');
  pl.probeAcked(1160, 10);
  t.equal(pl.state, 'searching');
  t.equal(pl.pendingProbe(), 16384, 'largest candidate first');
  for (let i = 0; i < 3; i++) {
    pl.probeSent(100 + i * 1000);
    pl.handleTimeout(100 + i * 1000 + 1000);
  }
  const next = pl.pendingProbe()!;
  t.ok(next > 1160 && next < 16384 && next % 4 === 0, `then the middle: ${next}`);
  t.equal(pl.pmtu, 1163, 'unchanged until a probe is confirmed');
  pl.probeSent(5000);
  pl.probeAcked(next, 5010);
  t.equal(pl.pmtu, next);
  pl.blackHole(6000);
  t.equal(pl.pmtu, 1163);
  t.equal(pl.state, 'base');
  t.equal(pl.pendingProbe(), 1160, 'after a black hole: the base size is confirmed first');
  pl.probeSent(6000);
  pl.probeAcked(1160, 6010);
  t.equal(pl.pendingProbe(), next, 'then the size in use before (not the largest candidate again)');
  pl.probeSent(6010);
  pl.probeAcked(next, 6020);
  t.equal(pl.pmtu, next, 'a spurious detection costs two round trips');
  t.equal(pl.pendingProbe(), align(next + ((16384 - next) >> 1)), 'and the search goes on where it was');
});
const align = (n: number) => n & ~3;

t.test('fuzz: PLPMTUD driven by arbitrary events keeps its invariants', async () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 70_000 })), { maxLength: 200 }), (ops) => {
      const pl = new Plpmtud({ base: 1163, max: 16384, probeTimer: 1000, maxProbes: 3, raiseTimer: 600_000 });
      let now = 0;
      for (const [op, n] of ops) {
        now += n % 5000;
        if (op === 0) pl.start(now);
        else if (op === 1 && pl.pendingProbe() !== undefined) pl.probeSent(now);
        else if (op === 2) pl.probeAcked(n % 2 ? n : (pl.pendingProbe() ?? n), now);
        else if (op === 3) pl.handleTimeout(pl.deadline() ?? now);
        else pl.blackHole(now);
        if (!(pl.pmtu >= 1163 && pl.pmtu <= 16384)) return false;
        const p = pl.pendingProbe();
        if (p !== undefined && (p < 1160 || p > 16384 || p % 4 !== 0)) return false;
      }
      return true;
    }),
  );
});

t.test('fuzz: handlePacket with probes and PAD chunks never throws', async () => {
  const a = new SctpAssociation({ random: (b) => b.fill(1), maxMtu: 16384 }, 0);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (bytes) => {
      const b = new Uint8Array(12 + bytes.length);
      b.set(bytes, 12);
      b[12] = ChunkType.PAD;
      a.handlePacket(b, 1);
      for (let p = a.pollTransmit(); p; p = a.pollTransmit());
    }),
  );
});
