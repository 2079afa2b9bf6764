import t from 'tap';
import { CIPHER_SUITES, computeKeyBlock, exportKeyingMaterial, prf } from '@tsrtc/dtls';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// The TLS 1.2 PRF test vectors published on the IETF TLS list (also produced by
// `openssl kdf ... TLS1-PRF`, which is how the SHA-384 output below was checked).
t.test('PRF (TLS 1.2) with SHA-256 matches the published vector', (t) => {
  const out = prf('sha256', hex('9bbe436ba940f017b17652849a71db35'), 'test label', hex('a0ba9f936cda311827a6f796ffd5198c'), 100);
  t.equal(
    toHex(out),
    'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
  );
  t.end();
});

t.test('PRF (TLS 1.2) with SHA-384 matches the published vector', (t) => {
  const out = prf('sha384', hex('b80b733d6ceefcdc71566ea48e5567df'), 'test label', hex('cd665cf6a8447dd6ff8b27555edb7465'), 148);
  t.equal(
    toHex(out),
    '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee691c8f3a26854308d5eaa3be85e0990703d73e56f',
  );
  t.end();
});

t.test('key block is split into keys then IVs (RFC 5246 §6.3)', (t) => {
  const ms = new Uint8Array(48).fill(3), cr = new Uint8Array(32).fill(1), sr = new Uint8Array(32).fill(2);
  for (const suite of CIPHER_SUITES) {
    const kb = computeKeyBlock(suite, ms, cr, sr);
    const all = prf(suite.prfHash, ms, 'key expansion', Buffer.concat([sr, cr]), 2 * suite.keyLength + 2 * suite.fixedIvLength);
    t.equal(toHex(Buffer.concat([kb.clientWriteKey, kb.serverWriteKey, kb.clientWriteIv, kb.serverWriteIv])), toHex(all), suite.name);
    t.equal(kb.clientWriteIv.length, suite.fixedIvLength);
  }
  t.end();
});

t.test('exporter (RFC 5705): context absent differs from empty context', (t) => {
  const ms = new Uint8Array(48).fill(9), cr = new Uint8Array(32).fill(1), sr = new Uint8Array(32).fill(2);
  const a = exportKeyingMaterial('sha256', ms, cr, sr, 'EXTRACTOR-dtls_srtp', undefined, 60);
  const b = exportKeyingMaterial('sha256', ms, cr, sr, 'EXTRACTOR-dtls_srtp', new Uint8Array(0), 60);
  t.equal(a.length, 60);
  t.equal(toHex(a), toHex(prf('sha256', ms, 'EXTRACTOR-dtls_srtp', Buffer.concat([cr, sr]), 60)));
  t.not(toHex(a), toHex(b));
  t.end();
});
