/**
 * Runnable example: a DTLS client and server in one process, wired back to back.
 *   node --conditions=tsrtc-source --import tsx dtls/examples/in-process.ts
 */
import { randomFillSync } from 'node:crypto';
import { DtlsEndpoint, generateCertificate } from '@tsrtc/dtls';

const now = () => performance.now();
const random = (b: Uint8Array) => void randomFillSync(b);
const clientCert = generateCertificate({ now: Date.now() });
const serverCert = generateCertificate({ now: Date.now() });

const client = new DtlsEndpoint({ role: 'client', certificate: clientCert, remoteFingerprints: serverCert.getFingerprints(), random }, now());
const server = new DtlsEndpoint({ role: 'server', certificate: serverCert, remoteFingerprints: clientCert.getFingerprints(), random }, now());

/** Drain one endpoint: its datagrams go to the other one (a real driver sends them over UDP). */
function pump(from: DtlsEndpoint, to: DtlsEndpoint, name: string): boolean {
  let moved = false;
  for (let d = from.pollTransmit(); d !== undefined; d = from.pollTransmit()) {
    to.handleDatagram(d, now());
    moved = true;
  }
  for (let e = from.pollEvent(); e !== undefined; e = from.pollEvent()) {
    if (e.type === 'connected') console.log(`${name}: connected with ${e.cipherSuite}, SRTP ${e.srtpProfile ?? 'none'}`);
    if (e.type === 'data') console.log(`${name}: received "${new TextDecoder().decode(e.data)}"`);
    if (e.type === 'closed' || e.type === 'failed') console.log(`${name}:`, e);
  }
  return moved;
}

client.start(now());
while (pump(client, server, 'client') || pump(server, client, 'server'));
client.send(new TextEncoder().encode('hello over DTLS'), now());
while (pump(client, server, 'client') || pump(server, client, 'server'));
const key = Buffer.from(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 16)).toString('hex');
console.log('EXTRACTOR-dtls_srtp (16 bytes):', key, key === Buffer.from(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', undefined, 16)).toString('hex') ? '(same on both sides)' : '(MISMATCH)');
client.close(now());
while (pump(client, server, 'client') || pump(server, client, 'server'));
