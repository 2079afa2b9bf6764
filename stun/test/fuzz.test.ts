// Fuzz: ≥ 100,000 random and mutated datagrams per run. Decoding may only throw StunError, and
// on anything that decodes, every getter and check may only throw StunError too.
import t from 'tap';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import {
  StunAttr,
  StunError,
  classifyPacket,
  decodeChannelData,
  decodeStun,
  describeStun,
  isStun,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
  type StunMessage,
} from '@tsrtc/stun';

const RUNS = 40_000; // per property; three properties
const key = shortTermKey('fuzz');
const stats = { decoded: 0, rejected: 0, getterErrors: 0, channelDataErrors: 0 };

const GETTERS = [
  'username', 'realm', 'nonce', 'software', 'priority', 'useCandidate', 'iceControlling', 'iceControlled',
  'xorMappedAddress', 'mappedAddress', 'alternateServer', 'xorPeerAddress', 'xorRelayedAddress', 'errorCode',
  'unknownAttributes', 'lifetime', 'data', 'channelNumber', 'requestedTransport', 'dontFragment', 'fingerprint',
  'userHash', 'passwordAlgorithm', 'passwordAlgorithms',
] as const;

/** Runs f; a StunError is counted under `counter`, anything else escapes (and fails the property). */
function onlyStunError(f: () => unknown, counter: 'getterErrors' | 'channelDataErrors'): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof StunError)) throw e;
    stats[counter]++;
  }
}

/** The property: returns true, or throws the untyped exception fast-check then reports. */
function exercise(bytes: Uint8Array): boolean {
  classifyPacket(bytes);
  isStun(bytes);
  onlyStunError(() => decodeChannelData(bytes), 'channelDataErrors');
  let m: StunMessage;
  try {
    m = decodeStun(bytes);
  } catch (e) {
    if (e instanceof StunError) {
      stats.rejected++;
      return true;
    }
    throw e;
  }
  stats.decoded++;
  for (const g of GETTERS) onlyStunError(() => m[g](), 'getterErrors');
  void m.transactionId;
  void m.unknownComprehensionRequired.length;
  for (const a of m.attributes()) void a.value.length;
  // these never throw at all
  JSON.stringify(describeStun(m));
  verifyMessageIntegrity(m, key);
  verifyMessageIntegritySha256(m, key);
  verifyFingerprint(m);
  return true;
}

const dir = new URL('../../../shared/fixtures/stun/', import.meta.url);
const seeds: Uint8Array[] = [];
for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
  for (const m of (JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { messages: { hex: string }[] }).messages) {
    seeds.push(Uint8Array.from(Buffer.from(m.hex, 'hex')));
  }
}

const KNOWN_TYPES = Object.values(StunAttr);
const attrType = fc.oneof(fc.constantFrom(...KNOWN_TYPES), fc.integer({ min: 0, max: 0xffff }));

/** A header with the right cookie, then random TLVs whose lengths may lie. */
const framed = fc
  .tuple(
    fc.integer({ min: 0, max: 0x3fff }),
    fc.uint8Array({ minLength: 12, maxLength: 12 }),
    fc.array(fc.tuple(attrType, fc.uint8Array({ maxLength: 24 }), fc.integer({ min: -2, max: 2 })), { maxLength: 8 }),
    fc.integer({ min: -1, max: 1 }),
  )
  .map(([type, tid, attrs, lengthSkew]) => {
    const parts: number[] = [type >> 8, type & 0xff, 0, 0, 0x21, 0x12, 0xa4, 0x42, ...tid];
    for (const [at, value, skew] of attrs) {
      const len = Math.max(0, value.length + skew);
      parts.push(at >> 8, at & 0xff, len >> 8, len & 0xff, ...value);
      while ((parts.length & 3) !== 0) parts.push(0);
    }
    const body = parts.length - 20 + lengthSkew * 4;
    parts[2] = (body >> 8) & 0xff;
    parts[3] = body & 0xff;
    return Uint8Array.from(parts);
  });

type Mutation = [kind: number, pos: number, value: number];
const mutated = fc
  .tuple(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }))
  .map(([i, muts]) => {
    let b = seeds[i].slice();
    for (const [kind, pos, value] of muts as Mutation[]) {
      const at = b.length ? pos % b.length : 0;
      if (kind === 0 && b.length) b[at] = value; // overwrite a byte
      else if (kind === 1 && b.length) b[at] ^= 1 << (value & 7); // flip a bit
      else if (kind === 2) b = b.subarray(0, at); // truncate
      else if (kind === 3) { const c = new Uint8Array(b.length + 4); c.set(b); c.fill(value, b.length); b = c; } // extend
      else if (kind === 4 && b.length > 23) { const a = 20 + ((pos % ((b.length - 20) >> 2)) << 2); b[a + 2] = value >> 6; b[a + 3] = value; } // attribute length field (at a 4-aligned spot)
      else if (kind === 5 && b.length > 3) { b[2] = value >> 7; b[3] = value & 0xfc; } // header length
    }
    return b;
  });

t.test('random bytes', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 160 }), exercise), { numRuns: RUNS, seed: 1 });
  t.pass(`${RUNS} random datagrams`);
});

t.test('well-framed random attributes', async (t) => {
  fc.assert(fc.property(framed, exercise), { numRuns: RUNS, seed: 2 });
  t.pass(`${RUNS} framed datagrams`);
});

t.test('mutations of real Chromium/Firefox messages', async (t) => {
  t.ok(seeds.length >= 70, `${seeds.length} seed messages`);
  fc.assert(fc.property(mutated, exercise), { numRuns: RUNS, seed: 3 });
  t.pass(`${RUNS} mutated datagrams`);
});

t.test('the fuzzers reach both outcomes', async (t) => {
  t.ok(stats.decoded + stats.rejected >= 100_000, `${stats.decoded + stats.rejected} datagrams decoded or rejected`);
  t.ok(stats.decoded > 10_000, `${stats.decoded} decoded`);
  t.ok(stats.rejected > 10_000, `${stats.rejected} rejected with StunError`);
  t.ok(stats.getterErrors > 100, `${stats.getterErrors} typed getter errors`);
});
