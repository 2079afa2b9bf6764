import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import {
  ChunkType,
  ParamType,
  crc32c,
  sctpChecksum,
  decodePacket,
  decodeInit,
  encodeInit,
  decodeSack,
  decodeData,
  decodeForwardTsn,
  encodeForwardTsn,
  decodeReconfig,
  SctpError,
} from '../src/index.js';
import { PacketWriter } from '../src/packet/writer.js';
import { writeSack } from '../src/packet/sack-chunk.js';
import { writeData } from '../src/packet/data-chunk.js';
import { encodeOutgoingResetRequest, encodeReconfig, encodeReconfigResponse } from '../src/packet/reconfig-chunk.js';

interface FixturePacket {
  hex: string;
  from: string;
  commonHeader: { verificationTag: number; crc32c: string; checksumIsCrc32c: boolean };
  chunks: Array<{ type: number; typeName: string; initiateTag?: number; aRwnd?: number; outboundStreams?: number; inboundStreams?: number; initialTsn?: number; params?: Array<{ type: string }> }>;
}
const fixtures = (name: string): FixturePacket[] =>
  JSON.parse(readFileSync(new URL(`../../../shared/fixtures/sctp/${name}`, import.meta.url), 'utf8')).packets;
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

t.test('CRC32c: RFC 3720 B.4 vectors and the check value', async (t) => {
  t.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  t.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  t.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  t.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  t.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
});

t.test('CRC32c: table-driven result equals the bitwise definition at every alignment and length', async (t) => {
  const bitwise = (b: Uint8Array) => {
    let c = 0xffffffff;
    for (const x of b) {
      c ^= x;
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(7), (bytes, shift) => {
      const buf = new Uint8Array(bytes.length + shift);
      buf.set(bytes, shift);
      return crc32c(buf.subarray(shift)) === bitwise(bytes);
    }),
    { numRuns: 500, seed: 4 },
  );
});

for (const file of ['chromium-156.json', 'firefox-153.json']) {
  t.test(`${file}: every captured packet decodes and its CRC32c verifies`, async (t) => {
    const pkts = fixtures(file);
    t.ok(pkts.length >= 3);
    for (const p of pkts) {
      const bytes = hex(p.hex);
      const d = decodePacket(bytes);
      t.equal(d.srcPort, 5000);
      t.equal(d.verificationTag, p.commonHeader.verificationTag);
      t.equal(d.chunks.length, p.chunks.length);
      t.same(d.chunks.map((c) => c.type), p.chunks.map((c) => c.type));
      t.equal(sctpChecksum(bytes), Number(p.commonHeader.crc32c), `${p.chunks[0].typeName} checksum`);
      t.equal(d.checksum, Number(p.commonHeader.crc32c));
      for (const [i, c] of d.chunks.entries()) {
        const want = p.chunks[i];
        if (c.type === ChunkType.INIT || c.type === ChunkType.INIT_ACK) {
          const init = decodeInit(c.value, c.type === ChunkType.INIT_ACK);
          t.equal(init.initiateTag, want.initiateTag);
          t.equal(init.aRwnd, want.aRwnd);
          t.equal(init.outboundStreams, want.outboundStreams);
          t.equal(init.inboundStreams, want.inboundStreams);
          t.equal(init.initialTsn, want.initialTsn);
          t.ok(init.forwardTsnSupported, 'Forward-TSN-Supported');
          t.ok(init.supportedExtensions.includes(ChunkType.RE_CONFIG) && init.supportedExtensions.includes(ChunkType.FORWARD_TSN));
          if (c.type === ChunkType.INIT_ACK) t.ok(init.stateCookie && init.stateCookie.length > 0, 'cookie');
        }
        if (c.type === ChunkType.DATA) {
          const data = decodeData(0x03, c.value);
          t.equal(data.ppid, 50, 'DCEP');
          t.equal(data.userData[0], 0x03, 'DATA_CHANNEL_OPEN');
        }
      }
    }
  });
}

t.test('INIT: unknown parameters are handled by their two high bits (RFC 9260 §3.2.1)', async (t) => {
  const param = (type: number, len = 4) => {
    const b = new Uint8Array(4 + len);
    b[0] = type >> 8;
    b[1] = type & 0xff;
    b[3] = 4 + len;
    return b;
  };
  const base = { initiateTag: 1, aRwnd: 2, outboundStreams: 3, inboundStreams: 4, initialTsn: 5, forwardTsnSupported: false, supportedExtensions: [] };
  // 10: skip; 11: skip and report; then Forward-TSN-Supported must still be seen
  let chunk = encodeInit(ChunkType.INIT, { ...base, extraParameters: [param(0x8123), param(0xc123), param(ParamType.FORWARD_TSN_SUPPORTED, 0)] });
  let init = decodeInit(chunk.subarray(4), false);
  t.same(init.unknownTypes, [0x8123, 0xc123]);
  t.equal(init.unrecognized.length, 1);
  t.equal(init.unrecognized[0][0], 0xc1);
  t.ok(init.forwardTsnSupported, 'processing continued after 10/11 parameters');
  // 00: stop; 01: stop and report: the parameters after them are not processed
  chunk = encodeInit(ChunkType.INIT, { ...base, extraParameters: [param(0x4123), param(ParamType.FORWARD_TSN_SUPPORTED, 0)] });
  init = decodeInit(chunk.subarray(4), false);
  t.same(init.unknownTypes, [0x4123]);
  t.equal(init.unrecognized.length, 1);
  t.notOk(init.forwardTsnSupported, 'processing stopped at a 01 parameter');
  chunk = encodeInit(ChunkType.INIT, { ...base, extraParameters: [param(0x0123), param(ParamType.FORWARD_TSN_SUPPORTED, 0)] });
  init = decodeInit(chunk.subarray(4), false);
  t.equal(init.unrecognized.length, 0);
  t.notOk(init.forwardTsnSupported, 'processing stopped at a 00 parameter');
});

