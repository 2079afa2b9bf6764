import t from 'tap';
import fc from 'fast-check';
import {
  CIPHER_SUITES,
  ContentType,
  ProtocolVersion,
  RecordProtection,
  ReplayWindow,
  emptyRecordHeader,
  isDtlsRecord,
  readRecordHeader,
} from '@tsrtc/dtls';

t.test('record header: read back what seal wrote, 48-bit sequence numbers', (t) => {
  const suite = CIPHER_SUITES[0];
  const p = new RecordProtection(suite, new Uint8Array(16).fill(1), new Uint8Array(4).fill(2));
  const seq = 2 ** 48 - 2;
  const rec = p.seal(ContentType.application_data, ProtocolVersion.DTLS_1_2, 1, seq, new Uint8Array(100));
  const h = emptyRecordHeader();
  t.ok(readRecordHeader(rec, 0, h));
  t.equal(h.type, 23);
  t.equal(h.version, 0xfefd);
  t.equal(h.epoch, 1);
  t.equal(h.sequenceNumber, seq);
  t.equal(h.length, 8 + 100 + 16, 'explicit nonce + plaintext + tag');
  t.notOk(readRecordHeader(rec.subarray(0, rec.length - 1), 0, h), 'fragment past the datagram end');
  t.notOk(readRecordHeader(rec.subarray(0, 12), 0, h), 'header truncated');
  t.end();
});

t.test('isDtlsRecord: RFC 7983 range 20..63', (t) => {
  t.ok(isDtlsRecord(Uint8Array.of(20)));
  t.ok(isDtlsRecord(Uint8Array.of(63)));
  t.notOk(isDtlsRecord(Uint8Array.of(19)));
  t.notOk(isDtlsRecord(Uint8Array.of(64)));
  t.notOk(isDtlsRecord(Uint8Array.of(0, 1)), 'STUN');
  t.notOk(isDtlsRecord(new Uint8Array(0)));
  t.end();
});

t.test('AEAD seal/open round trip for every suite; any bit flip is rejected', (t) => {
  for (const suite of CIPHER_SUITES) {
    const key = new Uint8Array(suite.keyLength).map((_, i) => i * 7);
    const iv = new Uint8Array(suite.fixedIvLength).map((_, i) => 200 - i);
    const sender = new RecordProtection(suite, key, iv);
    const receiver = new RecordProtection(suite, key, iv);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1500 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.nat(), (plaintext, seq, flip) => {
        const rec = sender.seal(ContentType.application_data, ProtocolVersion.DTLS_1_2, 1, seq, plaintext);
        const fragment = rec.subarray(13);
        const opened = receiver.open(ContentType.application_data, ProtocolVersion.DTLS_1_2, 1, seq, fragment);
        if (opened === undefined || Buffer.compare(Buffer.from(opened), Buffer.from(plaintext)) !== 0) return false;
        // Wrong sequence number (AAD) or a flipped bit anywhere in the fragment: rejected.
        if (receiver.open(ContentType.application_data, ProtocolVersion.DTLS_1_2, 1, seq + 1, fragment) !== undefined) return false;
        const bad = fragment.slice();
        bad[flip % bad.length] ^= 1 << flip % 8;
        return receiver.open(ContentType.application_data, ProtocolVersion.DTLS_1_2, 1, seq, bad) === undefined;
      }),
      { numRuns: 200, seed: 42 },
    );
    t.pass(suite.name);
  }
  t.equal(new RecordProtection(CIPHER_SUITES[0], new Uint8Array(16), new Uint8Array(4)).open(23, 0xfefd, 1, 0, new Uint8Array(10)), undefined, 'shorter than nonce+tag');
  t.end();
});

t.test('record overhead: 24 bytes for GCM, 16 for ChaCha20-Poly1305', (t) => {
  for (const s of CIPHER_SUITES) {
    const p = new RecordProtection(s, new Uint8Array(s.keyLength), new Uint8Array(s.fixedIvLength));
    t.equal(p.overhead, s.aead === 'chacha20-poly1305' ? 16 : 24, s.name);
  }
  t.end();
});

t.test('replay window behaves like a reference model (64 records)', (t) => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 400 }), (seqs) => {
      const w = new ReplayWindow();
      const seen = new Set<number>();
      let max = -1;
      for (const s of seqs) {
        const expected = !seen.has(s) && (s > max || max - s < 64);
        if (w.check(s) !== expected) return false;
        if (expected) {
          w.accept(s);
          seen.add(s);
          max = Math.max(max, s);
        }
      }
      return true;
    }),
    { numRuns: 2000, seed: 7 },
  );
  const w = new ReplayWindow();
  w.accept(1000);
  t.ok(w.check(937), 'left edge (63 behind) accepted');
  t.notOk(w.check(936), '64 behind is too old');
  t.notOk(w.check(1000), 'duplicate');
  w.accept(2 ** 47);
  t.ok(w.check(2 ** 47 + 1), 'large sequence numbers');
  t.end();
});
