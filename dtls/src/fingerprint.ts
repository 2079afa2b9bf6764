import { createHash } from 'node:crypto';

/** A certificate fingerprint as SDP carries it (RFC 8122 §5): `a=fingerprint:sha-256 AB:CD:…`. */
export interface CertificateFingerprint {
  algorithm: string;
  value: string;
}

const HASHES: Record<string, string> = {
  'sha-1': 'sha1',
  'sha-224': 'sha224',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
};

/** Fingerprint of a DER certificate; `algorithm` is an SDP hash name (case-insensitive). */
export function computeFingerprint(der: Uint8Array, algorithm = 'sha-256'): CertificateFingerprint | undefined {
  const hash = HASHES[algorithm.toLowerCase()];
  if (hash === undefined) return undefined;
  const hex = createHash(hash).update(der).digest('hex').toUpperCase();
  return { algorithm: algorithm.toLowerCase(), value: hex.match(/../g)!.join(':') };
}

/**
 * True when `der` matches one of `expected` (RFC 8122 §5: any listed fingerprint with a hash
 * function we know; comparison ignores case). Unknown hash names never match.
 */
export function matchesFingerprint(der: Uint8Array, expected: readonly CertificateFingerprint[]): boolean {
  for (const fp of expected) {
    const actual = computeFingerprint(der, fp.algorithm);
    if (actual !== undefined && actual.value === fp.value.trim().toUpperCase()) return true;
  }
  return false;
}
