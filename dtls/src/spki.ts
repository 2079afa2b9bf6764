import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * The public key of a peer certificate. A P-256 key (what browsers use) is read straight out
 * of the certificate's SubjectPublicKeyInfo (RFC 5280 §4.1, RFC 5480) and imported as JWK;
 * that skips node's X509Certificate parse, whose OpenSSL 3 decoding costs several hundred µs
 * per handshake. Anything else (RSA, other curves) goes through X509Certificate.
 * Throws (any error) on a certificate that does not parse; callers turn that into an alert.
 *
 * The import (~75 µs, point validation included) is remembered for the last few keys: a peer
 * that connects again with the same certificate (one process-wide certificate, as tsrtc and
 * servers use) costs a lookup. A KeyObject depends on the point alone and never changes.
 */
export function certificatePublicKey(der: Uint8Array): KeyObject {
  const point = p256Point(der);
  if (point !== undefined) {
    const x = b64url(point.subarray(1, 33));
    const y = b64url(point.subarray(33, 65));
    const id = x + y;
    let key = recentKeys.get(id);
    if (key === undefined) {
      key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' });
      if (recentKeys.size >= RECENT_KEYS) recentKeys.delete(recentKeys.keys().next().value!);
      recentKeys.set(id, key);
    }
    return key;
  }
  return new X509Certificate(der).publicKey;
}

/** P-256 public keys imported lately, oldest first (by the base64url of their point). */
const RECENT_KEYS = 64;
const recentKeys = new Map<string, KeyObject>();

const b64url = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('base64url');

/** id-ecPublicKey (1.2.840.10045.2.1) and prime256v1 (1.2.840.10045.3.1.7), DER-encoded OIDs. */
const ID_EC_PUBLIC_KEY = Uint8Array.from([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
const PRIME256V1 = Uint8Array.from([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);

interface Tlv {
  tag: number;
  /** First content byte. */
  start: number;
  /** One past the last content byte. */
  end: number;
}

/** One DER TLV at `offset` within `limit`, or undefined when malformed. */
function tlv(b: Uint8Array, offset: number, limit: number): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = b[offset];
  let len = b[offset + 1];
  let start = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || start + n > limit) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | b[start + i];
    start += n;
  }
  const end = start + len;
  return end > limit ? undefined : { tag, start, end };
}

function equalAt(b: Uint8Array, offset: number, pattern: Uint8Array, end: number): boolean {
  if (offset + pattern.length !== end) return false;
  for (let i = 0; i < pattern.length; i++) if (b[offset + i] !== pattern[i]) return false;
  return true;
}

/** The uncompressed P-256 point of the certificate's key, or undefined if it is not one. */
export function p256Point(der: Uint8Array): Uint8Array | undefined {
  const cert = tlv(der, 0, der.length);
  if (cert === undefined || cert.tag !== 0x30) return undefined;
  const tbs = tlv(der, cert.start, cert.end);
  if (tbs === undefined || tbs.tag !== 0x30) return undefined;
  // tbsCertificate: [0] version?, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo
  let field = tlv(der, tbs.start, tbs.end);
  if (field !== undefined && field.tag === 0xa0) field = tlv(der, field.end, tbs.end);
  for (let i = 0; i < 5 && field !== undefined; i++) field = tlv(der, field.end, tbs.end);
  if (field === undefined || field.tag !== 0x30) return undefined;
  const algorithm = tlv(der, field.start, field.end);
  if (algorithm === undefined || algorithm.tag !== 0x30) return undefined;
  const oid = tlv(der, algorithm.start, algorithm.end);
  if (oid === undefined || !equalAt(der, algorithm.start, ID_EC_PUBLIC_KEY, oid.end)) return undefined;
  if (!equalAt(der, oid.end, PRIME256V1, algorithm.end)) return undefined;
  const key = tlv(der, algorithm.end, field.end);
  if (key === undefined || key.tag !== 0x03 || key.end - key.start !== 66 || der[key.start] !== 0 || der[key.start + 1] !== 0x04) return undefined;
  return der.subarray(key.start + 1, key.end);
}
