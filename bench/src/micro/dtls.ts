/**
 * DTLS micro-benchmarks: @tsrtc/dtls against werift 0.24.4's DTLS (pure TypeScript too).
 *
 * Rows:
 * - "seal+open 1200-byte record" (AES-128-GCM, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256): protect
 *   one 1200-byte application-data record and authenticate/decrypt it again. MB/s = 1200 / ns × 1e3
 *   (the target, ≥ 500 MB/s on one core, is ≤ 2400 ns). tsrtc's seal writes the whole record
 *   (13-byte header + explicit nonce + ciphertext + tag); werift's AEADCipher.encrypt returns the
 *   fragment without the header. Same key, same plaintext.
 * - "seal+open 1200-byte record, ChaCha20-Poly1305": tsrtc only (werift 0.24.4 has no ChaCha suite).
 * - "full handshake, both sides in-process": a client and a server DtlsEndpoint with ECDSA P-256
 *   certificates (made once), X25519, EMS, client certificate, over a zero-delay in-memory link,
 *   until both emit `connected` (target < 3 ms).
 *
 * werift's handshake is promise-driven (every flight goes through async handlers), and the micro
 * harness times synchronous functions only, so it has no row here: `measureWeriftHandshake()`
 * below times it with an awaited loop (see dtls/README.md for the figures).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CIPHER_SUITES, CipherSuiteId, DtlsEndpoint, RecordProtection, generateCertificate, type DtlsCertificate } from '@tsrtc/dtls';
import type { MicroSuite } from './types.js';

const RECORD = 1200;
const plaintext = new Uint8Array(RECORD).map((_, i) => i & 0xff);

// ---- tsrtc record protection --------------------------------------------------------------

function tsrtcSealOpen(suiteId: number) {
  const suite = CIPHER_SUITES.find((s) => s.id === suiteId)!;
  const key = new Uint8Array(suite.keyLength).fill(7);
  const iv = new Uint8Array(suite.fixedIvLength).fill(9);
  const sender = new RecordProtection(suite, key, iv);
  const receiver = new RecordProtection(suite, key, iv);
  let seq = 0;
  return () => {
    const s = seq++;
    const record = sender.seal(23, 0xfefd, 1, s, plaintext);
    const opened = receiver.open(23, 0xfefd, 1, s, record.subarray(13));
    if (opened === undefined || opened.length !== RECORD) throw new Error('tsrtc open failed');
    return opened;
  };
}

// ---- werift record protection (its AEADCipher, loaded by path: the package exports only its root) ----

const require = createRequire(import.meta.url);
const weriftRoot = join(dirname(require.resolve('werift')), '..', '..');
const { createCipher } = require(join(weriftRoot, 'dtls/src/cipher/create.js')) as {
  createCipher(id: number): {
    init(masterSecret: Buffer, serverRandom: Buffer, clientRandom: Buffer): void;
    encrypt(type: number, data: Buffer, header: { type: number; version: number; epoch: number; sequenceNumber: number }): Buffer;
    decrypt(type: number, data: Buffer, header: { type: number; version: number; epoch: number; sequenceNumber: number }): Buffer;
  };
};

function weriftSealOpen() {
  const c = createCipher(CipherSuiteId.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);
  c.init(Buffer.alloc(48, 3), Buffer.alloc(32, 1), Buffer.alloc(32, 2));
  const data = Buffer.from(plaintext);
  let seq = 0;
  return () => {
    const header = { type: 23, version: 0xfefd, epoch: 1, sequenceNumber: seq++ };
    const fragment = c.encrypt(1 /* CLIENT */, data, header);
    const opened = c.decrypt(2 /* SERVER: reads the client's keys */, fragment, header);
    if (opened.length !== RECORD) throw new Error('werift decrypt failed');
    return opened;
  };
}

// ---- full handshake, both sides in-process --------------------------------------------------

