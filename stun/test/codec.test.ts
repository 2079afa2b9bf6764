// Writer ↔ decoder round trips for every attribute, typed errors on malformed framing,
// RFC 7983 demux, ChannelData.
import t from 'tap';
import fc from 'fast-check';
import {
  StunAttr,
  StunClass,
  StunError,
  StunMethod,
  StunWriter,
  classifyPacket,
  decodeChannelData,
  decodeStun,
  encodeChannelData,
  encodeStun,
  isStun,
  messageType,
  methodOf,
  classOf,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
  describeStun,
  type TransportAddress,
} from '@tsrtc/stun';

const TID = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

t.test('message type interleaving (RFC 8489 §5)', async (t) => {
  t.equal(messageType(StunMethod.BINDING, StunClass.REQUEST), 0x0001);
  t.equal(messageType(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE), 0x0101);
  t.equal(messageType(StunMethod.BINDING, StunClass.ERROR_RESPONSE), 0x0111);
  t.equal(messageType(StunMethod.BINDING, StunClass.INDICATION), 0x0011);
  t.equal(messageType(StunMethod.SEND, StunClass.INDICATION), 0x0016);
  t.equal(messageType(StunMethod.ALLOCATE, StunClass.ERROR_RESPONSE), 0x0113);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xfff }), fc.integer({ min: 0, max: 3 }), (m, c) => {
      const type = messageType(m, c);
      return type < 0x4000 && methodOf(type) === m && classOf(type) === c;
    }),
  );
});

t.test('every typed attribute round-trips', async (t) => {
  const v6: TransportAddress = { family: 6, address: '2001:db8::1', port: 3478 };
  const v4: TransportAddress = { family: 4, address: '203.0.113.7', port: 61000 };
  const bytes = new StunWriter(64) // small on purpose: the writer grows
    .begin(StunMethod.ALLOCATE, StunClass.ERROR_RESPONSE, TID)
    .username('alice:bob')
    .realm('example.org')
    .nonce('abc/def')
    .software('tsrtc ✓')
    .priority(0xffffffff)
    .useCandidate()
    .iceControlling(0xfedcba9876543210n)
    .iceControlled(1n)
    .xorMappedAddress(v6)
    .mappedAddress(v4)
    .alternateServer(v6)
    .xorPeerAddress(v4)
    .xorRelayedAddress(v6)
    .errorCode(438, 'Stale Nonce')
    .unknownAttributes([0x0031, 0x7fff, 0x0002])
    .lifetime(600)
    .data(Uint8Array.from([9, 8, 7]))
    .channelNumber(0x4001)
    .requestedTransport()
    .dontFragment()
    .attribute(0xc057, Uint8Array.from([0, 0, 3, 0xe7]))
    .finish({ integrityKey: shortTermKey('pw'), integritySha256Key: shortTermKey('pw'), fingerprint: true });
  const m = decodeStun(bytes);
  t.equal(m.method, StunMethod.ALLOCATE);
  t.equal(m.messageClass, StunClass.ERROR_RESPONSE);
  t.equal(m.username(), 'alice:bob');
  t.equal(m.realm(), 'example.org');
  t.equal(m.nonce(), 'abc/def');
  t.equal(m.software(), 'tsrtc ✓');
  t.equal(m.priority(), 0xffffffff);
  t.equal(m.useCandidate(), true);
  t.equal(m.iceControlling(), 0xfedcba9876543210n);
  t.equal(m.iceControlled(), 1n);
  t.same(m.xorMappedAddress(), v6);
  t.same(m.mappedAddress(), v4);
  t.same(m.alternateServer(), v6);
  t.same(m.xorPeerAddress(), v4);
  t.same(m.xorRelayedAddress(), v6);
  t.same(m.errorCode(), { code: 438, reason: 'Stale Nonce' });
  t.same(m.unknownAttributes(), [0x0031, 0x7fff, 0x0002]);
  t.equal(m.lifetime(), 600);
  t.same([...m.data()!], [9, 8, 7]);
  t.equal(m.channelNumber(), 0x4001);
  t.equal(m.requestedTransport(), 17);
  t.equal(m.dontFragment(), true);
  t.same([...m.attribute(0xc057)!], [0, 0, 3, 0xe7], 'an unknown comprehension-optional attribute is preserved');
  t.same(m.unknownComprehensionRequired, []);
  t.ok(verifyMessageIntegrity(m, shortTermKey('pw')));
  t.ok(verifyMessageIntegritySha256(m, shortTermKey('pw')));
  t.notOk(verifyMessageIntegritySha256(m, shortTermKey('pX')));
  t.ok(verifyFingerprint(m));
  // absent attributes read as undefined / false
  const empty = decodeStun(new StunWriter().begin(StunMethod.BINDING, StunClass.REQUEST, TID).finish());
  for (const get of ['username', 'priority', 'iceControlling', 'xorMappedAddress', 'errorCode', 'lifetime', 'data', 'channelNumber', 'unknownAttributes', 'alternateServer'] as const) {
    t.equal(empty[get](), undefined, `${get}() absent`);
  }
  t.equal(empty.useCandidate(), false);
  t.notOk(verifyMessageIntegrity(empty, shortTermKey('pw')), 'no MESSAGE-INTEGRITY: not verified');
  t.notOk(verifyFingerprint(empty));
});

