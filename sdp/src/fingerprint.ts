/**
 * DTLS certificate fingerprints (RFC 8122 §5, as used by RFC 8842):
 *
 *   attribute   = "fingerprint" ":" hash-func SP fingerprint
 *   fingerprint = 2UHEX *(":" 2UHEX)
 */
import { SdpError } from './errors.js';
import { clip, nextSpace, skipSpaces } from './scan.js';

export type FingerprintAlgorithm = 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';

export interface Fingerprint {
  /** Lower-case hash function name, e.g. 'sha-256'. Other RFC 8122 names (md5, ...) are kept as written, lower-cased. */
  algorithm: FingerprintAlgorithm | (string & {});
  /** Upper-case hex pairs separated by colons, e.g. '6B:20:4A:...'. */
  value: string;
}

/** Digest size in bytes for the hash functions WebRTC uses (RFC 8122 §5, RFC 8827 §6.5). */
export const FINGERPRINT_BYTES: Readonly<Record<FingerprintAlgorithm, number>> = {
  'sha-1': 20,
  'sha-224': 28,
  'sha-256': 32,
  'sha-384': 48,
  'sha-512': 64,
};

/** Parses an a=fingerprint value in src[start, end). */
export function parseFingerprintAt(src: string, start: number, end: number, line: number): Fingerprint {
  const p = skipSpaces(src, start, end);
  const q = nextSpace(src, p, end);
  if (p === q) throw new SdpError('bad-fingerprint', 'missing hash function', line);
  const algorithm = src.slice(p, q).toLowerCase();
  const vs = skipSpaces(src, q, end);
  let ve = end;
  while (ve > vs && src.charCodeAt(ve - 1) === 0x20) ve--;
  const bytes = hexPairs(src, vs, ve);
  if (bytes < 0) throw new SdpError('bad-fingerprint', `"${clip(src, vs, ve)}" is not colon-separated hex pairs`, line);
  const expected = FINGERPRINT_BYTES[algorithm as FingerprintAlgorithm];
  if (expected !== undefined && bytes !== expected) {
    throw new SdpError('bad-fingerprint', `${algorithm} fingerprint of ${bytes} bytes (expected ${expected})`, line);
  }
  return { algorithm, value: src.slice(vs, ve).toUpperCase() };
}

/** Parses a fingerprint attribute value such as 'sha-256 6B:20:...'. */
export function parseFingerprint(value: string): Fingerprint {
  return parseFingerprintAt(value, 0, value.length, 0);
}

/** Writes the attribute value: `<algorithm> <value>`; throws SdpError('bad-argument') if it would not parse back. */
export function writeFingerprint(f: Fingerprint): string {
  const { algorithm, value } = f;
  if (typeof algorithm !== 'string' || !/^[A-Za-z0-9-]{1,32}$/.test(algorithm)) throw new SdpError('bad-argument', `fingerprint algorithm ${JSON.stringify(String(algorithm))}`);
  const bytes = typeof value === 'string' ? hexPairs(value, 0, value.length) : -1;
  const expected = FINGERPRINT_BYTES[algorithm.toLowerCase() as FingerprintAlgorithm];
  if (bytes < 0 || (expected !== undefined && bytes !== expected)) throw new SdpError('bad-argument', `${algorithm} fingerprint must be ${expected ?? 'some'} colon-separated hex pairs`);
  return `${algorithm} ${value}`;
}

/** Number of bytes in `XX:XX:...` at src[start, end), or -1 if malformed. */
function hexPairs(src: string, start: number, end: number): number {
  const len = end - start;
  if (len < 2 || (len + 1) % 3 !== 0) return -1;
  for (let i = start; i < end; i += 3) {
    if (!isHex(src.charCodeAt(i)) || !isHex(src.charCodeAt(i + 1))) return -1;
    if (i + 2 < end && src.charCodeAt(i + 2) !== 0x3a) return -1;
  }
  return (len + 1) / 3;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
