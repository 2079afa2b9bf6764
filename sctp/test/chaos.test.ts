/**
 * Randomized soak: many seeds, each a random mix of reliable / unordered / partially reliable
 * sends on random streams, stream resets with re-opens, in both directions, over links with
 * random loss, duplication and reordering. Checks what must hold whatever happened.
 */
import t from 'tap';
import type { SctpEvent } from '../src/index.js';
import { Rng, SimNetwork } from './sim.js';

interface Sent {
  stream: number;
  gen: number;
  seq: number;
  reliable: boolean;
  ordered: boolean;
}

function payload(side: number, s: Sent, size: number): Uint8Array {
  const d = new Uint8Array(Math.max(12, size));
  const v = new DataView(d.buffer);
  v.setUint16(0, side);
  v.setUint16(2, s.stream);
  v.setUint32(4, s.gen);
  v.setUint32(8, s.seq);
  for (let i = 12; i < d.length; i++) d[i] = (i * 31 + s.seq) & 0xff;
  return d;
}

t.test('random operations over random lossy links: reliable data exactly once and in order per channel generation', async (t) => {
  const seeds = Number(process.env.CHAOS_SEEDS ?? 24);
  for (let seed = 1; seed <= seeds; seed++) {
    const rng = new Rng(seed * 977);
    const maxLoss = seed % 3 === 0 ? 0.3 : 0.15;
    const link = () => ({ delay: 5 + rng.int(40), jitter: rng.int(20), loss: rng.next() * maxLoss, duplicate: rng.next() * 0.05 });
    // on even seeds each side answers a peer's reset with its own (as browsers close channels)
    const echoResets = seed % 2 === 0;
    // every 4th seed with I-DATA interleaving (RFC 8260) on both sides
    const interleaving = seed % 4 === 1;
    // and random MTUs, zero checksum on some, SNAP instead of the handshake on some
    // every 6th seed with tight receive windows and buffers (zero windows, refused chunks); not
    // with I-DATA, where a window smaller than the messages in progress on all streams at once
    // leaves only zero-window probing (see README, "Not done")
    const tight = seed % 6 === 3 && !interleaving ? { aRwnd: 30_000, maxReceiveBufferBytes: 45_000, maxMessageSize: 25_000 } : {};
    // every 3rd seed with PLPMTUD up to 16 KiB (RFC 8899) over a path that drops packets above
    // pathMtu without a signal: probes find it under loss, and T3 expiries (black-hole suspicion)
    // send it back to the base size and search again
    const pmtud = seed % 3 === 1 ? { maxMtu: 16384 } : {};
    const pathMtu = 1500 + ((seed * 1237) % 6000);
    const side = () => ({ remoteMaxMessageSize: 0, interleaving, mtu: 400 + rng.int(1100), zeroChecksum: rng.int(2) === 0, heartbeatInterval: 500 + rng.int(5000), ...tight, ...pmtud });
    const net = new SimNetwork(seed, side(), side(), [link(), link()]);
    if (seed % 3 === 1) net.tap = (_from, bytes) => (bytes.length <= pathMtu ? bytes : undefined);
    if (seed % 5 === 2) {
      const [a, b] = net.peers;
      const ia = a.snapInit();
      const ib = b.snapInit();
      a.connectSnap(ib, 0);
      b.connectSnap(ia, 0);
      net.flush();
    } else if (!net.connect(rng.next() < 0.3)) {
      t.fail(`seed ${seed}: no connection`);
      continue;
    }
    const streams = [1, 2, 3, 4, 5];
    // per side, per stream: current generation and next seq; what was sent
    const gen = [new Map<number, number>(), new Map<number, number>()];
    const seq = [new Map<string, number>(), new Map<string, number>()];
    const sent: Sent[][] = [[], []];
    const resetting = [new Set<number>(), new Set<number>()];
    net.onEvent = (side, ev) => {
      if (ev.type === 'streams-reset-done') for (const id of ev.streamIds) resetting[side].delete(id);
      if (ev.type === 'stream-reset' && echoResets) {
        for (const id of ev.streamIds) {
          resetting[side].add(id);
          gen[side].set(id, (gen[side].get(id) ?? 0) + 1);
        }
        net.peers[side].resetStreams(ev.streamIds, net.now);
      }
    };
    const ops = 150 + rng.int(150);
    for (let k = 0; k < ops; k++) {
      const side = rng.int(2) as 0 | 1;
      const stream = streams[rng.int(streams.length)];
      const g = gen[side].get(stream) ?? 0;
      if (rng.next() < 0.04) {
        net.peers[side].resetStreams([stream], net.now);
        resetting[side].add(stream);
        gen[side].set(stream, g + 1);
      } else {
        const key = `${stream}/${g}`;
        const n = seq[side].get(key) ?? 0;
        seq[side].set(key, n + 1);
        const r = rng.next();
        const s: Sent = { stream, gen: g, seq: n, reliable: r < 0.7, ordered: r < 0.5 || (r >= 0.7 && r < 0.85) };
        const opts = s.reliable ? { unordered: !s.ordered } : rng.int(2) ? { unordered: !s.ordered, maxRetransmits: rng.int(2) } : { unordered: !s.ordered, maxPacketLifeTime: 50 + rng.int(300) };
        sent[side].push(s);
        net.peers[side].send(stream, 53, payload(side, s, rng.int(3) === 0 ? rng.int(20000) : rng.int(1500)), opts, net.now);
      }
      net.run(() => false, net.now + rng.int(30));
    }
    // let everything settle: all queues drained, resets done, nothing in flight; on every 7th
    // seed SHUTDOWN is called at once instead, with data and resets still pending
    const closeEarly = seed % 7 === 4;
    if (closeEarly) {
      if (seed % 5 === 3) {
        net.peers[0].shutdown(net.now);
        net.peers[1].shutdown(net.now);
      } else net.peers[rng.int(2)].shutdown(net.now);
      t.ok(net.run(() => net.events.every((e) => e.some((x) => x.type === 'closed'))), `seed ${seed}: SHUTDOWN with data pending completed`);
    } else {
      const quiet = () =>
        net.peers.every((p) => p.totalBufferedAmount() === 0 && p.stats().flightBytes === 0 && p.stats().receiveBufferedBytes === 0) && resetting.every((r) => r.size === 0);
      t.ok(net.run(quiet, net.now + 600_000), `seed ${seed}: settled`);
    }
    if (seed % 3 === 1) {
      const st = net.peers.map((p) => p.stats());
      // how far the search got depends on the loss (a failed size costs 3 probe timers): the
      // invariant is that no packet above the path was ever counted on
      t.ok(st.every((x) => x.pmtu <= pathMtu && x.pmtuProbesAcked >= 1), `seed ${seed}: PLPMTU ${st.map((x) => x.pmtu)} within the ${pathMtu}-byte path, ${st.map((x) => x.pmtuProbesAcked)} probes confirmed`);
    }
    // check deliveries on each receiving side
    for (const side of [0, 1] as const) {
      const recv = net.events[1 - side].filter((e): e is Extract<SctpEvent, { type: 'message' }> => e.type === 'message');
      const got = new Map<string, number[]>();
      let corrupt = 0;
      for (const m of recv) {
        const v = new DataView(m.data.buffer, m.data.byteOffset, m.data.byteLength);
        if (m.data.length < 12 || v.getUint16(0) !== side || v.getUint16(2) !== m.streamId) {
          corrupt++;
          continue;
        }
        for (let i = 12; i < m.data.length; i++) if (m.data[i] !== ((i * 31 + v.getUint32(8)) & 0xff)) corrupt++;
        const key = `${m.streamId}/${v.getUint32(4)}`;
        if (!got.has(key)) got.set(key, []);
        got.get(key)!.push(v.getUint32(8));
      }
      let missing = 0;
      let dup = 0;
      let disorder = 0;
      for (const s of sent[side]) {
        const arr = got.get(`${s.stream}/${s.gen}`) ?? [];
        const count = arr.filter((x) => x === s.seq).length;
        if (count > 1) dup++;
        if (s.reliable && count === 0) missing++;
      }
      for (const [key, arr] of got) {
        // ordered messages of one generation arrive in increasing seq order
        const orderedSeqs = new Set(sent[side].filter((s) => `${s.stream}/${s.gen}` === key && s.ordered).map((s) => s.seq));
        const ord = arr.filter((x) => orderedSeqs.has(x));
        for (let i = 1; i < ord.length; i++) if (ord[i] < ord[i - 1]) disorder++;
      }
      t.same({ corrupt, missing, dup, disorder }, { corrupt: 0, missing: 0, dup: 0, disorder: 0 }, `seed ${seed}, ${side === 0 ? 'a→b' : 'b→a'}: ${sent[side].length} sent, ${recv.length} received`);
    }
    if (!closeEarly) {
      // and a graceful close from either side (both at once on every 5th seed) completes on both
      if (seed % 5 === 3) {
        net.peers[0].shutdown(net.now);
        net.peers[1].shutdown(net.now);
      } else net.peers[rng.int(2)].shutdown(net.now);
      t.ok(net.run(() => net.events.every((e) => e.some((x) => x.type === 'closed'))), `seed ${seed}: SHUTDOWN completed on both sides`);
    }
  }
});
