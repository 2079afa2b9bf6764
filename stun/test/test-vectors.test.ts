// RFC 5769 and RFC 8489 Appendix B test vectors, decoded, verified, and re-encoded byte for byte.
import t from 'tap';
import {
  StunAttr,
  StunClass,
  StunMethod,
  StunWriter,
  decodeStun,
  longTermKey,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
  saslprep,
  userHash,
  PasswordAlgorithm,
  verifyMessageIntegritySha256,
} from '@tsrtc/stun';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const TID = hex('b7e7a701 bc34d686 fa87dfae');
const PASSWORD = 'VOkJxbRl1RmTxUk/WvJxBt';

// §2.1 Sample Request
const REQUEST = hex(`
  00010058 2112a442 b7e7a701 bc34d686 fa87dfae
  80220010 5354554e 20746573 7420636c 69656e74
  00240004 6e0001ff
  80290008 932ff9b1 51263b36
  00060009 6576746a 3a683676 59202020
  00080014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2
  80280004 e57a3bcf`);
// §2.2 Sample IPv4 Response
const RESPONSE_V4 = hex(`
  0101003c 2112a442 b7e7a701 bc34d686 fa87dfae
  8022000b 74657374 20766563 746f7220
  00200008 0001a147 e112a643
  00080014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7
  80280004 c07d4c96`);
// §2.3 Sample IPv6 Response
const RESPONSE_V6 = hex(`
  01010048 2112a442 b7e7a701 bc34d686 fa87dfae
  8022000b 74657374 20766563 746f7220
  00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9
  00080014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41
  80280004 c8fb0b4c`);
// §2.4 Sample Request with Long-Term Authentication
const REQUEST_LONG_TERM = hex(`
  00010060 2112a442 78ad3433 c6ad72c0 29da412e
  00060012 e3839ee3 8388e383 aae38383 e382afe3 82b90000
  0015001c 662f2f34 39396b39 35346436 4f4c3334 6f4c3946 53547679 36347341
  0014000b 6578616d 706c652e 6f726700
  00080014 f6702465 6dd64a3e 02b8e071 2e85c9a2 8ca89666`);

t.test('§2.1 sample request: decode, verify, re-encode', async (t) => {
  const m = decodeStun(REQUEST);
  t.equal(m.method, StunMethod.BINDING);
  t.equal(m.messageClass, StunClass.REQUEST);
  t.equal(toHex(m.transactionId), toHex(TID));
  t.equal(m.software(), 'STUN test client');
  t.equal(m.priority(), 0x6e0001ff);
  t.equal(m.iceControlled(), 0x932ff9b151263b36n);
  t.equal(m.iceControlling(), undefined);
  t.equal(m.useCandidate(), false);
  t.equal(m.username(), 'evtj:h6vY');
  t.same(m.unknownComprehensionRequired, []);
  t.ok(verifyMessageIntegrity(m, shortTermKey(PASSWORD)), 'MESSAGE-INTEGRITY verifies');
  t.notOk(verifyMessageIntegrity(m, shortTermKey(PASSWORD + 'x')), 'a wrong password fails');
  t.ok(verifyFingerprint(m), 'FINGERPRINT verifies');

  const w = new StunWriter(256, { paddingByte: 0x20 });
  const out = w
    .begin(StunMethod.BINDING, StunClass.REQUEST, TID)
    .software('STUN test client')
    .priority(0x6e0001ff)
    .iceControlled(0x932ff9b151263b36n)
    .username('evtj:h6vY')
    .finish({ integrityKey: shortTermKey(PASSWORD), fingerprint: true });
  t.equal(toHex(out), toHex(REQUEST), 'encoded byte for byte');
});

t.test('§2.2 sample IPv4 response', async (t) => {
  const m = decodeStun(RESPONSE_V4);
  t.equal(m.messageClass, StunClass.SUCCESS_RESPONSE);
  t.equal(m.software(), 'test vector');
  t.same(m.xorMappedAddress(), { family: 4, address: '192.0.2.1', port: 32853 });
  t.ok(verifyMessageIntegrity(m, shortTermKey(PASSWORD)));
  t.ok(verifyFingerprint(m));
  const out = new StunWriter(128, { paddingByte: 0x20 })
    .begin(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, TID)
    .software('test vector')
    .xorMappedAddress({ family: 4, address: '192.0.2.1', port: 32853 })
    .finish({ integrityKey: shortTermKey(PASSWORD), fingerprint: true });
  t.equal(toHex(out), toHex(RESPONSE_V4));
});

t.test('§2.3 sample IPv6 response', async (t) => {
  const m = decodeStun(RESPONSE_V6);
  t.same(m.xorMappedAddress(), { family: 6, address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 });
  t.ok(verifyMessageIntegrity(m, shortTermKey(PASSWORD)));
  t.ok(verifyFingerprint(m));
  const out = new StunWriter(128, { paddingByte: 0x20 })
    .begin(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, TID)
    .software('test vector')
    .xorMappedAddress({ family: 6, address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 })
    .finish({ integrityKey: shortTermKey(PASSWORD), fingerprint: true });
  t.equal(toHex(out), toHex(RESPONSE_V6));
});

