import t from 'tap';
import { SctpAssociation, ChunkType, type SctpState } from '../src/index.js';
import { PacketWriter } from '../src/packet/writer.js';
import { sctpChecksum } from '../src/packet/crc32c.js';
import { Rng, SimNetwork } from './sim.js';

/** Rewrites the CRC32c so a mutated packet gets past the checksum and into the state machine. */
function fixCrc(p: Uint8Array): Uint8Array {
  if (p.length >= 12) {
    const c = sctpChecksum(p);
    p[8] = c & 0xff;
    p[9] = (c >>> 8) & 0xff;
    p[10] = (c >>> 16) & 0xff;
    p[11] = c >>> 24;
  }
  return p;
}

function mutate(rng: Rng, src: Uint8Array): Uint8Array {
  let p = src.slice();
  const ops = 1 + rng.int(4);
  for (let k = 0; k < ops; k++) {
    switch (rng.int(7)) {
      case 0: // bit flip past the common header
        if (p.length > 12) p[12 + rng.int(p.length - 12)] ^= 1 << rng.int(8);
        break;
      case 1: // random byte anywhere in the chunks
        if (p.length > 12) p[12 + rng.int(p.length - 12)] = rng.int(256);
        break;
      case 2: // truncate
        p = p.subarray(0, 12 + rng.int(Math.max(1, p.length - 11)));
        break;
      case 3: {
        // chunk length field of the first chunk
        if (p.length >= 16) {
          const v = rng.int(3) === 0 ? rng.int(65536) : ((p[14] << 8) | p[15]) + rng.int(9) - 4;
          p[14] = (v >> 8) & 0xff;
          p[15] = v & 0xff;
        }
        break;
      }
      case 4: // chunk type (DATA <-> I-DATA, FORWARD-TSN <-> I-FORWARD-TSN included)
        if (p.length > 12) p[12] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 64, 130, 192, 194, rng.int(256)][rng.int(18)];
        break;
      case 5: {
        // extend with garbage chunks
        const extra = new Uint8Array(rng.int(64));
        rng.fill(extra);
        const q = new Uint8Array(p.length + extra.length);
        q.set(p);
        q.set(extra, p.length);
        p = q;
        break;
      }
      case 6: // 32-bit field inside the first chunk (TSNs, tags, cum acks)
        if (p.length >= 24) {
          const o = 16 + 4 * rng.int((p.length - 20) >> 2);
          const v = rng.int(2) ? rng.int(0x7fffffff) * 2 : ((p[o] << 24) | (p[o + 1] << 16) | (p[o + 2] << 8) | p[o + 3]) + rng.int(2001) - 1000;
          p[o] = v >>> 24;
          p[o + 1] = v >>> 16;
          p[o + 2] = v >>> 8;
          p[o + 3] = v;
        }
        break;
    }
  }
  return fixCrc(p.slice());
}

/** A pair driven into a state, plus the packets seen on the way (the mutation corpus). */
function scenario(seed: number, target: SctpState | 'data'): { net: SimNetwork; victim: SctpAssociation; corpus: Uint8Array[] } {
  // every other scenario negotiates I-DATA (RFC 8260), so the corpus has I-DATA / I-FORWARD-TSN
  const interleaving = seed % 2 === 0;
  const net = new SimNetwork(seed, { maxReceiveBufferBytes: 200_000, maxMessageSize: 100_000, interleaving }, { remoteMaxMessageSize: 0, interleaving }, [{ delay: 5, loss: 0.1 }, { delay: 5, loss: 0.1 }]);
  const corpus: Uint8Array[] = [];
  net.tap = (from, b) => {
    if (from === 1 && corpus.length < 400) corpus.push(b.slice());
    return b;
  };
  const a = net.peers[0];
  const b = net.peers[1];
  if (target === 'closed') {
    b.connect(0);
    net.run(() => false, 3);
  } else if (target === 'cookie-echoed') {
    a.connect(0);
    net.run(() => a.state === 'cookie-echoed', 12);
  } else if (target === 'cookie-wait') {
    a.connect(0);
    b.connect(0);
    net.run(() => false, 3);
  } else {
    net.connect();
    if (target === 'data' || target.startsWith('shutdown')) {
      for (let i = 0; i < 40; i++) b.send(i % 3, 53, new Uint8Array(1 + ((i * 997) % 9000)).fill(i), { unordered: i % 5 === 0, maxRetransmits: i % 7 === 0 ? 0 : undefined }, net.now);
      for (let i = 0; i < 10; i++) a.send(0, 51, new Uint8Array(500), {}, net.now);
      b.resetStreams([2], net.now);
      net.run(() => false, net.now + 30);
    }
    if (target === 'shutdown-pending' || target === 'shutdown-sent') a.shutdown(net.now);
    if (target === 'shutdown-received') {
      a.send(1, 53, new Uint8Array(50_000), {}, net.now);
      b.shutdown(net.now);
      net.run(() => a.state === 'shutdown-received' || a.state === 'closed', net.now + 50);
    } else net.run(() => false, net.now + 8);
  }
  net.tap = undefined;
  return { net, victim: a, corpus };
}