t.test('property: random attribute sets round-trip and verify', async (t) => {
  const addr = fc.oneof(
    fc.record({ family: fc.constant(4 as const), address: fc.ipV4(), port: fc.integer({ min: 0, max: 65535 }) }),
    fc.record({ family: fc.constant(6 as const), address: fc.ipV6(), port: fc.integer({ min: 0, max: 65535 }) }),
  );
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 12, maxLength: 12 }),
      fc.string({ maxLength: 40 }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      addr,
      fc.array(fc.record({ type: fc.integer({ min: 0x8030, max: 0xffff }).filter((x) => x !== 0x8028), value: fc.uint8Array({ maxLength: 13 }) }), { maxLength: 4 }),
      fc.string({ minLength: 1, maxLength: 20 }),
      (tid, user, prio, tie, a, extra, pwd) => {
        const w = new StunWriter().begin(StunMethod.BINDING, StunClass.REQUEST, tid).username(user).priority(prio).iceControlling(tie).xorMappedAddress(a);
        for (const e of extra) w.attribute(e.type, e.value);
        const m = decodeStun(w.finish({ integrityKey: shortTermKey(pwd), fingerprint: true }));
        const x = m.xorMappedAddress()!;
        const canon = a.family === 6 ? new URL(`http://[${a.address}]/`).hostname.slice(1, -1) : a.address;
        return (
          m.username() === user &&
          m.priority() === prio &&
          m.iceControlling() === tie &&
          x.address === canon &&
          x.port === a.port &&
          extra.every((e) => Buffer.from(m.attribute(e.type)!).equals(Buffer.from(extra.find((f) => f.type === e.type)!.value))) &&
          verifyMessageIntegrity(m, shortTermKey(pwd)) &&
          verifyFingerprint(m)
        );
      },
    ),
    { numRuns: 500, seed: 5769 },
  );
});

t.test('unknown comprehension-required attributes are reported', async (t) => {
  const m = decodeStun(
    new StunWriter().begin(StunMethod.BINDING, StunClass.REQUEST, TID).attribute(0x0031, new Uint8Array(2)).username('a:b').attribute(0x7001, new Uint8Array(0)).attribute(0x8031, new Uint8Array(1)).finish(),
  );
  t.same(m.unknownComprehensionRequired, [0x0031, 0x7001]);
  t.equal(m.username(), 'a:b');
});