t.test('INIT: encode/decode round trip; chunk length excludes the final padding', async (t) => {
  fc.assert(
    fc.property(
      fc.record({
        initiateTag: fc.integer({ min: 1, max: 0xffffffff }),
        aRwnd: fc.nat({ max: 0xffffffff }),
        outboundStreams: fc.integer({ min: 1, max: 65535 }),
        inboundStreams: fc.integer({ min: 1, max: 65535 }),
        initialTsn: fc.nat({ max: 0xffffffff }),
        forwardTsnSupported: fc.boolean(),
        supportedExtensions: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 5 }),
        zeroChecksumMethod: fc.option(fc.nat({ max: 0xffffffff }), { nil: undefined }),
      }),
      (f) => {
        const chunk = encodeInit(ChunkType.INIT, f);
        const len = (chunk[2] << 8) | chunk[3];
        if (len > chunk.length || chunk.length - len > 3) return false;
        const d = decodeInit(chunk.subarray(4, len), false);
        return (
          d.initiateTag === f.initiateTag &&
          d.aRwnd === f.aRwnd &&
          d.outboundStreams === f.outboundStreams &&
          d.inboundStreams === f.inboundStreams &&
          d.initialTsn === f.initialTsn &&
          d.forwardTsnSupported === f.forwardTsnSupported &&
          d.zeroChecksumMethod === f.zeroChecksumMethod &&
          JSON.stringify(d.supportedExtensions) === JSON.stringify(f.supportedExtensions)
        );
      },
    ),
    { numRuns: 300, seed: 9 },
  );
});

t.test('SACK and DATA: written in place, decoded back', async (t) => {
  fc.assert(
    fc.property(
      fc.nat({ max: 0xffffffff }),
      fc.nat({ max: 0xffffffff }),
      fc.array(fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 })), { maxLength: 20 }),
      fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 10 }),
      (cum, rwnd, gaps, dups) => {
        const w = new PacketWriter(1200);
        w.begin(5000, 5000, 7);
        writeSack(w, cum, rwnd, gaps.flat(), gaps.length, dups, dups.length);
        const p = decodePacket(w.finish(true));
        const s = decodeSack(p.chunks[0].value);
        return s.cumulativeTsnAck === cum && s.aRwnd === rwnd && JSON.stringify(s.gapBlocks) === JSON.stringify(gaps) && JSON.stringify(s.duplicateTsns) === JSON.stringify(dups);
      },
    ),
    { numRuns: 200, seed: 5 },
  );
  const w = new PacketWriter(1200);
  w.begin(1, 2, 3);
  writeData(w, 0x07, 0xfffffffe, 9, 65535, 53, Uint8Array.of(1, 2, 3));
  const bytes = w.finish(true);
  t.equal(bytes.length, 12 + 20, 'DATA padded to 4 bytes');
  const p = decodePacket(bytes);
  t.equal(sctpChecksum(bytes), p.checksum);
  const d = decodeData(p.chunks[0].flags, p.chunks[0].value);
  t.same({ ...d, userData: [...d.userData] }, { tsn: 0xfffffffe, streamId: 9, ssn: 65535, ppid: 53, unordered: true, beginning: true, ending: true, immediate: false, userData: [1, 2, 3] });
});

t.test('FORWARD-TSN and RE-CONFIG round trips', async (t) => {
  const f = { newCumulativeTsn: 0x80000001, streams: [{ streamId: 1, ssn: 7 }, { streamId: 65534, ssn: 0 }] };
  t.same(decodeForwardTsn(encodeForwardTsn(f).subarray(4)), f);
  const rc = encodeReconfig([encodeOutgoingResetRequest(10, 20, 30, [1, 3, 5]), encodeReconfigResponse(9, 6)]);
  t.same(decodeReconfig(rc.subarray(4)), [
    { type: 'outgoing-reset', requestSeq: 10, responseSeq: 20, lastAssignedTsn: 30, streamIds: [1, 3, 5] },
    { type: 'response', responseSeq: 9, result: 6 },
  ]);
});

t.test('decoders throw only SctpError, with a code, on arbitrary bytes', async (t) => {
  const decoders: Array<(b: Uint8Array) => unknown> = [
    decodePacket,
    (b) => decodeInit(b, true),
    decodeSack,
    decodeForwardTsn,
    decodeReconfig,
    (b) => decodeData(0, b),
  ];
  let thrown = 0;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      for (const d of decoders) {
        try {
          d(bytes);
        } catch (e) {
          if (!(e instanceof SctpError) || typeof e.code !== 'string' || e.layer !== 'sctp') return false;
          thrown++;
        }
      }
      return true;
    }),
    { numRuns: 3000, seed: 11 },
  );
  t.ok(thrown > 1000, `malformed inputs were rejected (${thrown})`);
});

t.test('packet framing errors carry codes and offsets', async (t) => {
  t.throws(() => decodePacket(new Uint8Array(8)), { code: 'truncated', offset: 0 });
  const bad = new Uint8Array(20);
  bad[12] = 0;
  bad[15] = 40; // chunk length beyond the packet
  t.throws(() => decodePacket(bad), { code: 'bad-chunk-length', offset: 12 });
  bad[15] = 2; // below the 4-byte minimum
  t.throws(() => decodePacket(bad), { code: 'bad-chunk-length' });
  t.throws(() => decodePacket(new Uint8Array(12)), { code: 'no-chunks' });
});
