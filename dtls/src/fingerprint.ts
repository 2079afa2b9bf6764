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

/** Strength order of the SDP hash names we know (weakest first). */
const STRENGTH = ['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512'];

/**
 * True when `der` matches the expected fingerprints (RFC 8122 §5): among the fingerprints whose
 * hash function we support, only those of the strongest function count, and the certificate
 * must match one of them (so a weak hash offered beside a strong one cannot be used to swap in
 * a colliding certificate). Comparison ignores case; unknown hash names are ignored.
 */
export function matchesFingerprint(der: Uint8Array, expected: readonly CertificateFingerprint[]): boolean {
  let best = -1;
  for (const fp of expected) best = Math.max(best, STRENGTH.indexOf(fp.algorithm.toLowerCase()));
  if (best < 0) return false;
  const actual = computeFingerprint(der, STRENGTH[best])!.value;
  for (const fp of expected) {
    if (fp.algorithm.toLowerCase() === STRENGTH[best] && fp.value.trim().toUpperCase() === actual) return true;
  }
  return false;
}
