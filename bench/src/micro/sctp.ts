/**
 * SCTP micro-benchmarks (issue 4).
 *
 * Transfer rows: two @tsrtc/sctp associations linked in memory (no DTLS, no sockets, no
 * timers): each fn() call sends 1 MiB as N messages of one size and pumps packets both ways
 * until the receiver has every byte (SACKs included). MB/s = 1.048576 / (median in ms) ×
 * 1000; the group names carry the conversion. With "zero checksum" both ends negotiated
 * RFC 9653 (as over DTLS); with "CRC32c" every packet is checksummed on send and verified on
 * receive. Targets: ≥ 1 GB/s at 64 KiB with zero checksum (1 MiB ≤ 1.049 ms), CRC32c costing
 * < 30 % of that (≤ 1.36 ms).
 *
 * werift's SCTP cannot be driven the same way: its association is asynchronous (every
 * transmit awaits `transport.send()` and it arms real setTimeout timers), so a synchronous
 * fn() cannot complete a transfer; the harness would time only the first microtask. Its
 * throughput is measured in wall-clock time by sctp/bench/throughput.ts instead, and its
 * packet codec (parsePacket / serializePacket, which also compute the CRC32c) is compared here.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SctpAssociation, PacketWriter, writeData, decodePacket, sctpChecksum, crc32c } from '@tsrtc/sctp';
import type { MicroCase, MicroSuite } from './types.js';

const MiB = 1 << 20;

function seeded(seed: number): (out: Uint8Array) => void {
  let s = seed >>> 0;
  return (out) => {
    for (let i = 0; i < out.length; i++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      out[i] = s >>> 24;
    }
  };
}

/**
 * Two associations linked in memory: `pump()` moves packets both ways until both are quiet
 * and counts the message bytes the receiver (b) got. Also used by sctp/bench/throughput.ts.
 */
export function linkedPair(opts: { zeroChecksum?: boolean } = {}) {
  const settings = { remoteMaxMessageSize: 0, heartbeatInterval: 0, ...opts };
  const a = new SctpAssociation({ random: seeded(1), ...settings }, 0);
  const b = new SctpAssociation({ random: seeded(2), ...settings }, 0);
  const pair = {
    a,
    b,
    now: 0,
    received: 0,
    pump(): void {
      const now = pair.now;
      for (let moved = true; moved; ) {
        moved = false;
        for (let p = a.pollTransmit(); p; p = a.pollTransmit()) {
          b.handlePacket(p, now);
          moved = true;
          for (let e = b.pollEvent(); e; e = b.pollEvent()) if (e.type === 'message') pair.received += e.data.length;
          for (let q = b.pollTransmit(); q; q = b.pollTransmit()) a.handlePacket(q, now);
        }
        for (let q = b.pollTransmit(); q; q = b.pollTransmit()) {
          a.handlePacket(q, now);
          moved = true;
        }
        while (a.pollEvent());
      }
    },
    /** lets simulated time pass (delayed SACK) and pumps */
    tick(ms: number): void {
      pair.now += ms;
      b.handleTimeout(pair.now);
      a.handleTimeout(pair.now);
      pair.pump();
    },
  };
  a.connect(0);
  pair.pump();
  if (a.state !== 'established' || a.stats().zeroChecksum !== (opts.zeroChecksum ?? false)) throw new Error('sctp bench: pair did not connect as configured');
  return pair;
}

/** fn() for one message size: 1 MiB through a linked pair. */
function transferCase(size: number, zeroChecksum: boolean): () => number {
  const pair = linkedPair({ zeroChecksum });
  const msg = new Uint8Array(size).fill(0xa5);
  const count = MiB / size;
  return () => {
    pair.now += 0.01;
    const target = pair.received + MiB;
    for (let i = 0; i < count; i++) pair.a.send(1, 53, msg, {}, pair.now);
    pair.pump();
    // the last odd packet's SACK is delayed: let its timer fire (simulated time)
    while (pair.received < target) pair.tick(200);
    return pair.received;
  };
}