t.test('100,000+ random and mutated packets into associations in every state: no exception, caps hold', async (t) => {
  const rng = new Rng(0x5c7b);
  const states = ['closed', 'cookie-wait', 'cookie-echoed', 'established', 'data', 'shutdown-pending', 'shutdown-received', 'shutdown-sent'] as const;
  let fed = 0;
  const reachedDeep = { data: 0, sack: 0, cookie: 0 };
  const statesSeen = new Set<string>();
  const perScenario = 1500;
  let round = 0;
  while (fed < 100_000) {
    const target = states[round % states.length];
    const { net, victim, corpus } = scenario(1000 + round, target);
    statesSeen.add(victim.state);
    round++;
    const before = victim.stats();
    for (let k = 0; k < perScenario; k++) {
      let p: Uint8Array;
      const kind = rng.int(10);
      if (kind === 0 || corpus.length === 0) {
        p = new Uint8Array(rng.int(120));
        rng.fill(p);
        if (rng.int(2)) fixCrc(p);
      } else p = mutate(rng, corpus[rng.int(corpus.length)]);
      victim.handlePacket(p, net.now);
      for (let o = victim.pollTransmit(); o; o = victim.pollTransmit()) if (o.length > victim.settings.mtu) t.fail('oversized packet');
      while (victim.pollEvent());
      if (k % 100 === 0) {
        const d = victim.nextDeadline();
        if (d !== undefined) victim.handleTimeout(Math.max(d, net.now));
      }
      const s = victim.stats();
      // the cap, or twice it for the next expected TSN (see Reassembly.limit)
      if (s.receiveBufferedBytes > 2 * 200_000) t.fail(`receive buffer cap exceeded: ${s.receiveBufferedBytes}`);
      fed++;
    }
    const after = victim.stats();
    reachedDeep.data += after.dataChunksReceived - before.dataChunksReceived;
    reachedDeep.sack += after.packetsReceived - after.droppedBadChecksum - after.droppedBadTag - after.droppedMalformed > 0 ? 1 : 0;
    reachedDeep.cookie += after.droppedBadCookie - before.droppedBadCookie;
  }
  t.ok(fed >= 100_000, `${fed} packets fed in ${round} scenarios`);
  t.ok(statesSeen.size >= 5, `states covered: ${[...statesSeen].join(', ')}`);
  t.ok(reachedDeep.data > 1000, `mutated DATA chunks reached the receive path (${reachedDeep.data})`);
  t.ok(reachedDeep.cookie > 10, `forged cookies were rejected (${reachedDeep.cookie})`);
});

