import { X509Certificate } from 'node:crypto';
import t from 'tap';
import { generateCertificate } from '@tsrtc/dtls';
import { certificatePublicKey, p256Point } from '../src/spki.js';
import { decodeCertificateMessage } from '../src/messages/certificate.js';
import { fixtureNames, reassemblePlaintext, readJson } from './fixture-helpers.js';

const same = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

t.test('the P-256 fast path returns the key X509Certificate finds: our certificates and every captured peer certificate', (t) => {
  const ders: Uint8Array[] = [generateCertificate().der, generateCertificate({ now: Date.UTC(2026, 0, 1) }).der];
  for (const name of fixtureNames('.handshake.json').filter((n) => !n.includes('dtls13'))) {
    const hs = readJson(name);
    for (const side of ['client', 'server']) {
      const msgs = reassemblePlaintext(hs.datagrams.filter((d: any) => d.from === side).map((d: any) => Uint8Array.from(Buffer.from(d.hex, 'hex'))));
      const cert = msgs.find((m) => m.msgType === 11);
      if (cert) ders.push(decodeCertificateMessage(cert.body)[0]);
    }
  }
  t.ok(ders.length >= 12, `${ders.length} certificates (Chromium, Firefox, werift, libdatachannel, wrtc, ours)`);
  for (const der of ders) {
    t.ok(p256Point(der), 'P-256 key found');
    const fast = certificatePublicKey(der).export({ type: 'spki', format: 'der' });
    const slow = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
    t.ok(same(fast, slow), 'same SubjectPublicKeyInfo');
  }
  t.end();
});

t.test('a recently imported key is reused for the same point only', (t) => {
  const a = generateCertificate().der;
  const b = generateCertificate().der;
  const ka = certificatePublicKey(a);
  t.equal(certificatePublicKey(a.slice()), ka, 'same certificate again: the same KeyObject');
  const kb = certificatePublicKey(b);
  t.not(kb, ka, 'another certificate: its own key');
  t.notOk(same(kb.export({ type: 'spki', format: 'der' }), ka.export({ type: 'spki', format: 'der' })));
  for (let i = 0; i < 70; i++) certificatePublicKey(generateCertificate().der); // more than the cache holds
  const again = certificatePublicKey(a);
  t.ok(same(again.export({ type: 'spki', format: 'der' }), ka.export({ type: 'spki', format: 'der' })), 'evicted, imported again: same key');
  t.end();
});

t.test('anything else falls back to X509Certificate; truncations and junk never match the fast path', (t) => {
  const der = generateCertificate().der;
  for (let n = 0; n < der.length; n += 7) t.equal(p256Point(der.subarray(0, n)), undefined);
  const flipped = der.slice();
  flipped[der.length - 80] ^= 0xff; // inside the signature: the key is still found
  t.ok(p256Point(flipped));
  t.throws(() => certificatePublicKey(Uint8Array.of(0x30, 0x03, 1, 2, 3)), 'junk: X509Certificate throws');
  t.end();
});
