import t from 'tap';
import { readFileSync } from 'node:fs';
import { SctpAssociation, ChunkType, ParamType, decodePacket, decodeInit, decodeCauses, sctpChecksum, CauseCode, type SctpEvent } from '../src/index.js';
import { PacketWriter } from '../src/packet/writer.js';
import { Rng, SimNetwork } from './sim.js';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const fixture = (name: string) =>
  (JSON.parse(readFileSync(new URL(`../../../shared/fixtures/sctp/${name}`, import.meta.url), 'utf8')).packets as Array<{ hex: string; chunks: Array<{ typeName: string }> }>).map((p) => ({
    bytes: hex(p.hex),
    kind: p.chunks[0].typeName,
  }));

/** A packet from raw chunks (header included), with CRC32c. */
function packet(vtag: number, ...chunks: Uint8Array[]): Uint8Array {
  const w = new PacketWriter(65535);
  w.begin(5000, 5000, vtag);
  for (const c of chunks) w.appendChunk(c);
  return w.finish(true).slice();
}
function chunk(type: number, flags: number, value: Uint8Array = new Uint8Array(0)): Uint8Array {
  const c = new Uint8Array(4 + value.length);
  c[0] = type;
  c[1] = flags;
  c[2] = c.length >> 8;
  c[3] = c.length & 0xff;
  c.set(value, 4);
  return c;
}
function drain(a: SctpAssociation): { packets: Uint8Array[]; events: SctpEvent[] } {
  const packets: Uint8Array[] = [];
  const events: SctpEvent[] = [];
  for (let p = a.pollTransmit(); p; p = a.pollTransmit()) packets.push(p.slice());
  for (let e = a.pollEvent(); e; e = a.pollEvent()) events.push(e);
  return { packets, events };
}
const newAssoc = (seed: number, extra: object = {}) => new SctpAssociation({ random: new Rng(seed).fill, ...extra }, 0);

for (const [file, browser] of [
  ['chromium-156.json', 'Chromium'],
  ['firefox-153.json', 'Firefox'],
] as const) {
  t.test(`${browser}'s real INIT gets a correct INIT-ACK, then COOKIE-ECHO, COOKIE-ACK and its DCEP DATA`, async (t) => {
    const pkts = fixture(file);
    const init = pkts.find((p) => p.kind === 'INIT')!;
    const data = pkts.find((p) => p.kind === 'DATA');
    const peerInit = decodeInit(decodePacket(init.bytes).chunks[0].value, false);
    for (const zeroChecksum of [false, true]) {
      const a = newAssoc(1, { zeroChecksum });
      a.handlePacket(init.bytes, 1);
      const out = drain(a);
      t.equal(out.packets.length, 1, 'one INIT-ACK, statelessly');
      t.equal(a.state, 'closed', 'no state before COOKIE-ECHO');
      const p = decodePacket(out.packets[0]);
      t.equal(sctpChecksum(out.packets[0]), p.checksum, 'INIT-ACK carries a CRC32c');
      t.equal(p.verificationTag, peerInit.initiateTag, "tag = the INIT's Initiate Tag");
      t.equal(p.chunks.length, 1);
      t.equal(p.chunks[0].type, ChunkType.INIT_ACK);
      const ack = decodeInit(p.chunks[0].value, true);
      t.ok(ack.initiateTag !== 0);
      t.equal(ack.outboundStreams, 65535);
      t.equal(ack.inboundStreams, 65535);
      t.ok(ack.aRwnd >= 5 * 1024 * 1024, 'a_rwnd sized for high BDP');
      t.ok(ack.forwardTsnSupported, 'Forward-TSN-Supported (0xC000)');
      t.same(ack.supportedExtensions.sort((x, y) => x - y), [ChunkType.RE_CONFIG, ChunkType.FORWARD_TSN], 'Supported Extensions: RE-CONFIG, FORWARD-TSN');
      t.equal(ack.zeroChecksumMethod, zeroChecksum ? 1 : undefined, 'zero checksum offered only when configured');
      t.same(ack.unknownTypes, []);
      t.ok(ack.stateCookie && ack.stateCookie.length > 32);
      // COOKIE-ECHO from the browser's side, bundled with nothing
      a.handlePacket(packet(ack.initiateTag, chunk(ChunkType.COOKIE_ECHO, 0, ack.stateCookie!)), 2);
      const est = drain(a);
      t.same(est.events, [{ type: 'connected' }]);
      t.equal(a.state, 'established');
      t.equal(decodePacket(est.packets[0]).chunks[0].type, ChunkType.COOKIE_ACK);
      t.equal(decodePacket(est.packets[0]).verificationTag, peerInit.initiateTag);
      t.equal(a.stats().zeroChecksum, false, 'browsers do not offer zero checksum: CRC stays on');
      if (data) {
        // the browser's DATA chunk (DCEP open, TSN = its initial TSN), re-addressed to our tag
        const dp = decodePacket(data.bytes);
        const raw = data.bytes.subarray(12);
        a.handlePacket(packet(ack.initiateTag, raw.subarray(0, (raw[2] << 8) | raw[3])), 3);
        const got = drain(a);
        const msg = got.events.find((e) => e.type === 'message');
        t.ok(msg && msg.type === 'message' && msg.ppid === 50 && msg.data[0] === 0x03, 'DCEP DATA_CHANNEL_OPEN delivered');
        t.ok(dp.chunks[0].type === ChunkType.DATA);
        a.handleTimeout(a.nextDeadline()!);
        const sack = drain(a).packets.map((x) => decodePacket(x)).find((x) => x.chunks[0].type === ChunkType.SACK);
        t.ok(sack, 'delayed SACK after the deadline');
      }
    }
  });
}

