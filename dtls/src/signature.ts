import { constants, sign, verify, type KeyObject } from 'node:crypto';
import { DtlsError } from './errors.js';

/**
 * SignatureAndHashAlgorithm as 16-bit SignatureScheme codepoints (RFC 5246 §7.4.1.4.1; the
 * TLS 1.3 names of RFC 8446 §4.2.3 for the same values). In TLS 1.2 an ECDSA scheme fixes
 * the hash only, not the curve.
 */
export const SignatureScheme = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
} as const;

interface SchemeInfo {
  hash: 'sha256' | 'sha384' | 'sha512';
  keyType: 'ec' | 'rsa';
  pss: boolean;
}

const SCHEMES = new Map<number, SchemeInfo>([
  [SignatureScheme.ecdsa_secp256r1_sha256, { hash: 'sha256', keyType: 'ec', pss: false }],
  [SignatureScheme.ecdsa_secp384r1_sha384, { hash: 'sha384', keyType: 'ec', pss: false }],
  [SignatureScheme.ecdsa_secp521r1_sha512, { hash: 'sha512', keyType: 'ec', pss: false }],
  [SignatureScheme.rsa_pss_rsae_sha256, { hash: 'sha256', keyType: 'rsa', pss: true }],
  [SignatureScheme.rsa_pss_rsae_sha384, { hash: 'sha384', keyType: 'rsa', pss: true }],
  [SignatureScheme.rsa_pss_rsae_sha512, { hash: 'sha512', keyType: 'rsa', pss: true }],
  [SignatureScheme.rsa_pkcs1_sha256, { hash: 'sha256', keyType: 'rsa', pss: false }],
  [SignatureScheme.rsa_pkcs1_sha384, { hash: 'sha384', keyType: 'rsa', pss: false }],
  [SignatureScheme.rsa_pkcs1_sha512, { hash: 'sha512', keyType: 'rsa', pss: false }],
]);

/** What we offer and accept, in preference order. */
export const DEFAULT_SIGNATURE_SCHEMES: readonly number[] = [...SCHEMES.keys()];

export function isSupportedScheme(scheme: number): boolean {
  return SCHEMES.has(scheme);
}

/** True when `scheme` can be used with a key of this type ('ec' | 'rsa'). */
export function schemeFitsKey(scheme: number, keyType: string | undefined): boolean {
  return SCHEMES.get(scheme)?.keyType === keyType;
}

/** First scheme of `ours` (preference order) that the peer offered and that fits our key. */
export function chooseScheme(ours: readonly number[], offered: readonly number[], keyType: string | undefined): number | undefined {
  for (const s of ours) if (offered.includes(s) && schemeFitsKey(s, keyType)) return s;
  return undefined;
}

function keyOptions(info: SchemeInfo, key: KeyObject) {
  return info.pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : key;
}

/** Sign `data` (hashed by the scheme's hash). ECDSA output is the DER Ecdsa-Sig-Value of RFC 8422 §5.4. */
export function signWithScheme(scheme: number, privateKey: KeyObject, data: Uint8Array): Uint8Array {
  const info = SCHEMES.get(scheme);
  if (info === undefined) throw new DtlsError('bad-argument', `unsupported signature scheme ${scheme}`);
  return sign(info.hash, data, keyOptions(info, privateKey));
}

/** Verify; false (never a throw) on a wrong signature, scheme or key type. */
export function verifyWithScheme(scheme: number, publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  const info = SCHEMES.get(scheme);
  if (info === undefined || info.keyType !== publicKey.asymmetricKeyType) return false;
  try {
    return verify(info.hash, data, keyOptions(info, publicKey), signature);
  } catch {
    return false;
  }
}