t.test('§2.4 long-term credentials with SASLprep', async (t) => {
  const username = '\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9';
  const realm = 'example.org';
  const m = decodeStun(REQUEST_LONG_TERM);
  t.equal(m.username(), username);
  t.equal(m.nonce(), 'f//499k954d6OL34oL9FSTvy64sA');
  t.equal(m.realm(), realm);
  t.equal(m.fingerprintOffset, -1);
  t.notOk(verifyFingerprint(m), 'no FINGERPRINT, so it does not verify');
  // the RFC's password is "The<U+00AD>M<U+00AA>tr<U+2168>", which SASLprep maps to "TheMatrIX"
  t.equal(saslprep('The\u00adM\u00aatr\u2168'), 'TheMatrIX');
  const key = longTermKey(username, realm, 'The\u00adM\u00aatr\u2168');
  t.equal(toHex(key), toHex(longTermKey(username, realm, 'TheMatrIX')));
  t.ok(verifyMessageIntegrity(m, key));
  t.notOk(verifyMessageIntegrity(m, longTermKey(username, realm, 'TheMatrix')));
  const out = new StunWriter(128)
    .begin(StunMethod.BINDING, StunClass.REQUEST, m.transactionId)
    .username(username)
    .nonce('f//499k954d6OL34oL9FSTvy64sA')
    .realm(realm)
    .finish({ integrityKey: key });
  t.equal(toHex(out), toHex(REQUEST_LONG_TERM));
  t.equal(m.attribute(StunAttr.REALM)?.length, 11);
});

// RFC 8489 Appendix B.1 as corrected by erratum 6268: long-term credentials with SHA-256,
// USERHASH, PASSWORD-ALGORITHM and MESSAGE-INTEGRITY-SHA256.
const REQUEST_SHA256 = hex(`
  00010090 2112a442 78ad3433 c6ad72c0 29da412e
  001e0020 4a3cf38f ef6992bd a952c678 0417da0f 24819415 569e60b2 05c46e41 407f1704
  00150029 6f624d61 744a6f73 32414141 43662f2f 3439396b 39353464 364f4c33 346f4c39 46535476 79363473 41000000
  0014000b 6578616d 706c652e 6f726700
  001d0004 00020000
  001c0020 b5c7bf00 5b6c52a2 1c51c5e8 92f81924 136296cb 927c4314 9309278c c6518e65`);

t.test('RFC 8489 B.1 (erratum 6268): SHA-256 long-term key, USERHASH, MESSAGE-INTEGRITY-SHA256', async (t) => {
  const username = '\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9';
  const realm = 'example.org';
  const nonce = 'obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA';
  const m = decodeStun(REQUEST_SHA256);
  t.equal(toHex(m.userHash()!), toHex(userHash(username, realm)), 'USERHASH = SHA-256(username:realm)');
  t.equal(m.nonce(), nonce);
  t.equal(m.realm(), realm);
  t.same(m.passwordAlgorithm(), { algorithm: PasswordAlgorithm.SHA256, parameters: new Uint8Array(0) });
  t.equal(m.integrityOffset, -1);
  const key = longTermKey(username, realm, 'TheMatrIX', PasswordAlgorithm.SHA256);
  t.ok(verifyMessageIntegritySha256(m, key));
  t.notOk(verifyMessageIntegritySha256(m, longTermKey(username, realm, 'TheMatrIX')), 'the MD5 key does not verify it');
  const out = new StunWriter()
    .begin(StunMethod.BINDING, StunClass.REQUEST, m.transactionId)
    .userHash(userHash(username, realm))
    .nonce(nonce)
    .realm(realm)
    .passwordAlgorithm(PasswordAlgorithm.SHA256)
    .finish({ integritySha256Key: key });
  t.equal(toHex(out), toHex(REQUEST_SHA256), 'encoded byte for byte');
});

t.test('PASSWORD-ALGORITHMS list round trip', async (t) => {
  const params = Uint8Array.of(1, 2, 3);
  const m = decodeStun(
    new StunWriter()
      .begin(StunMethod.ALLOCATE, StunClass.ERROR_RESPONSE, TID)
      .passwordAlgorithms([{ algorithm: PasswordAlgorithm.SHA256 }, { algorithm: PasswordAlgorithm.MD5, parameters: params }])
      .errorCode(401, 'Unauthorized')
      .finish(),
  );
  t.same(m.passwordAlgorithms(), [
    { algorithm: 2, parameters: new Uint8Array(0) },
    { algorithm: 1, parameters: params },
  ]);
  t.same(m.errorCode(), { code: 401, reason: 'Unauthorized' });
});