t.test('INIT parameters with the report bit come back as Unrecognized Parameter in the INIT-ACK', async (t) => {
  const a = newAssoc(2);
  const b = newAssoc(3);
  b.connect(0);
  const init = drain(b).packets[0];
  // append an unknown 0xC123 (skip + report) and 0x8123 (skip) parameter to the INIT
  const extra = Uint8Array.of(0xc1, 0x23, 0, 8, 1, 2, 3, 4, 0x81, 0x23, 0, 4);
  const c = decodePacket(init).chunks[0];
  const value = new Uint8Array(c.value.length + (4 - (c.value.length % 4)) % 4 + extra.length);
  value.set(c.value);
  value.set(extra, value.length - extra.length);
  a.handlePacket(packet(0, chunk(ChunkType.INIT, 0, value)), 1);
  const ack = decodePacket(drain(a).packets[0]);
  const v = ack.chunks[0].value;
  // find parameter type 8 in the INIT-ACK
  let found: Uint8Array | undefined;
  for (let o = 16; o + 4 <= v.length; ) {
    const type = (v[o] << 8) | v[o + 1];
    const len = (v[o + 2] << 8) | v[o + 3];
    if (type === ParamType.UNRECOGNIZED_PARAMETER) found = v.subarray(o + 4, o + len);
    o += (len + 3) & ~3;
  }
  t.ok(found, 'Unrecognized Parameter present');
  t.same([...found!], [0xc1, 0x23, 0, 8, 1, 2, 3, 4], 'it wraps the 0xC123 parameter only');
});

t.test('collision: both sides call connect() and both get established (RFC 9260 §5.2)', async (t) => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const net = new SimNetwork(seed, {}, {}, [{ delay: 5, jitter: 3 }, { delay: 5, jitter: 3 }]);
    t.ok(net.connect(true), `seed ${seed}: both connected`);
    net.peers[0].send(0, 51, new TextEncoder().encode('hi'), {}, net.now);
    net.peers[1].send(1, 51, new TextEncoder().encode('yo'), {}, net.now);
    t.ok(net.run(() => net.messages(0).length === 1 && net.messages(1).length === 1), 'data flows both ways');
    t.equal(net.events[0].filter((e) => e.type === 'connected').length, 1, 'one connected event');
  }
});

