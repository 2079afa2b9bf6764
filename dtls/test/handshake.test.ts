import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  AlertDescription,
  CIPHER_SUITES,
  CipherSuiteId,
  DtlsCertificate,
  DtlsEndpoint,
  DtlsError,
  ExtensionType,
  NamedGroup,
  ProtocolVersion,
  generateCertificate,
  type DtlsEvent,
} from '@tsrtc/dtls';
import { ExtensionsWriter } from '../src/extensions.js';
import { encodeClientHello } from '../src/messages/client-hello.js';
import { encodeHandshakeFragment } from '../src/handshake.js';
import { drainEvents, drainTransmit, makePair, Prng, runLossless, testCertificates } from './helpers.js';

const connectedOf = (events: DtlsEvent[]) => events.find((e) => e.type === 'connected') as Extract<DtlsEvent, { type: 'connected' }> | undefined;
const failedOf = (events: DtlsEvent[]) => events.find((e) => e.type === 'failed') as Extract<DtlsEvent, { type: 'failed' }> | undefined;

t.test('every suite × every group: both sides connect, agree on exporter output, exchange data', (t) => {
  let seed = 10;
  for (const suite of CIPHER_SUITES.filter((s) => s.authentication === 'ecdsa')) {
    for (const group of [NamedGroup.x25519, NamedGroup.secp256r1]) {
      const { client, server } = makePair(seed++, { client: { cipherSuites: [suite.id], namedGroups: [group] } });
      const { events } = runLossless(client, server);
      const c = connectedOf(events.client), s = connectedOf(events.server);
      t.equal(c?.cipherSuite, suite.name, `${suite.name} group ${group}: client`);
      t.equal(s?.cipherSuite, suite.name);
      t.equal(c?.namedGroup, group);
      t.ok(c?.extendedMasterSecret && s?.extendedMasterSecret);
      const [cc, sc] = testCertificates();
      t.same(c?.remoteCertificate, sc.der, 'client saw the server certificate');
      t.same(s?.remoteCertificate, cc.der, 'server saw the client certificate');
      t.same(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 60), server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 60));
      client.send(new Uint8Array(100), 0);
      t.equal(drainTransmit(client)[0].length - 100, client.recordOverhead, `record overhead ${client.recordOverhead}`);
      server.send(new TextEncoder().encode('pong'), 0);
      for (const d of drainTransmit(server)) client.handleDatagram(d, 0);
      const data = drainEvents(client).find((e) => e.type === 'data');
      t.equal(data && new TextDecoder().decode((data as { data: Uint8Array }).data), 'pong');
    }
  }
  t.end();
});