t.test('attributes after MESSAGE-INTEGRITY are ignored, except MI-SHA256 and FINGERPRINT (RFC 8489 §14.5)', async (t) => {
  const signed = new StunWriter().begin(StunMethod.BINDING, StunClass.REQUEST, TID).username('a:b').finish({ integrityKey: shortTermKey('k') });
  // append PRIORITY after MESSAGE-INTEGRITY by hand
  const tampered = new Uint8Array(signed.length + 8);
  tampered.set(signed);
  tampered.set([0x00, 0x24, 0x00, 0x04, 0, 0, 0, 7], signed.length);
  tampered[3] += 8;
  const m = decodeStun(tampered);
  t.equal(m.priority(), undefined, 'PRIORITY after MESSAGE-INTEGRITY does not count');
  t.ok(verifyMessageIntegrity(m, shortTermKey('k')), 'the integrity check covers only what precedes it');
  t.equal(m.attributeCount, 2);
});

t.test('FINGERPRINT must be last', async (t) => {
  const fp = new StunWriter().begin(StunMethod.BINDING, StunClass.INDICATION, TID).finish({ fingerprint: true });
  const more = new Uint8Array(fp.length + 4);
  more.set(fp);
  more.set([0x80, 0x22, 0, 0], fp.length);
  more[3] += 4;
  const m = decodeStun(more);
  t.notOk(verifyFingerprint(m), 'an attribute after FINGERPRINT: not verified');
  t.equal(m.software(), undefined, 'and it is ignored');
  const flipped = fp.slice();
  flipped[10] ^= 1;
  t.notOk(verifyFingerprint(decodeStun(flipped)), 'a changed byte breaks the CRC');
});

t.test('malformed datagrams throw StunError with code and offset', async (t) => {
  const good = new StunWriter().begin(StunMethod.BINDING, StunClass.REQUEST, TID).username('abcde').priority(5).finish({ fingerprint: true });
  const cases: [string, (b: Uint8Array) => Uint8Array, string, number][] = [
    ['short', (b) => b.subarray(0, 19), 'truncated', 0],
    ['leading bits', (b) => ((b[0] |= 0x40), b), 'not-stun', 0],
    ['cookie', (b) => ((b[5] ^= 0xff), b), 'bad-magic-cookie', 4],
    ['length off by one', (b) => ((b[3] += 1), b), 'bad-length', 2],
    ['length too big', (b) => ((b[3] += 4), b), 'bad-length', 2],
    ['trailing bytes', (b) => b.subarray(0, b.length - 4), 'bad-length', 2],
    ['attribute overrun', (b) => ((b[22] = 0x10), b), 'attribute-overrun', 20],
    ['length not /4', (b) => ((b[3] -= 1), b.subarray(0, b.length - 1)), 'attribute-overrun', good.length - 8],
  ];
  // USERNAME "abcde" as the last attribute without its 3 padding bytes
  const unpadded = new StunWriter().begin(StunMethod.BINDING, StunClass.REQUEST, TID).username('abcde').finish().subarray(0, 29);
  unpadded[3] = 9;
  cases.push(['unpadded last attribute', (b) => b, 'bad-padding', 20]);
  for (const [name, mutate, code, offset] of cases) {
    const b = mutate(name.startsWith('unpadded') ? unpadded.slice() : good.slice());
    try {
      decodeStun(b);
      t.fail(`${name}: decoded`);
    } catch (e) {
      t.ok(e instanceof StunError, `${name}: StunError`);
      t.match(e, { layer: 'stun', code, offset }, name);
    }
  }
  // a well-framed but malformed value fails when read, with a typed error
  const badPrio = decodeStun(new StunWriter().begin(StunMethod.BINDING, StunClass.REQUEST, TID).attribute(StunAttr.PRIORITY, new Uint8Array(3)).finish());
  t.throws(() => badPrio.priority(), { code: 'bad-attribute', offset: 20 });
  const badFamily = decodeStun(new StunWriter().begin(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, TID).attribute(StunAttr.XOR_MAPPED_ADDRESS, Uint8Array.from([0, 3, 0, 0, 1, 2, 3, 4])).finish());
  t.throws(() => badFamily.xorMappedAddress(), { code: 'bad-attribute' });
  const badErr = decodeStun(new StunWriter().begin(StunMethod.BINDING, StunClass.ERROR_RESPONSE, TID).attribute(StunAttr.ERROR_CODE, Uint8Array.from([0, 0, 2, 0])).finish());
  t.throws(() => badErr.errorCode(), { code: 'bad-attribute' });
});