t.test('DATA queued before the handshake rides with the COOKIE ECHO (RFC 9260 §5.1 D), also when INITs cross', async (t) => {
  for (const both of [false, true]) {
    const net = new SimNetwork(3, {}, {}, [{ delay: 10 }, { delay: 10 }]);
    const sent: { from: 0 | 1; types: number[]; up: boolean }[] = [];
    net.tap = (from, bytes) => {
      sent.push({ from, types: decodePacket(bytes).chunks.map((c) => c.type), up: net.events[from].some((e) => e.type === 'connected') });
      return bytes;
    };
    net.peers[0].send(1, 50, Uint8Array.of(3, 0, 0, 0), {}, 0); // a DCEP OPEN, say, before connect()
    net.peers[0].connect(0);
    if (both) net.peers[1].connect(0);
    t.ok(net.run(() => net.messages(1).length === 1), `${both ? 'crossed INITs' : 'one INIT'}: the message arrived`);
    t.equal(net.now, 30, 'after INIT, INIT-ACK and the COOKIE ECHO: three one-way trips');
    const echo = sent.find((s) => s.from === 0 && s.types[0] === ChunkType.COOKIE_ECHO)!;
    t.same(echo.types, [ChunkType.COOKIE_ECHO, ChunkType.DATA], 'COOKIE ECHO first, DATA with it');
    t.notOk(sent.some((s) => s.from === 0 && !s.up && s.types.includes(ChunkType.DATA) && s.types[0] !== ChunkType.COOKIE_ECHO), 'no other DATA before the association is up');
    t.ok(net.run(() => net.events.every((e) => e.some((x) => x.type === 'connected'))), 'both connected');
  }
  // the COOKIE ECHO (with its DATA) lost: T1-cookie resends it, T3-rtx the DATA
  const net = new SimNetwork(4, {}, {}, [{ delay: 10 }, { delay: 10 }]);
  let dropped = false;
  net.tap = (from, bytes) => {
    if (!dropped && from === 0 && decodePacket(bytes).chunks[0].type === ChunkType.COOKIE_ECHO) return void (dropped = true);
    return bytes;
  };
  net.peers[0].send(1, 50, Uint8Array.of(3), {}, 0);
  net.peers[0].connect(0);
  t.ok(net.run(() => net.messages(1).length === 1), 'delivered after the loss');
  t.ok(dropped && net.now >= 500, `recovered after an RTO (${net.now} ms)`);
});

t.test('handshake survives loss of INIT, INIT-ACK, COOKIE-ECHO, COOKIE-ACK (T1 timers)', async (t) => {
  for (let drop = 0; drop < 4; drop++) {
    const net = new SimNetwork(7, {}, {}, [{ delay: 10 }, { delay: 10 }]);
    let n = 0;
    net.tap = (_from, bytes) => (n++ === drop ? undefined : bytes);
    t.ok(net.connect(), `packet #${drop} of the handshake lost`);
    t.ok(net.now >= 500, 'recovered after an RTO');
  }
});

t.test('forged, truncated, stale cookies and wrong tags are dropped and counted', async (t) => {
  const a = newAssoc(4, { cookieLifetime: 1000 });
  const b = newAssoc(5);
  b.connect(0);
  a.handlePacket(drain(b).packets[0], 0);
  const ackPkt = drain(a).packets[0];
  const ack = decodeInit(decodePacket(ackPkt).chunks[0].value, true);
  const cookie = ack.stateCookie!.slice();
  // forged: one bit flipped
  const forged = cookie.slice();
  forged[20] ^= 1;
  a.handlePacket(packet(ack.initiateTag, chunk(ChunkType.COOKIE_ECHO, 0, forged)), 1);
  a.handlePacket(packet(ack.initiateTag, chunk(ChunkType.COOKIE_ECHO, 0, cookie.subarray(0, 40))), 1);
  t.equal(a.stats().droppedBadCookie, 2);
  // right cookie, wrong verification tag
  a.handlePacket(packet(ack.initiateTag ^ 1, chunk(ChunkType.COOKIE_ECHO, 0, cookie)), 1);
  t.equal(a.stats().droppedBadTag, 1);
  t.equal(a.state, 'closed');
  // stale: past its lifetime -> ERROR with Stale Cookie, no association
  a.handlePacket(packet(ack.initiateTag, chunk(ChunkType.COOKIE_ECHO, 0, cookie)), 5000);
  const err = drain(a).packets.map((p) => decodePacket(p));
  t.equal(err.length, 1);
  t.equal(err[0].chunks[0].type, ChunkType.ERROR);
  t.equal(decodeCauses(err[0].chunks[0].value)[0].code, CauseCode.STALE_COOKIE);
  t.equal(a.state, 'closed');
  // a fresh one works
  a.handlePacket(packet(ack.initiateTag, chunk(ChunkType.COOKIE_ECHO, 0, cookie)), 500);
  t.equal(a.state, 'established');
  // a packet with a bad tag after establishment is dropped
  const before = a.stats().droppedBadTag;
  a.handlePacket(packet(12345, chunk(ChunkType.HEARTBEAT, 0, Uint8Array.of(0, 1, 0, 8, 1, 2, 3, 4))), 501);
  t.equal(a.stats().droppedBadTag, before + 1);
  t.equal(drain(a).packets.length, 1, 'only the COOKIE-ACK went out, no HEARTBEAT-ACK');
  // bad CRC is dropped
  const good = packet(ack.initiateTag, chunk(ChunkType.HEARTBEAT, 0, Uint8Array.of(0, 1, 0, 8, 1, 2, 3, 4)));
  const badCrc = good.slice();
  badCrc[8] ^= 0xff;
  a.handlePacket(badCrc, 502);
  t.equal(a.stats().droppedBadChecksum, 1);
  a.handlePacket(good, 503);
  const hb = drain(a).packets.map((p) => decodePacket(p));
  t.equal(hb[0].chunks[0].type, ChunkType.HEARTBEAT_ACK, 'a good HEARTBEAT is answered');
  // an INIT with a nonzero tag, or bundled with another chunk, is dropped (§8.5.1, §6.10)
  const c = newAssoc(6);
  const d = newAssoc(7);
  d.connect(0);
  const realInit = drain(d).packets[0];
  const initValue = decodePacket(realInit).chunks[0];
  const raw = realInit.subarray(12);
  c.handlePacket(packet(99, raw), 1);
  c.handlePacket(packet(0, raw, chunk(ChunkType.COOKIE_ACK, 0)), 1);
  t.equal(drain(c).packets.length, 0, 'no INIT-ACK for either');
  t.equal(c.stats().droppedBadTag, 2);
  c.handlePacket(packet(0, raw), 1);
  t.equal(drain(c).packets.length, 1, 'the proper INIT is answered');
  t.equal(initValue.type, ChunkType.INIT);
});

