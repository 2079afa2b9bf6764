// The integrity helpers against node:crypto's createHmac computed the textbook way (a patched
// copy of the message), for random keys (short, block-sized, longer than a block, KeyObject)
// and messages; and the received bytes are never modified.
import t from 'tap';
import fc from 'fast-check';
import { createHmac, createSecretKey } from 'node:crypto';
import {
  StunClass,
  StunMethod,
  StunWriter,
  decodeStun,
  longTermKey,
  shortTermKey,
  saslprep,
  crc32,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
} from '@tsrtc/stun';

/** Reference: HMAC over a copy of raw[0, end) with the length field set to `length`. */
function reference(alg: 'sha1' | 'sha256', key: Uint8Array, raw: Uint8Array, end: number, length: number) {
  const copy = Buffer.from(raw.subarray(0, end));
  copy.writeUInt16BE(length, 2);
  return createHmac(alg, key).update(copy).digest();
}

t.test('MESSAGE-INTEGRITY and -SHA256 equal createHmac on a patched copy', async (t) => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 130 }),
      fc.uint8Array({ minLength: 12, maxLength: 12 }),
      fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 5 }),
      fc.boolean(),
      (key, tid, values, asKeyObject) => {
        const w = new StunWriter().begin(StunMethod.BINDING, StunClass.REQUEST, tid);
        for (const v of values) w.attribute(0x8030, v);
        const k = asKeyObject && key.length > 0 ? createSecretKey(key) : key;
        const bytes = w.finish({ integrityKey: k, integritySha256Key: k, fingerprint: true });
        const before = Buffer.from(bytes);
        const m = decodeStun(bytes);
        const mi = m.integrityOffset;
        const mi256 = m.integritySha256Offset;
        const sha1 = reference('sha1', key, bytes, mi, mi + 24 - 20);
        const sha256 = reference('sha256', key, bytes, mi256, mi256 + 36 - 20);
        const ok =
          sha1.equals(bytes.subarray(mi + 4, mi + 24)) &&
          sha256.equals(bytes.subarray(mi256 + 4, mi256 + 36)) &&
          verifyMessageIntegrity(m, k) &&
          verifyMessageIntegritySha256(m, k) &&
          verifyFingerprint(m) &&
          crc32(bytes, 0, m.fingerprintOffset) === ((Buffer.from(bytes).readUInt32BE(m.fingerprintOffset + 4) ^ 0x5354554e) >>> 0);
        const flipped = Uint8Array.from(key.length ? key : [1]);
        flipped[0] ^= 0x80;
        return ok && !verifyMessageIntegrity(m, flipped) && before.equals(bytes);
      },
    ),
    { numRuns: 400, seed: 8489 },
  );
});

t.test('keys alternate without mixing up the cached key pads', async (t) => {
  const a = shortTermKey('password-a');
  const b = shortTermKey('password-b');
  const tid = new Uint8Array(12).fill(3);
  const ma = decodeStun(new StunWriter().begin(1, 0, tid).username('x:y').finish({ integrityKey: a }));
  const mb = decodeStun(new StunWriter().begin(1, 0, tid).username('x:y').finish({ integrityKey: b }));
  for (let i = 0; i < 3; i++) {
    t.ok(verifyMessageIntegrity(ma, a));
    t.notOk(verifyMessageIntegrity(ma, b));
    t.ok(verifyMessageIntegrity(mb, b));
    t.notOk(verifyMessageIntegrity(mb, a));
  }
  // a key buffer reused with new contents is not mistaken for the old key
  const k = shortTermKey('password-a');
  t.ok(verifyMessageIntegrity(ma, k));
  k.set(b);
  t.notOk(verifyMessageIntegrity(ma, k));
  t.ok(verifyMessageIntegrity(mb, k));
});

t.test('more keys than cache slots, and keys too long to cache', async (t) => {
  const tid = new Uint8Array(12).fill(5);
  const keys = [...Array.from({ length: 6 }, (_, i) => shortTermKey(`pw-${i}-${'x'.repeat(i * 20)}`)), new Uint8Array(300).fill(7)];
  const msgs = keys.map((k) => decodeStun(new StunWriter().begin(1, 0, tid).username('x:y').finish({ integrityKey: k, integritySha256Key: k })));
  for (const [i, m] of msgs.entries()) {
    const copy = Buffer.from(m.raw.subarray(0, m.integrityOffset));
    copy.writeUInt16BE(m.integrityOffset + 4, 2);
    t.ok(createHmac('sha1', keys[i]).update(copy).digest().equals(m.raw.subarray(m.integrityOffset + 4, m.integrityOffset + 24)), `key ${i} (${keys[i].length} bytes): writer matches createHmac`);
  }
  for (let round = 0; round < 3; round++) {
    for (const [i, m] of msgs.entries()) {
      const j = (i + 1) % keys.length;
      if (!verifyMessageIntegrity(m, keys[i]) || !verifyMessageIntegritySha256(m, keys[i])) t.fail(`round ${round}: key ${i} does not verify`);
      if (verifyMessageIntegrity(m, keys[j])) t.fail(`round ${round}: key ${j} verifies message ${i}`);
    }
  }
  t.pass('7 keys in rotation, 3 rounds');
});

t.test('a tampered message fails integrity', async (t) => {
  const key = shortTermKey('pw');
  const bytes = new StunWriter().begin(1, 0, new Uint8Array(12)).username('a:b').priority(7).finish({ integrityKey: key, fingerprint: true });
  for (let i = 0; i < decodeStun(bytes).integrityOffset; i++) {
    if (i === 2 || i === 3) continue; // the length field is patched anyway
    const c = bytes.slice();
    c[i] ^= 0x01;
    let m;
    try {
      m = decodeStun(c);
    } catch {
      continue; // no longer a STUN message at all
    }
    if (verifyMessageIntegrity(m, key)) t.fail(`byte ${i} flipped and still verified`);
  }
  t.pass('every single-bit change before MESSAGE-INTEGRITY is detected');
});

t.test('credential keys', async (t) => {
  t.same([...shortTermKey('abc')], [0x61, 0x62, 0x63]);
  t.same([...shortTermKey('e\u0301')], [...shortTermKey('\u00e9')], 'OpaqueString: NFC');
  t.equal(Buffer.from(longTermKey('user', 'realm', 'pass')).toString('hex'), '8493fbc53ba582fb4c044c456bdc40eb', 'MD5("user:realm:pass")');
  t.equal(saslprep('I\u00ADX'), 'IX');
  t.equal(saslprep('user\u00A0name'), 'user name');
  t.throws(() => saslprep('a\u0007'), { code: 'saslprep' });
  t.throws(() => saslprep('\u0627a\u0628'), { code: 'saslprep' }, 'RandALCat with LCat');
  t.equal(saslprep('\u0627\u0628'), '\u0627\u0628');
});