t.test('writer misuse is a typed error', async (t) => {
  const w = new StunWriter();
  t.throws(() => w.username('x'), { code: 'bad-argument' }, 'attribute before begin()');
  t.throws(() => w.begin(1, 0, new Uint8Array(11)), { code: 'bad-argument' });
  w.begin(1, 0, TID);
  t.throws(() => w.priority(-1), { code: 'bad-argument' });
  t.throws(() => w.errorCode(200, 'x'), { code: 'bad-argument' });
  t.throws(() => w.xorMappedAddress({ family: 4, address: '1.2.3', port: 1 }), { code: 'bad-argument' });
  t.throws(() => w.xorMappedAddress({ family: 6, address: '1::2::3', port: 1 }), { code: 'bad-argument' });
  t.throws(() => w.channelNumber(0x3fff), { code: 'bad-argument' });
});

t.test('encodeStun convenience form equals the writer', async (t) => {
  const key = shortTermKey('secret');
  const a = encodeStun(
    { method: StunMethod.BINDING, messageClass: StunClass.REQUEST, transactionId: TID, attributes: [{ type: StunAttr.USERNAME, value: Buffer.from('u:v') }] },
    { integrityKey: key, fingerprint: true },
  );
  const b = new StunWriter().begin(StunMethod.BINDING, StunClass.REQUEST, TID).username('u:v').finish({ integrityKey: key, fingerprint: true });
  t.same([...a], [...b]);
});

t.test('finishView returns a view of the reused buffer; finish a copy', async (t) => {
  const w = new StunWriter();
  const v = w.begin(1, 0, TID).priority(1).finishView();
  const copy = w.begin(1, 0, TID).priority(2).finish();
  t.equal(decodeStun(copy).priority(), 2);
  t.equal(decodeStun(v).priority(), 2, 'the view was overwritten by the next message');
});