t.test('zero checksum (RFC 9653) is used only when both sides accept it', async (t) => {
  for (const [za, zb] of [
    [true, true],
    [true, false],
    [false, true],
  ] as const) {
    const net = new SimNetwork(9, { zeroChecksum: za }, { zeroChecksum: zb }, [{ delay: 1 }, { delay: 1 }]);
    const seen: number[] = [];
    net.tap = (_f, b) => (seen.push(decodePacket(b).checksum), b);
    t.ok(net.connect());
    net.peers[0].send(0, 53, new Uint8Array(5000), {}, net.now);
    t.ok(net.run(() => net.messages(1).length === 1));
    const zeros = seen.filter((c) => c === 0).length;
    if (za && zb) {
      t.ok(zeros > 3, 'data packets carry a zero checksum');
      t.not(seen[0], 0, 'the INIT still has a CRC32c');
      t.equal(net.peers[0].stats().zeroChecksum, true);
    } else t.equal(zeros, 0, `no zero checksum (${za}, ${zb})`);
  }
  // a zero checksum is refused by an endpoint that did not announce acceptance
  const net = new SimNetwork(10, {}, {}, [{}, {}]);
  t.ok(net.connect());
  net.tap = (_f, b) => (b.fill(0, 8, 12), b);
  net.peers[0].send(0, 53, new Uint8Array(10), {}, net.now);
  net.run(() => false, net.now + 100);
  t.ok(net.peers[1].stats().droppedBadChecksum > 0);
  t.equal(net.messages(1).length, 0);
});

t.test('SHUTDOWN sequence after pending data; ABORT with reason; heartbeats', async (t) => {
  const net = new SimNetwork(11, { heartbeatInterval: 1000 }, {}, [{ delay: 20, loss: 0.1 }, { delay: 20, loss: 0.1 }]);
  t.ok(net.connect());
  for (let i = 0; i < 50; i++) net.peers[0].send(0, 53, new Uint8Array(3000).fill(i), {}, net.now);
  net.peers[0].shutdown(net.now);
  t.ok(net.run(() => net.events.every((e) => e.some((x) => x.type === 'closed'))), 'both closed');
  t.equal(net.messages(1).length, 50, 'all data delivered before the shutdown completed');
  t.throws(() => net.peers[0].send(0, 53, new Uint8Array(1), {}, net.now), { code: 'invalid-state' });

  const n2 = new SimNetwork(12, { heartbeatInterval: 1000 }, { heartbeatInterval: 1000 }, [{ delay: 30 }, { delay: 30 }]);
  t.ok(n2.connect());
  n2.run(() => false, n2.now + 5000);
  t.ok(n2.peers[0].stats().srtt! > 55 && n2.peers[0].stats().srtt! < 65, 'heartbeats measured the 60 ms RTT');
  n2.peers[1].abort('bye now', n2.now);
  t.ok(n2.run(() => n2.events[0].some((e) => e.type === 'aborted')));
  const ab = n2.events[0].find((e) => e.type === 'aborted');
  t.match(ab, { type: 'aborted', reason: /user-initiated-abort: bye now/ });
  t.same(n2.events[1].at(-1), { type: 'aborted', reason: 'bye now' });
  t.equal(n2.peers[0].nextDeadline(), undefined, 'no timers after abort');
});

