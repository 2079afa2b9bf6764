import { createHash } from 'node:crypto';
import t from 'tap';
import {
  CipherSuiteId,
  DtlsEndpoint,
  ExtensionType,
  HandshakeType,
  NamedGroup,
  computeFingerprint,
  decodeClientHello,
  decodeServerHello,
  type DtlsSettings,
} from '@tsrtc/dtls';
import { decodeCertificateMessage } from '../src/messages/certificate.js';
import { decodeHelloVerifyRequest } from '../src/messages/hello-verify-request.js';
import { decodeServerKeyExchange } from '../src/messages/server-key-exchange.js';
import { fixtureNames, reassemblePlaintext, readHexDatagrams, readJson, splitRecords } from './fixture-helpers.js';
import { Prng, drainTransmit, testCertificates } from './helpers.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const VERSION = { 'DTLS 1.0': 0xfeff, 'DTLS 1.2': 0xfefd } as Record<string, number>;
const CONTENT = { handshake: 22, change_cipher_spec: 20, alert: 21, application_data: 23 } as Record<string, number>;

const hellos = readJson('clienthellos.json').hellos as any[];

t.test('captured ClientHellos: record headers, fragments and reassembly match clienthellos.json', (t) => {
  t.equal(hellos.length, 6);
  for (const h of hellos) {
    const datagrams = readHexDatagrams(h.file.replace('dtls/', ''));
    t.equal(datagrams.length, h.datagrams.length, `${h.file}: datagrams`);
    datagrams.forEach((d, i) => {
      const expected = h.datagrams[i];
      t.equal(d.length, expected.length);
      const recs = splitRecords(d);
      t.same(
        recs.map((r) => [r.type, r.version, r.epoch, r.sequenceNumber, r.fragment.length]),
        expected.records.map((r: any) => [CONTENT[r.contentType], VERSION[r.version], r.epoch, r.sequenceNumber, r.length]),
        `${h.file} line ${i + 1}: record headers`,
      );
    });
    const [msg] = reassemblePlaintext(datagrams, h.clientHello.messageSeq);
    t.equal(msg.body.length, h.clientHello.length, `${h.file}: ClientHello split over ${datagrams.length} datagrams reassembled`);
    t.equal(sha256(msg.body), h.clientHello.sha256, `${h.file}: sha-256 of the reassembled ClientHello`);
    const ch = decodeClientHello(msg.body);
    t.equal(Buffer.from(ch.random).toString('hex'), h.clientHello.random);
    t.equal(Buffer.from(ch.cookie).toString('hex'), h.clientHello.cookie);
    t.equal(ch.cipherSuites.length, h.clientHello.cipherSuites.length);
    t.same(ch.extensions.types, h.clientHello.extensions.map((e: any) => e.type), `${h.file}: extensions in wire order`);
    t.ok(ch.extensions.supportedGroups?.includes(NamedGroup.x25519));
    t.ok(ch.extensions.extendedMasterSecret, 'EMS offered');
  }
  t.end();
});

function serverFor(settings: Partial<DtlsSettings> = {}) {
  const [, serverCert] = testCertificates();
  return new DtlsEndpoint({ role: 'server', certificate: serverCert, random: new Prng(9).fill, ...settings }, 0);
}