let certs: [DtlsCertificate, DtlsCertificate] | undefined;
let counter = 0;
const random = (out: Uint8Array) => {
  for (let i = 0; i < out.length; i++) out[i] = (counter = (counter * 1103515245 + 12345) >>> 0) >>> 24;
};

/** One complete handshake; returns the exporter output so it cannot be optimised away. */
export function tsrtcHandshake(): Uint8Array {
  certs ??= [generateCertificate(), generateCertificate()];
  const [cc, sc] = certs;
  const client = new DtlsEndpoint({ role: 'client', certificate: cc, remoteFingerprints: sc.getFingerprints(), random }, 0);
  const server = new DtlsEndpoint({ role: 'server', certificate: sc, remoteFingerprints: cc.getFingerprints(), random }, 0);
  client.start(0);
  for (let round = 0; round < 8 && (client.state !== 'connected' || server.state !== 'connected'); round++) {
    for (let d = client.pollTransmit(); d !== undefined; d = client.pollTransmit()) server.handleDatagram(d, 0);
    for (let d = server.pollTransmit(); d !== undefined; d = server.pollTransmit()) client.handleDatagram(d, 0);
  }
  if (client.state !== 'connected' || server.state !== 'connected') throw new Error('handshake did not complete');
  return client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 16);
}

// ---- werift handshake (async; timed separately) ----------------------------------------------

/**
 * werift client↔server handshakes over an in-memory transport: median CPU time (process.cpuUsage,
 * both sides, ms) and median wall time (ms; werift waits on timers between flights).
 */
export async function measureWeriftHandshake(runs = 50): Promise<{ cpuMs: number; wallMs: number }> {
  const werift = (await import('werift')) as any;
  const { DtlsClient, DtlsServer, SignatureAlgorithm, HashAlgorithm } = werift;
  const cert = generateCertificate();
  const certPem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(cert.der).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
  const keyPem = cert.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const mk = () => ({ type: 'udp', address: {}, closed: false, onData: (_: Buffer, _addr?: unknown) => {}, send: async (_: Buffer) => {}, close: async () => {} });
    const ct = mk(), st = mk();
    ct.send = async (d: Buffer) => void setImmediate(() => st.onData(d, ['127.0.0.1', 1] as never));
    st.send = async (d: Buffer) => void setImmediate(() => ct.onData(d, ['127.0.0.1', 2] as never));
    const opts = { cert: certPem, key: keyPem, signatureHash: { hash: HashAlgorithm.sha256_4, signature: SignatureAlgorithm.ecdsa_3 }, certificateRequest: true, extendedMasterSecret: true };
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const server = new DtlsServer({ ...opts, transport: st });
    const client = new DtlsClient({ ...opts, transport: ct });
    const serverUp = new Promise<void>((r) => server.onConnect.once(() => r()));
    await client.connect();
    await serverUp;
    const c1 = process.cpuUsage(c0);
    cpu.push((c1.user + c1.system) / 1000);
    times.push(performance.now() - t0);
    client.close();
    server.close();
  }
  const median = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
  return { cpuMs: median(cpu), wallMs: median(times) };
}

export const suite: MicroSuite = {
  name: 'dtls',
  cases: [
    { group: 'seal+open 1200-byte record, AES-128-GCM (MB/s = 1.2e6 / ns)', impl: 'tsrtc', fn: tsrtcSealOpen(CipherSuiteId.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256), targetNs: 2400 },
    { group: 'seal+open 1200-byte record, AES-128-GCM (MB/s = 1.2e6 / ns)', impl: 'werift', fn: weriftSealOpen() },
    { group: 'seal+open 1200-byte record, ChaCha20-Poly1305', impl: 'tsrtc', fn: tsrtcSealOpen(CipherSuiteId.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256) },
    { group: 'full handshake, both sides in-process (ECDSA P-256, X25519, EMS, client cert)', impl: 'tsrtc', fn: tsrtcHandshake, targetNs: 3_000_000 },
  ],
};
