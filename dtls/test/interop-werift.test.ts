import t from 'tap';
import { DtlsEndpoint, generateCertificate, type DtlsEvent } from '@tsrtc/dtls';
import { Prng } from './helpers.js';

/**
 * Interop with werift 0.24.4's DTLS (pure TypeScript, promise-driven) in-process: its
 * DtlsClient/DtlsServer talk to a DtlsEndpoint over an in-memory transport.
 */
const werift = (await import('werift')) as any;
const { DtlsClient, DtlsServer, SignatureAlgorithm, HashAlgorithm } = werift;

const toPem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

function pipe(endpoint: DtlsEndpoint) {
  const events: DtlsEvent[] = [];
  const transport = {
    type: 'udp',
    address: {},
    closed: false,
    onData: (_d: Buffer, _a?: unknown) => {},
    send: async (d: Buffer) => {
      setImmediate(() => {
        endpoint.handleDatagram(new Uint8Array(d), performance.now());
        flush();
      });
    },
    close: async () => {},
  };
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    for (let d = endpoint.pollTransmit(); d !== undefined; d = endpoint.pollTransmit()) {
      const copy = Buffer.from(d);
      setImmediate(() => transport.onData(copy, ['127.0.0.1', 1]));
    }
    for (let e = endpoint.pollEvent(); e !== undefined; e = endpoint.pollEvent()) events.push(e);
    clearTimeout(timer);
    const deadline = endpoint.nextDeadline();
    if (deadline !== undefined) timer = setTimeout(() => (endpoint.handleTimeout(performance.now()), flush()), Math.max(0, deadline - performance.now()));
  };
  const until = async (pred: () => boolean, ms = 5000) => {
    const end = performance.now() + ms;
    while (!pred() && performance.now() < end) await new Promise((r) => setTimeout(r, 5));
    clearTimeout(timer);
  };
  return { transport, events, flush, until };
}

const ours = generateCertificate();
const theirs = generateCertificate();
const opts = {
  cert: toPem(theirs.der),
  key: theirs.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  signatureHash: { hash: HashAlgorithm.sha256_4, signature: SignatureAlgorithm.ecdsa_3 },
  certificateRequest: true,
  extendedMasterSecret: true,
};

t.test('tsrtc client ↔ werift DtlsServer', async (t) => {
  const client = new DtlsEndpoint({ role: 'client', certificate: ours, remoteFingerprints: theirs.getFingerprints(), random: new Prng(1).fill }, performance.now());
  const p = pipe(client);
  const server = new DtlsServer({ ...opts, transport: p.transport });
  const received: string[] = [];
  server.onData.subscribe((d: Buffer) => received.push(d.toString()));
  client.start(performance.now());
  p.flush();
  await p.until(() => p.events.some((e) => e.type === 'connected' || e.type === 'failed'));
  const c = p.events.find((e) => e.type === 'connected') as Extract<DtlsEvent, { type: 'connected' }> | undefined;
  t.ok(c, `connected (${JSON.stringify(p.events.filter((e) => e.type === 'failed'))})`);
  t.equal(c?.cipherSuite, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
  t.ok(c?.extendedMasterSecret);
  t.same(c?.remoteCertificate, theirs.der);
  client.send(new TextEncoder().encode('to werift'), performance.now());
  p.flush();
  await p.until(() => received.length > 0);
  t.same(received, ['to werift']);
  await server.send(Buffer.from('from werift'));
  await p.until(() => p.events.some((e) => e.type === 'data'));
  const data = p.events.find((e) => e.type === 'data') as { data: Uint8Array } | undefined;
  t.equal(data && new TextDecoder().decode(data.data), 'from werift');
  t.same(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 30), new Uint8Array(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 30)), 'exporter agrees');
  server.close();
});

t.test('werift DtlsClient ↔ tsrtc server', async (t) => {
  const serverEp = new DtlsEndpoint({ role: 'server', certificate: ours, remoteFingerprints: theirs.getFingerprints(), random: new Prng(2).fill }, performance.now());
  const p = pipe(serverEp);
  const client = new DtlsClient({ ...opts, transport: p.transport });
  const received: string[] = [];
  client.onData.subscribe((d: Buffer) => received.push(d.toString()));
  const connected = client.connect();
  await p.until(() => p.events.some((e) => e.type === 'connected' || e.type === 'failed'));
  await connected;
  const c = p.events.find((e) => e.type === 'connected') as Extract<DtlsEvent, { type: 'connected' }> | undefined;
  t.ok(c, `connected (${JSON.stringify(p.events.filter((e) => e.type === 'failed'))})`);
  t.same(c?.remoteCertificate, theirs.der, 'werift sent its client certificate');
  serverEp.send(new TextEncoder().encode('to werift'), performance.now());
  p.flush();
  await p.until(() => received.length > 0);
  t.same(received, ['to werift']);
  client.close();
});