t.test('real browser ClientHellos (fragmented, ML-KEM + DTLS 1.3 offers) get a correct DTLS 1.2 server flight', (t) => {
  for (const h of hellos) {
    for (const groups of [undefined, [NamedGroup.secp256r1]]) {
      const server = serverFor(groups ? { namedGroups: groups } : {});
      for (const d of readHexDatagrams(h.file.replace('dtls/', ''))) server.handleDatagram(d, 0);
      const flight = drainTransmit(server);
      t.ok(flight.length >= 1, `${h.file}: server answered`);
      const messages = reassemblePlaintext(flight, h.clientHello.messageSeq);
      t.same(
        messages.map((m) => m.msgType),
        [HandshakeType.server_hello, HandshakeType.certificate, HandshakeType.server_key_exchange, HandshakeType.certificate_request, HandshakeType.server_hello_done],
        `${h.file}: flight 4`,
      );
      t.equal(messages[0].messageSeq, h.clientHello.messageSeq, 'ServerHello message_seq follows the ClientHello');
      const sh = decodeServerHello(messages[0].body);
      t.equal(sh.serverVersion, 0xfefd, 'DTLS 1.2');
      t.equal(sh.cipherSuite, CipherSuiteId.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
      t.ok(sh.extensions.extendedMasterSecret, 'EMS echoed');
      t.same(sh.extensions.renegotiationInfo, new Uint8Array(0), 'empty renegotiation_info echoed');
      const offeredSrtp = h.clientHello.extensions.find((e: any) => e.type === ExtensionType.use_srtp);
      t.ok(offeredSrtp && sh.extensions.useSrtp?.profiles.length === 1, 'use_srtp answered with one profile');
      t.notOk(sh.extensions.types.includes(43) || sh.extensions.types.includes(51), 'no supported_versions / key_share');
      const ske = decodeServerKeyExchange(messages[2].body);
      t.equal(ske.namedGroup, groups ? NamedGroup.secp256r1 : NamedGroup.x25519, 'ML-KEM hybrid ignored, classic group picked');
      t.same(server.stats().droppedHandshake, 0);
      t.ok(flight.every((d) => d.length <= 1200), 'datagrams within the 1200-byte MTU');
    }
  }
  t.end();
});

t.test('a browser ClientHello reordered and duplicated is reassembled once and answered once', (t) => {
  for (const h of hellos.filter((x) => x.clientHello.messageSeq === 0)) {
    const server = serverFor();
    const datagrams = readHexDatagrams(h.file.replace('dtls/', ''));
    const order = [...datagrams].reverse();
    for (const d of [order[0], ...order, ...order]) server.handleDatagram(d, 0);
    const out = drainTransmit(server);
    const messages = reassemblePlaintext(out);
    t.equal(messages.filter((m) => m.msgType === HandshakeType.server_hello).length, 1, `${h.file}: one ServerHello`);
    t.equal(server.state, 'connecting');
  }
  t.end();
});

t.test('cookie variants: a foreign cookie is answered with our HelloVerifyRequest (message_seq 1); without cookies, a ServerHello', (t) => {
  for (const name of fixtureNames('.clienthello.cookie.hex')) {
    const withCookies = serverFor({ helloVerifyRequest: true });
    for (const d of readHexDatagrams(name)) withCookies.handleDatagram(d, 0);
    const [hvr] = reassemblePlaintext(drainTransmit(withCookies), 1);
    t.equal(hvr?.msgType, HandshakeType.hello_verify_request, `${name}: HelloVerifyRequest`);
    t.equal(hvr.messageSeq, 1);
    const decoded = decodeHelloVerifyRequest(hvr.body);
    t.equal(decoded.serverVersion, 0xfeff, 'server_version DTLS 1.0 (RFC 6347 §4.2.1)');
    t.equal(decoded.cookie.length, 20);

    const plain = serverFor();
    for (const d of readHexDatagrams(name)) plain.handleDatagram(d, 0);
    const [sh] = reassemblePlaintext(drainTransmit(plain), 1);
    t.equal(sh?.msgType, HandshakeType.server_hello, `${name}: ServerHello`);
  }
  t.end();
});

t.test('whole captured handshakes: records, plaintext messages, certificates = SDP fingerprints', (t) => {
  for (const name of fixtureNames('.handshake.json')) {
    const hs = readJson(name);
    if (name.includes('dtls13')) {
      // DTLS 1.3 unified-header records are not DTLS 1.2 records; a 1.2 server must survive them.
      const server = serverFor();
      for (const d of hs.datagrams) server.handleDatagram(Uint8Array.from(Buffer.from(d.hex, 'hex')), 0);
      t.equal(server.stats().internalErrors, 0, `${name}: no internal error`);
      t.ok(drainTransmit(server).length > 0, `${name}: the 1.3-offering ClientHello got a 1.2 answer`);
      continue;
    }
    const bySide: Record<string, Uint8Array[]> = { client: [], server: [] };
    for (const d of hs.datagrams) {
      const bytes = Uint8Array.from(Buffer.from(d.hex, 'hex'));
      const recs = splitRecords(bytes);
      t.same(
        recs.map((r) => [r.type, r.epoch, r.sequenceNumber, r.fragment.length]),
        d.records.map((r: any) => [CONTENT[r.contentType], r.epoch, r.sequenceNumber, r.length]),
        `${name} #${d.i}`,
      );
      bySide[d.from].push(bytes);
    }
    for (const side of ['client', 'server']) {
      const expected = (hs.reassembledMessages[side] as any[]).filter((m) => m.msgType !== 'finished');
      const got = reassemblePlaintext(bySide[side]);
      t.same(
        got.map((m) => [m.messageSeq, m.body.length, sha256(m.body)]),
        expected.map((m) => [m.messageSeq, m.length, m.sha256]),
        `${name}: ${side} plaintext messages reassembled`,
      );
      const cert = got.find((m) => m.msgType === HandshakeType.certificate)!;
      const leaf = decodeCertificateMessage(cert.body)[0];
      const browserIsClient = /^(Chromium|Firefox)/.test(hs.client);
      const who = (side === 'client') === browserIsClient ? 'browser' : 'peer';
      t.equal(computeFingerprint(leaf)!.value, hs.certificates[who].sdpFingerprint, `${name}: ${side} certificate matches its SDP fingerprint`);
    }
    const sh = reassemblePlaintext(bySide.server).find((m) => m.msgType === HandshakeType.server_hello)!;
    const decoded = decodeServerHello(sh.body);
    t.equal(Buffer.from(decoded.random).toString('hex'), hs.serverHello.random);
    t.same(decoded.extensions.types, hs.serverHello.extensions.map((e: any) => e.type));
  }
  t.end();
});