t.test('unanswered INIT gives up after maxInitRetransmits; unreachable peer aborts when maxRetransmissions is set', async (t) => {
  const net = new SimNetwork(13, { maxInitRetransmits: 3 }, {}, [{ loss: 1 }, { loss: 1 }]);
  net.peers[0].connect(0);
  t.ok(net.run(() => net.events[0].some((e) => e.type === 'aborted')));
  t.match(net.events[0][0], { type: 'aborted', reason: /INIT/ });
  const n2 = new SimNetwork(14, { maxRetransmissions: 3 }, {}, [{ delay: 5 }, { delay: 5 }]);
  t.ok(n2.connect());
  n2.links[0].loss = 1;
  n2.links[1].loss = 1;
  n2.peers[0].send(0, 53, new Uint8Array(100), {}, n2.now);
  t.ok(n2.run(() => n2.events[0].some((e) => e.type === 'aborted')));
  t.match(n2.events[0].at(-1), { type: 'aborted', reason: /unreachable/ });
});

t.test('SNAP: INIT chunks exchanged out of band (a=sctp-init) establish both sides with no handshake packet', async (t) => {
  const net = new SimNetwork(31, { zeroChecksum: true }, { zeroChecksum: true }, [{ delay: 10 }, { delay: 10 }]);
  const [a, b] = net.peers;
  const initA = a.snapInit();
  const initB = b.snapInit();
  t.equal(initA[0], ChunkType.INIT);
  t.same(a.snapInit(), initA, 'the same INIT each time');
  let packets = 0;
  net.tap = (_f, p) => (packets++, p);
  a.connectSnap(initB, 0);
  b.connectSnap(initA, 0);
  net.flush();
  t.equal(a.state, 'established');
  t.equal(b.state, 'established');
  t.equal(packets, 0, 'no INIT / INIT-ACK / COOKIE on the wire');
  t.same(net.events[0], [{ type: 'connected' }]);
  a.send(0, 51, new TextEncoder().encode('snap'), {}, 0);
  b.send(1, 53, new Uint8Array(5000), {}, 0);
  t.ok(net.run(() => net.messages(0).length === 1 && net.messages(1).length === 1), 'data both ways at once');
  t.equal(a.stats().zeroChecksum, true, 'capabilities taken from the INITs');
  t.throws(() => a.connectSnap(initB, 1), { code: 'invalid-state' });
  const short = new Uint8Array(24);
  short[0] = 1;
  short[3] = 8; // chunk length 8: shorter than an INIT
  t.throws(() => newAssoc(40).connectSnap(short, 0), { code: 'bad-chunk-length' });
  t.throws(() => newAssoc(41).connectSnap(new Uint8Array(24), 0), { code: 'bad-init' });
});

t.test("collision with Chromium's real INIT: in COOKIE-WAIT we answer with our own INIT's tag and TSN (§5.2.1)", async (t) => {
  const init = fixture('chromium-156.json').find((p) => p.kind === 'INIT')!;
  const peer = decodeInit(decodePacket(init.bytes).chunks[0].value, false);
  const a = newAssoc(50);
  a.connect(0);
  const ours = decodeInit(decodePacket(drain(a).packets[0]).chunks[0].value, false);
  a.handlePacket(init.bytes, 1);
  t.equal(a.state, 'cookie-wait');
  const p = decodePacket(drain(a).packets[0]);
  t.equal(p.verificationTag, peer.initiateTag);
  const ack = decodeInit(p.chunks[0].value, true);
  t.equal(ack.initiateTag, ours.initiateTag, 'same Initiate Tag as our INIT');
  t.equal(ack.initialTsn, ours.initialTsn, 'same initial TSN');
  // Chromium's COOKIE-ECHO with that cookie establishes the association
  a.handlePacket(packet(ours.initiateTag, chunk(ChunkType.COOKIE_ECHO, 0, ack.stateCookie!)), 2);
  t.equal(a.state, 'established');
  t.same(drain(a).events, [{ type: 'connected' }]);
});