t.test('IPv6 text forms (RFC 5952 output)', async (t) => {
  const round = (address: string) => {
    const m = decodeStun(new StunWriter().begin(1, 2, TID).xorMappedAddress({ family: 6, address, port: 1 }).finish());
    return m.xorMappedAddress()!.address;
  };
  t.equal(round('::1'), '::1');
  t.equal(round('::'), '::');
  t.equal(round('2001:DB8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  t.equal(round('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1', 'a single zero group is not compressed');
  t.equal(round('::ffff:192.0.2.1'), '::ffff:c000:201');
  t.equal(round('fe80::1%eth0'), 'fe80::1');
});

t.test('RFC 7983 demultiplexing by first byte', async (t) => {
  const kinds = (b: number) => classifyPacket(Uint8Array.of(b, 0, 0, 0));
  t.equal(kinds(0), 'stun');
  t.equal(kinds(3), 'stun');
  t.equal(kinds(4), 'unknown');
  t.equal(kinds(16), 'zrtp');
  t.equal(kinds(20), 'dtls');
  t.equal(kinds(22), 'dtls');
  t.equal(kinds(63), 'dtls');
  t.equal(kinds(64), 'channel-data');
  t.equal(kinds(79), 'channel-data');
  t.equal(kinds(80), 'unknown');
  t.equal(kinds(128), 'rtp');
  t.equal(kinds(191), 'rtp');
  t.equal(kinds(192), 'unknown');
  t.equal(classifyPacket(new Uint8Array(0)), 'unknown');
  const stun = new StunWriter().begin(1, 0, TID).finish();
  t.ok(isStun(stun));
  t.notOk(isStun(stun.subarray(0, 19)));
  const noCookie = stun.slice();
  noCookie[4] = 0;
  t.notOk(isStun(noCookie));
});

t.test('ChannelData framing (RFC 8656 §12.4)', async (t) => {
  const data = Uint8Array.from([1, 2, 3, 4, 5]);
  const cd = encodeChannelData(0x4000, data);
  t.same([...cd], [0x40, 0x00, 0x00, 0x05, 1, 2, 3, 4, 5]);
  t.equal(classifyPacket(cd), 'channel-data');
  const d = decodeChannelData(cd);
  t.equal(d.channel, 0x4000);
  t.same([...d.data], [...data]);
  const padded = new Uint8Array(12);
  padded.set(cd);
  t.same([...decodeChannelData(padded).data], [...data], 'padding is ignored');
  t.throws(() => decodeChannelData(new Uint8Array(13).fill(0x40, 0, 1)), { code: 'bad-channel-data' });
  t.throws(() => decodeChannelData(Uint8Array.of(0x50, 0, 0, 0)), { code: 'bad-channel-data', offset: 0 });
  t.throws(() => decodeChannelData(Uint8Array.of(0x40, 0, 0, 9, 1)), { code: 'bad-channel-data', offset: 2 });
  t.throws(() => decodeChannelData(Uint8Array.of(0x40)), { code: 'truncated' });
  t.throws(() => encodeChannelData(0x5000, data), { code: 'bad-argument' });
});

t.test('IPv4 text is parsed strictly', async (t) => {
  const write = (address: string) => decodeStun(new StunWriter().begin(1, 2, TID).mappedAddress({ family: 4, address, port: 1 }).finish()).mappedAddress()!.address;
  t.equal(write('0.0.0.0'), '0.0.0.0');
  t.equal(write('255.255.255.255'), '255.255.255.255');
  t.equal(write('10.1.22.123'), '10.1.22.123');
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '1.2.3.', '.1.2.3', '1.2.3.4 ', 'a.b.c.d', '1234.1.1.1', '1.2.3.-4']) {
    t.throws(() => write(bad), { code: 'bad-argument' }, JSON.stringify(bad));
  }
  fc.assert(fc.property(fc.ipV4(), (ip) => write(ip) === ip), { numRuns: 300, seed: 4 });
});

t.test('describeStun: a readable form that never throws', async (t) => {
  const m = decodeStun(
    new StunWriter()
      .begin(StunMethod.BINDING, StunClass.REQUEST, TID)
      .username('a:b')
      .attribute(0xc057, Uint8Array.of(0, 0, 3, 0xe7))
      .iceControlling(0x0102030405060708n)
      .attribute(StunAttr.PRIORITY, Uint8Array.of(1, 2)) // malformed
      .useCandidate()
      .finish({ integrityKey: shortTermKey('k'), fingerprint: true }),
  );
  const d = describeStun(m);
  t.equal(d.method, 'binding');
  t.equal(d.class, 'request');
  t.equal(d.transactionId, '0102030405060708090a0b0c');
  t.same(
    d.attributes.map((a) => a.type),
    ['USERNAME', 'GOOG-NETWORK-INFO', 'ICE-CONTROLLING', 'PRIORITY', 'USE-CANDIDATE', 'MESSAGE-INTEGRITY', 'FINGERPRINT'],
  );
  t.equal(d.attributes[0].value, 'a:b');
  t.equal(d.attributes[1].value, '000003e7');
  t.equal(d.attributes[2].value, '0102030405060708');
  t.same(d.attributes[3].value, { error: 'bad-attribute', hex: '0102' });
  t.equal(d.attributes[4].value, true);
  t.match(d.attributes[6].value, /^0x[0-9a-f]{8}$/);
  t.doesNotThrow(() => JSON.stringify(d));
});