function opensslRsaCertificate(): DtlsCertificate | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tsrtc-dtls-rsa-'));
  try {
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', '/CN=rsa', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')]);
    if (r.status !== 0) return undefined;
    return DtlsCertificate.fromPem(readFileSync(join(dir, 'k.pem'), 'utf8'), readFileSync(join(dir, 'c.pem'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rsa = opensslRsaCertificate();
t.test('RSA certificates: ECDHE_RSA server, RSA client certificate (CertificateVerify with RSA)', { skip: rsa === undefined ? 'openssl not available to make an RSA certificate' : false }, (t) => {
  if (rsa === undefined) return t.end();
  const [ec] = testCertificates();
  const rng = new Prng(77);
  for (const [clientCert, serverCert] of [[ec, rsa], [rsa, ec]] as const) {
    const client = new DtlsEndpoint({ role: 'client', certificate: clientCert, remoteFingerprints: serverCert.getFingerprints(), random: rng.fill }, 0);
    const server = new DtlsEndpoint({ role: 'server', certificate: serverCert, remoteFingerprints: clientCert.getFingerprints(), random: rng.fill }, 0);
    const { events } = runLossless(client, server);
    const c = connectedOf(events.client);
    t.equal(c?.cipherSuite, serverCert.keyType === 'rsa' ? 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' : 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', `server key ${serverCert.keyType}`);
    t.ok(connectedOf(events.server), `client key ${clientCert.keyType}: server connected`);
  }
  t.end();
});

t.test('cookie exchange: stateless HelloVerifyRequest, then the handshake', (t) => {
  const { client, server } = makePair(20, { server: { helloVerifyRequest: true } });
  const { events, sent } = runLossless(client, server);
  t.ok(connectedOf(events.client) && connectedOf(events.server));
  t.equal(sent.client.length, 3, 'ClientHello, ClientHello+cookie, flight 5');
  t.equal(sent.server.length, 3, 'HelloVerifyRequest, flight 4, flight 6');
  t.end();
});

t.test('small MTU: every datagram fits, messages are fragmented and reassembled', (t) => {
  const { client, server } = makePair(21, { client: { mtu: 150 }, server: { mtu: 150 } });
  const { events, sent } = runLossless(client, server);
  t.ok(connectedOf(events.client) && connectedOf(events.server));
  t.ok([...sent.client, ...sent.server].every((d) => d.length <= 150), 'all datagrams ≤ 150 bytes');
  t.ok(sent.server.length > 5, `server flight 4 took ${sent.server.length} datagrams`);
  t.throws(() => makePair(1, { client: { mtu: 100 } }), DtlsError, 'mtu below 128 refused');
  t.end();
});

t.test('fingerprint mismatch fails the handshake with bad_certificate on either side', (t) => {
  const wrong = [{ algorithm: 'sha-256', value: generateCertificate().fingerprint().value }];
  for (const side of ['client', 'server'] as const) {
    const { client, server } = makePair(30, { [side]: { remoteFingerprints: wrong } });
    const { events } = runLossless(client, server);
    const f = failedOf(events[side]);
    t.equal(f?.alert, AlertDescription.bad_certificate, `${side} detects the mismatch`);
    const other = side === 'client' ? 'server' : 'client';
    t.equal(failedOf(events[other])?.alert, AlertDescription.bad_certificate, `${other} receives the fatal alert`);
    t.notOk(connectedOf(events.client) || connectedOf(events.server));
  }
  t.end();
});

t.test('fingerprints set after the handshake started: the endpoint waits, then connects', (t) => {
  const [cc, sc] = testCertificates();
  const { client, server } = makePair(31, { client: { remoteFingerprints: [] }, server: { remoteFingerprints: [] } });
  let r = runLossless(client, server);
  t.notOk(connectedOf(r.events.client) || connectedOf(r.events.server), 'no connected without fingerprints');
  t.equal(server.state, 'connecting');
  server.setRemoteFingerprints(cc.getFingerprints(), 5);
  r = runLossless(client, server);
  t.ok(connectedOf(r.events.server), 'server connected and sent its Finished');
  t.notOk(connectedOf(r.events.client), 'client still waiting for its fingerprint');
  client.setRemoteFingerprints(sc.getFingerprints(), 6);
  t.equal(client.state, 'connected');
  t.end();
});

function clientHelloWithout(extension: number, suites: number[] = [CipherSuiteId.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]): Uint8Array {
  const ext = new ExtensionsWriter();
  if (extension !== ExtensionType.extended_master_secret) ext.extendedMasterSecret();
  if (extension !== ExtensionType.supported_groups) ext.u16List(ExtensionType.supported_groups, [NamedGroup.x25519]);
  ext.u16List(ExtensionType.signature_algorithms, [0x0403]);
  const body = encodeClientHello({ clientVersion: ProtocolVersion.DTLS_1_2, random: new Uint8Array(32), cookie: new Uint8Array(0), cipherSuites: suites, extensions: ext });
  const hs = encodeHandshakeFragment(1, 0, body, 0, body.length);
  const rec = new Uint8Array(13 + hs.length);
  rec.set([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, hs.length >> 8, hs.length & 0xff]);
  rec.set(hs, 13);
  return rec;
}

t.test('server refuses a hello without extended_master_secret (required by default) or without a common suite', (t) => {
  const [, sc] = testCertificates();
  const cases: [string, Uint8Array, number][] = [
    ['no EMS', clientHelloWithout(ExtensionType.extended_master_secret), AlertDescription.handshake_failure],
    ['no common suite', clientHelloWithout(0, [0x1301, 0x009c]), AlertDescription.handshake_failure],
  ];
  for (const [name, hello, alert] of cases) {
    const server = new DtlsEndpoint({ role: 'server', certificate: sc, random: new Prng(1).fill }, 0);
    server.handleDatagram(hello, 0);
    const out = drainTransmit(server);
    t.same([...out[0]], [21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, alert], `${name}: fatal alert in plaintext`);
    t.equal(failedOf(drainEvents(server))?.alert, alert);
  }
  // EMS optional: the same hello is accepted and answered with a ServerHello.
  const lenient = new DtlsEndpoint({ role: 'server', certificate: sc, random: new Prng(1).fill, requireExtendedMasterSecret: false }, 0);
  lenient.handleDatagram(clientHelloWithout(ExtensionType.extended_master_secret), 0);
  t.equal(drainTransmit(lenient)[0][13], 2, 'ServerHello when EMS is not required');
  t.end();
});

t.test('client and server disagreeing on suites: handshake_failure reaches the client', (t) => {
  const { client, server } = makePair(32, {
    client: { cipherSuites: [CipherSuiteId.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256] },
    server: { cipherSuites: [CipherSuiteId.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256] },
  });
  const { events } = runLossless(client, server);
  t.equal(failedOf(events.client)?.alert, AlertDescription.handshake_failure);
  t.equal(client.state, 'failed');
  t.end();
});

t.test('API misuse throws DtlsError; send before connected, export before connected', (t) => {
  const { client } = makePair(33);
  t.throws(() => client.send(Uint8Array.of(1), 0), { name: 'DtlsError', code: 'not-connected' });
  t.throws(() => client.exportKeyingMaterial('x', undefined, 10), { code: 'not-connected' });
  client.start(0);
  t.throws(() => client.start(0), { code: 'bad-state' });
  const [cc] = testCertificates();
  t.throws(() => new DtlsEndpoint({ role: 'client', certificate: cc } as never, 0), { code: 'bad-argument' });
  t.throws(() => makePair(1, { client: { namedGroups: [24] } }), { code: 'bad-argument' }, 'unsupported group');
  t.throws(() => makePair(1, { client: { cipherSuites: [0x1301] } }), { code: 'bad-argument' }, 'unsupported suite');
  t.throws(() => makePair(1, { client: { signatureSchemes: [0x0807] } }), { code: 'bad-argument' }, 'unsupported scheme');
  t.end();
});

t.test('records failing authentication or replayed are dropped and counted, not fatal', (t) => {
  const { client, server } = makePair(34);
  runLossless(client, server);
  client.send(Uint8Array.of(9, 9, 9), 0);
  const [rec] = drainTransmit(client);
  const forged = rec.slice();
  forged[forged.length - 1] ^= 0x80;
  server.handleDatagram(forged, 0);
  t.equal(server.stats().droppedBadMac, 1);
  t.equal(drainEvents(server).length, 0);
  server.handleDatagram(rec, 0);
  t.equal(drainEvents(server)[0]?.type, 'data', 'the genuine record still decrypts');
  server.handleDatagram(rec, 0);
  t.equal(server.stats().droppedReplay, 1, 'replay dropped');
  const epoch2 = rec.slice();
  epoch2[4] = 2;
  server.handleDatagram(epoch2, 0);
  t.equal(server.stats().droppedBadEpoch, 1, 'unknown epoch dropped');
  server.handleDatagram(Uint8Array.of(23, 0xfe), 0);
  t.equal(server.stats().droppedJunk, 1, 'truncated header');
  // A plaintext (epoch 0) fatal alert after the handshake cannot kill the association.
  server.handleDatagram(Uint8Array.of(21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 99, 0, 2, 2, 40), 0);
  t.equal(server.state, 'connected');
  t.end();
});

t.test('close_notify both ways', (t) => {
  const { client, server } = makePair(35);
  runLossless(client, server);
  client.close(0);
  t.equal(client.state, 'closed');
  for (const d of drainTransmit(client)) server.handleDatagram(d, 0);
  t.same(drainEvents(server), [{ type: 'closed' }]);
  t.equal(server.state, 'closed');
  const reply = drainTransmit(server);
  t.equal(reply.length, 1, 'server answers with its close_notify');
  t.equal(reply[0][0], 21);
  t.throws(() => server.send(Uint8Array.of(1), 0), { code: 'not-connected' });
  t.end();
});

t.test('renegotiation is refused: a post-handshake ClientHello gets a no_renegotiation warning', (t) => {
  const { client, server } = makePair(36);
  runLossless(client, server);
  // A new ClientHello in epoch 1 with the next message_seq, sealed with the client's keys.
  const priv = client as unknown as { sealRecord(type: number, epoch: number, payload: Uint8Array): Uint8Array };
  const body = clientHelloWithout(0).subarray(13 + 12);
  server.handleDatagram(priv.sealRecord(22, 1, encodeHandshakeFragment(1, 5, body, 0, body.length)), 0);
  const out = drainTransmit(server);
  t.equal(out.length, 1);
  t.equal(out[0][0], 21, 'an alert record');
  for (const d of out) client.handleDatagram(d, 0);
  t.equal(client.state, 'connected', 'a warning alert does not end the association');
  t.equal(server.state, 'connected');
  t.end();
});

t.test('generateCertificate: X.509 that node parses, W3C-style expires and fingerprints', (t) => {
  const now = Date.UTC(2026, 10, 21);
  const cert = generateCertificate({ now, random: new Prng(1).fill });
  const x = new X509Certificate(cert.der);
  t.equal(cert.expires, now + 30 * 86_400_000);
  t.equal(Date.parse(x.validTo), cert.expires);
  t.equal(x.subject, 'CN=WebRTC');
  t.ok(x.verify(x.publicKey), 'self-signature verifies');
  t.equal(x.fingerprint256, cert.fingerprint().value);
  t.same(cert.getFingerprints(), [cert.fingerprint('sha-256')]);
  t.match(cert.fingerprint('sha-1').value, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
  t.throws(() => cert.fingerprint('md5'), { code: 'bad-argument' });
  const first = cert.fingerprint();
  first.value = 'changed by a caller';
  t.equal(cert.fingerprint().value, x.fingerprint256, 'computed once, handed out as copies');
  const far = generateCertificate({ expires: Date.UTC(2100, 0, 1) });
  t.equal(Date.parse(new X509Certificate(far.der).validTo), Date.UTC(2100, 0, 1), 'GeneralizedTime after 2049');
  const pem = DtlsCertificate.fromPem(cert.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, x.toString());
  t.same(pem.der, cert.der);
  t.throws(() => DtlsCertificate.fromPem('junk', 'junk'), { code: 'bad-certificate' });
  t.end();
});

t.test('while waiting for fingerprints, retransmissions from the peer cause no ping-pong', (t) => {
  const [cc] = testCertificates();
  const { client, server } = makePair(37, { server: { remoteFingerprints: [] } });
  client.start(0);
  for (const d of drainTransmit(client)) server.handleDatagram(d, 0);
  for (const d of drainTransmit(server)) client.handleDatagram(d, 0);
  const flight5 = drainTransmit(client);
  for (const d of flight5) server.handleDatagram(d, 0);
  t.equal(drainTransmit(server).length, 0, 'server holds its Finished until the fingerprint is known');
  client.handleTimeout(100);
  for (const d of drainTransmit(client)) server.handleDatagram(d, 100);
  t.equal(drainTransmit(server).length, 0, 'a retransmitted flight 5 does not make the server resend flight 4');
  server.setRemoteFingerprints(cc.getFingerprints(), 150);
  for (const d of drainTransmit(server)) client.handleDatagram(d, 150);
  t.equal(server.state, 'connected');
  t.equal(client.state, 'connected');
  t.end();
});

t.test('ClientHellos with GREASE values, DTLS 1.3 extensions and shuffled extension order get a 1.2 ServerHello (fast-check)', async (t) => {
  const fc = (await import('fast-check')).default;
  const { decodeServerHello, HandshakeType } = await import('@tsrtc/dtls');
  const [, sc] = testCertificates();
  const grease = fc.integer({ min: 0, max: 15 }).map((n) => (n << 12) | 0x0a00 | (n << 4) | 0x0a);
  const extension = fc.oneof(
    grease.map((type) => ({ type, data: new Uint8Array(0) })),
    fc.constant({ type: 43, data: Uint8Array.of(4, 0xfe, 0xfc, 0xfe, 0xfd) }), // supported_versions
    fc.uint8Array({ maxLength: 1300 }).map((ks) => ({ type: 51, data: Uint8Array.from([...[ks.length + 4 >> 8, (ks.length + 4) & 0xff], 0x11, 0xec, ks.length >> 8, ks.length & 0xff, ...ks]) })), // key_share
    fc.constant({ type: 45, data: Uint8Array.of(1, 1) }), // psk_key_exchange_modes
    fc.constant({ type: 16, data: Uint8Array.of(0, 7, 6, ...new TextEncoder().encode('webrtc')) }), // ALPN
  );
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(extension, { selector: (e) => e.type, maxLength: 6 }), fc.array(grease, { maxLength: 3 }), fc.integer({ min: 0, max: 1000 }), async (extra, greaseSuites, seed) => {
      const known = [
        { type: ExtensionType.extended_master_secret, data: new Uint8Array(0) },
        { type: ExtensionType.supported_groups, data: Uint8Array.of(0, 6, 0x11, 0xec, 0x0a, 0x0a, 0, 29) },
        { type: ExtensionType.signature_algorithms, data: Uint8Array.of(0, 2, 4, 3) },
        { type: ExtensionType.renegotiation_info, data: Uint8Array.of(0) },
      ];
      const all = [...known, ...extra];
      const rng = new Prng(seed);
      for (let i = all.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [all[i], all[j]] = [all[j], all[i]];
      }
      const ext = new ExtensionsWriter();
      for (const e of all) ext.raw(e.type, e.data);
      const suites = [...greaseSuites, 0x1301, CipherSuiteId.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256];
      const body = encodeClientHello({ clientVersion: ProtocolVersion.DTLS_1_2, random: new Uint8Array(32).fill(seed & 0xff), cookie: new Uint8Array(0), cipherSuites: suites, extensions: ext });
      const server = new DtlsEndpoint({ role: 'server', certificate: sc, random: rng.fill }, 0);
      // Fragmented over several records/datagrams when large, as browsers do.
      for (let off = 0; off < body.length; off += 1000) {
        const frag = encodeHandshakeFragment(1, 0, body, off, Math.min(1000, body.length - off));
        const rec = new Uint8Array(13 + frag.length);
        rec.set([22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, off / 1000, frag.length >> 8, frag.length & 0xff]);
        rec.set(frag, 13);
        server.handleDatagram(rec, 0);
      }
      const out = drainTransmit(server);
      if (out.length === 0 || out[0][13] !== HandshakeType.server_hello) return false;
      const len = (out[0][14] << 16) | (out[0][15] << 8) | out[0][16];
      const sh = decodeServerHello(out[0].subarray(25, 25 + len));
      return sh.serverVersion === 0xfefd && sh.cipherSuite === CipherSuiteId.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 && sh.extensions.extendedMasterSecret && sh.extensions.types.every((x) => [23, 0xff01, 11, 14].includes(x));
    }),
    { numRuns: 150, seed: 3 },
  );
  t.pass('150 hellos answered as DTLS 1.2');
});

t.test('fingerprint matching (RFC 8122 §5): only the strongest supported hash counts', async (t) => {
  const { matchesFingerprint, computeFingerprint } = await import('@tsrtc/dtls');
  const cert = generateCertificate();
  const other = generateCertificate();
  const fp = (c: DtlsCertificate, a: string) => computeFingerprint(c.der, a)!;
  t.ok(matchesFingerprint(cert.der, [fp(cert, 'sha-256')]));
  t.ok(matchesFingerprint(cert.der, [{ algorithm: 'SHA-256', value: fp(cert, 'sha-256').value.toLowerCase() }]), 'case-insensitive');
  t.ok(matchesFingerprint(cert.der, [fp(other, 'sha-256'), fp(cert, 'sha-256')]), 'any of several with the same hash');
  t.notOk(matchesFingerprint(cert.der, [fp(cert, 'sha-1'), fp(other, 'sha-256')]), 'a matching weak hash does not override a strong mismatch');
  t.ok(matchesFingerprint(cert.der, [fp(other, 'sha-1'), fp(cert, 'sha-512')]));
  t.notOk(matchesFingerprint(cert.der, [{ algorithm: 'md5', value: '00' }]), 'unknown hash only: no match');
  t.notOk(matchesFingerprint(cert.der, []), 'nothing expected: no match');
});

t.test('application data up to 2^14 bytes per record whatever the handshake MTU (SCTP PLPMTUD packets, RFC 8261 §5)', (t) => {
  const { client, server } = makePair(77, { client: { mtu: 1200 }, server: { mtu: 1200 } });
  runLossless(client, server);
  t.equal(client.state, 'connected');
  for (const n of [1163, 4000, 16384]) {
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++) data[i] = (i * 31 + n) & 0xff;
    client.send(data, 1);
    const records = drainTransmit(client);
    t.equal(records.length, 1, `${n} bytes: one record`);
    t.equal(records[0].length, n + client.recordOverhead, `${n} bytes: one datagram of ${n} + ${client.recordOverhead}`);
    server.handleDatagram(records[0], 1);
    const got = drainEvents(server).find((e) => e.type === 'data') as Extract<DtlsEvent, { type: 'data' }> | undefined;
    t.ok(got && Buffer.from(got.data).equals(Buffer.from(data)), `${n} bytes: received intact`);
  }
  t.throws(() => client.send(new Uint8Array(16385), 1), DtlsError, 'above 2^14: API misuse');
  t.end();
});