const cases: MicroCase[] = [];
for (const zero of [true, false]) {
  for (const size of [1024, 16384, 65536]) {
    const label = `${size / 1024} KiB`;
    const target = size === 65536 ? (zero ? 1.049e6 : 1.36e6) : undefined;
    cases.push({
      group: `transfer 1 MiB as ${label} messages, ${zero ? 'zero checksum' : 'CRC32c'} (MB/s = 1048.6 / median ms)`,
      impl: 'tsrtc',
      fn: transferCase(size, zero),
      targetNs: target,
    });
  }
}

// ---- packet codec rows against werift (CommonJS internals of werift 0.24.4) ----
const require = createRequire(import.meta.url);
const weriftRoot = dirname(require.resolve('werift')); // .../lib/webrtc/src
const weriftChunk = require(join(weriftRoot, '../../sctp/src/chunk.js')) as {
  parsePacket(b: Buffer): [number, number, number, unknown[]];
  serializePacket(src: number, dst: number, tag: number, chunk: unknown): Buffer;
  DataChunk: new (flags?: number, body?: Buffer) => { tsn: number; streamId: number; streamSeqNum: number; protocol: number; userData: Buffer };
};
const weriftCrc = require(join(weriftRoot, '../../common/src/crc.js')) as { crc32c(b: Buffer): number };

// one full-size DATA packet as the association writes it
const packet = (() => {
  const a = new SctpAssociation({ random: seeded(3), heartbeatInterval: 0 }, 0);
  const b = new SctpAssociation({ random: seeded(4), heartbeatInterval: 0 }, 0);
  a.connect(0);
  for (let i = 0; i < 4; i++) {
    for (let p = a.pollTransmit(); p; p = a.pollTransmit()) b.handlePacket(p, 0);
    for (let p = b.pollTransmit(); p; p = b.pollTransmit()) a.handlePacket(p, 0);
  }
  a.send(1, 53, new Uint8Array(1172).fill(7), {}, 0);
  return a.pollTransmit()!.slice();
})();
if (packet.length !== 1200) throw new Error(`sctp bench: expected a 1200-byte DATA packet, got ${packet.length}`);
const packetBuf = Buffer.from(packet);
const parsed = weriftChunk.parsePacket(packetBuf);
const weriftData = parsed[3][0] as InstanceType<typeof weriftChunk.DataChunk>;

cases.push(
  { group: 'CRC32c of a 1200-byte packet', impl: 'tsrtc', fn: () => sctpChecksum(packet) },
  { group: 'CRC32c of a 1200-byte packet', impl: 'werift', fn: () => weriftCrc.crc32c(packetBuf) },
  { group: 'CRC32c of 64 KiB', impl: 'tsrtc', fn: ((big) => () => crc32c(big))(new Uint8Array(65536).fill(1)) },
  { group: 'CRC32c of 64 KiB', impl: 'werift', fn: ((big) => () => weriftCrc.crc32c(big))(Buffer.alloc(65536, 1)) },
  {
    group: 'decode a 1200-byte DATA packet + verify CRC32c',
    impl: 'tsrtc',
    fn: () => {
      const p = decodePacket(packet);
      if (sctpChecksum(packet) !== p.checksum) throw new Error('bad crc');
      return p.chunks[0].value;
    },
  },
  { group: 'decode a 1200-byte DATA packet + verify CRC32c', impl: 'werift', fn: () => weriftChunk.parsePacket(packetBuf) },
  {
    group: 'serialize a 1200-byte DATA packet with CRC32c',
    impl: 'tsrtc',
    fn: ((w, payload) => () => {
      w.begin(5000, 5000, 1);
      writeData(w, 3, 1, 1, 0, 53, payload);
      return w.finish(true);
    })(new PacketWriter(1200), new Uint8Array(1172).fill(7)),
  },
  { group: 'serialize a 1200-byte DATA packet with CRC32c', impl: 'werift', fn: () => weriftChunk.serializePacket(5000, 5000, 1, weriftData) },
);

export const suite: MicroSuite = { name: 'sctp', cases };