t.test('attacker-grown buffers are capped: out-of-order fragments, gap ranges, duplicates', async (t) => {
  const { net, victim, corpus } = scenario(77, 'established');
  void corpus;
  // learn the victim's tag and the peer's TSN position from a real DATA packet
  let dataPkt: Uint8Array | undefined;
  net.tap = (from, b) => {
    if (from === 1 && b[12] === ChunkType.DATA && !dataPkt) dataPkt = b.slice();
    return b;
  };
  net.peers[1].send(0, 53, Uint8Array.of(1), {}, net.now);
  net.run(() => dataPkt !== undefined);
  net.run(() => false, net.now + 300);
  const vtag = ((dataPkt![4] << 24) | (dataPkt![5] << 16) | (dataPkt![6] << 8) | dataPkt![7]) >>> 0;
  const tsn0 = ((dataPkt![16] << 24) | (dataPkt![17] << 16) | (dataPkt![18] << 8) | dataPkt![19]) >>> 0;
  const w = new PacketWriter(1200);
  const send = (tsn: number, flags: number, size: number, stream = 1) => {
    w.begin(5000, 5000, vtag);
    const payload = new Uint8Array(size);
    const o = w.beginChunk(ChunkType.DATA, flags, 12 + size);
    const b = w.buf;
    b[o] = tsn >>> 24;
    b[o + 1] = tsn >>> 16;
    b[o + 2] = tsn >>> 8;
    b[o + 3] = tsn;
    b[o + 5] = stream;
    b.set(payload, o + 12);
    w.endChunk(o + 12 + size);
    victim.handlePacket(w.finish(true).slice(), net.now);
    for (let p = victim.pollTransmit(); p; p = victim.pollTransmit()) if (p[12] === ChunkType.SACK) maxSack = Math.max(maxSack, p.length);
    while (victim.pollEvent());
  };
  let maxSack = 0;
  // 1. middle fragments (never completing) at every other TSN: bytes and ranges stay capped
  for (let i = 0; i < 20_000; i++) send((tsn0 + 2 + 2 * i) >>> 0, 0, 1000);
  const s = victim.stats();
  t.ok(s.receiveBufferedBytes <= 200_000, `reassembly bytes capped (${s.receiveBufferedBytes})`);
  t.ok(s.droppedBufferFull > 15_000, `excess refused (${s.droppedBufferFull})`);
  // 2. B fragments (each reserves a growable buffer) at far-apart TSNs
  for (let i = 0; i < 5000; i++) send((tsn0 + 100_000 + 3 * i) >>> 0, 2, 1100);
  t.ok(victim.stats().receiveBufferedBytes <= 200_000, 'B-fragment reservations are counted too');
  // 3. far-future TSNs are refused
  const before = victim.stats().droppedBufferFull;
  send((tsn0 + 0x7000_0000) >>> 0, 3, 10);
  t.equal(victim.stats().droppedBufferFull, before + 1, 'TSN too far ahead refused');
  // 4. duplicates: the report is bounded
  for (let i = 0; i < 1000; i++) send(tsn0 >>> 0, 3, 10);
  t.ok(maxSack > 0 && maxSack <= 1200, `SACKs with many gaps and duplicates fit the MTU (largest ${maxSack} bytes)`);
  t.equal(victim.state, 'established', 'still alive');
  // 5. a packet of 1000 HEARTBEAT chunks gets a bounded answer (no amplification)
  w.begin(5000, 5000, vtag);
  const hb = Uint8Array.of(4, 0, 0, 12, 0, 1, 0, 8, 1, 2, 3, 4);
  const big = new Uint8Array(12 + 1000 * hb.length);
  big.set(w.buf.subarray(0, 12));
  for (let i = 0; i < 1000; i++) big.set(hb, 12 + i * hb.length);
  const c = sctpChecksum(big);
  big[8] = c & 0xff;
  big[9] = (c >>> 8) & 0xff;
  big[10] = (c >>> 16) & 0xff;
  big[11] = c >>> 24;
  victim.handlePacket(big, net.now);
  let acks = 0;
  for (let p = victim.pollTransmit(); p; p = victim.pollTransmit()) for (let o = 12; o + 4 <= p.length; o += ((p[o + 2] << 8) | p[o + 3]) + 3 & ~3) if (p[o] === ChunkType.HEARTBEAT_ACK) acks++;
  t.ok(acks > 0 && acks <= 16, `1000 HEARTBEATs answered with ${acks} HEARTBEAT-ACKs`);
});

t.test('I-DATA: partial messages by MID, FSN floods and huge FSNs stay under the cap', async (t) => {
  const { net, victim } = scenario(78, 'established'); // even seed: I-DATA negotiated
  t.equal(victim.stats().interleaving, true);
  let pkt: Uint8Array | undefined;
  net.tap = (from, b) => {
    if (from === 1 && b[12] === ChunkType.I_DATA && !pkt) pkt = b.slice();
    return b;
  };
  net.peers[1].send(0, 53, Uint8Array.of(1), {}, net.now);
  net.run(() => pkt !== undefined);
  net.run(() => false, net.now + 300);
  const vtag = ((pkt![4] << 24) | (pkt![5] << 16) | (pkt![6] << 8) | pkt![7]) >>> 0;
  let tsn = (((pkt![16] << 24) | (pkt![17] << 16) | (pkt![18] << 8) | pkt![19]) >>> 0) + 2; // leave a gap
  const w = new PacketWriter(1200);
  const send = (stream: number, mid: number, fsn: number, flags: number, size: number) => {
    w.begin(5000, 5000, vtag);
    const o = w.beginChunk(ChunkType.I_DATA, flags, 16 + size);
    const b = w.buf;
    b[o] = tsn >>> 24;
    b[o + 1] = tsn >>> 16;
    b[o + 2] = tsn >>> 8;
    b[o + 3] = tsn;
    b[o + 5] = stream;
    b[o + 8] = mid >>> 24;
    b[o + 9] = mid >>> 16;
    b[o + 10] = mid >>> 8;
    b[o + 11] = mid;
    b[o + 12] = fsn >>> 24;
    b[o + 13] = fsn >>> 16;
    b[o + 14] = fsn >>> 8;
    b[o + 15] = fsn;
    w.endChunk(o + 16 + size);
    tsn = (tsn + 1) >>> 0;
    victim.handlePacket(w.finish(true).slice(), net.now);
    while (victim.pollTransmit());
    while (victim.pollEvent());
  };
  for (let i = 0; i < 5000; i++) send(1 + (i % 3), 1000 + i, 1, 0, 900); // middle fragments of 5000 messages
  for (let i = 0; i < 3000; i++) send(5, 7, 2 + i, 0, 500); // one message, endless FSNs
  send(5, 7, 0xffffffff, 1, 10); // an E fragment with a huge FSN
  const s = victim.stats();
  t.ok(s.receiveBufferedBytes <= 400_000, `held ${s.receiveBufferedBytes} bytes`);
  t.ok(s.droppedBufferFull > 5000, `refused ${s.droppedBufferFull}`);
  t.equal(victim.state, 'established');
});
