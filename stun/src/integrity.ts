/**
 * Credentials and the two integrity mechanisms (RFC 8489 §9, §14.5–§14.7), checked in place on
 * the received bytes:
 *  - MESSAGE-INTEGRITY: HMAC-SHA1 over the message up to the attribute, with the header length
 *    field set as if MESSAGE-INTEGRITY were the last attribute;
 *  - MESSAGE-INTEGRITY-SHA256: the same with HMAC-SHA256 (possibly truncated to 16..32 bytes);
 *  - FINGERPRINT: CRC-32 of the message up to the attribute XOR 0x5354554E.
 * The received bytes are never modified (see hmac.ts for how the patched length is hashed).
 */
import { createHash, timingSafeEqual, type KeyObject } from 'node:crypto';
import { FINGERPRINT_XOR, HEADER_LENGTH } from './constants.js';
import { crc32 } from './crc32.js';
import { hmacPatchedInto } from './hmac.js';
import type { StunMessage } from './message.js';
import { saslprep } from './saslprep.js';
import { utf8 } from './text.js';

/** An HMAC key: raw bytes, or a `KeyObject` from `crypto.createSecretKey` (slightly faster to reuse). */
export type StunKey = Uint8Array | KeyObject;

/** RFC 8489 §9.1.1: the short-term key is the password (OpaqueString, i.e. NFC) in UTF-8. */
export function shortTermKey(password: string): Uint8Array {
  return utf8(password.normalize('NFC'));
}

/** RFC 8489 §18.5 PASSWORD-ALGORITHM values. */
export const PasswordAlgorithm = { MD5: 0x0001, SHA256: 0x0002 } as const;
export type PasswordAlgorithm = (typeof PasswordAlgorithm)[keyof typeof PasswordAlgorithm];

/** RFC 8265 OpaqueString (enforcement): non-ASCII spaces become U+0020, then NFC. */
function opaqueString(s: string): string {
  return s.replace(/[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g, ' ').normalize('NFC');
}

/**
 * Long-term key (RFC 8489 §9.2.2):
 * - MD5 (the default, RFC 5389 §15.4): MD5(username ":" realm ":" SASLprep(password)), as
 *   RFC 5769 §2.4's vector computes it;
 * - SHA-256: SHA-256(username ":" OpaqueString(realm) ":" OpaqueString(password)).
 */
export function longTermKey(username: string, realm: string, password: string, algorithm: PasswordAlgorithm = PasswordAlgorithm.MD5): Uint8Array {
  const h =
    algorithm === PasswordAlgorithm.SHA256
      ? createHash('sha256').update(utf8(`${username}:${opaqueString(realm)}:${opaqueString(password)}`)).digest()
      : createHash('md5').update(utf8(`${username}:${realm}:${saslprep(password)}`)).digest();
  return new Uint8Array(h.buffer, h.byteOffset, h.length);
}

/** USERHASH value (RFC 8489 §14.4): SHA-256(username ":" OpaqueString(realm)). */
export function userHash(username: string, realm: string): Uint8Array {
  const h = createHash('sha256').update(utf8(`${username}:${opaqueString(realm)}`)).digest();
  return new Uint8Array(h.buffer, h.byteOffset, h.length);
}

/**
 * Writes the MESSAGE-INTEGRITY value (20 bytes) of a message whose MESSAGE-INTEGRITY header is
 * at `attrOffset` into out[at..] (used by the writer and the verifier).
 */
export function computeMessageIntegrity(raw: Uint8Array, attrOffset: number, key: StunKey, out: Uint8Array, at: number): void {
  hmacPatchedInto('sha1', key, raw, attrOffset, attrOffset + 24 - HEADER_LENGTH, out, at);
}

/**
 * Writes the full HMAC-SHA256 (32 bytes) for a MESSAGE-INTEGRITY-SHA256 whose header is at
 * `attrOffset` with a value of `valueLength` bytes into out[at..].
 */
export function computeMessageIntegritySha256(raw: Uint8Array, attrOffset: number, valueLength: number, key: StunKey, out: Uint8Array, at: number): void {
  hmacPatchedInto('sha256', key, raw, attrOffset, attrOffset + 4 + valueLength - HEADER_LENGTH, out, at);
}

/** FINGERPRINT value for a message whose FINGERPRINT header is at `attrOffset` and whose length field already covers it. */
export function computeFingerprint(raw: Uint8Array, attrOffset: number): number {
  return (crc32(raw, 0, attrOffset) ^ FINGERPRINT_XOR) >>> 0;
}

/** The computed MAC lands here; compared with `timingSafeEqual` through fixed views. */
const mac = new Uint8Array(32);
const mac20 = mac.subarray(0, 20);

/** True if the message has a MESSAGE-INTEGRITY (HMAC-SHA1) that verifies with `key`. Constant-time compare. */
export function verifyMessageIntegrity(msg: StunMessage, key: StunKey): boolean {
  const at = msg.integrityOffset;
  if (at < 0) return false;
  const raw = msg.raw;
  if (((raw[at + 2] << 8) | raw[at + 3]) !== 20) return false;
  computeMessageIntegrity(raw, at, key, mac, 0);
  return timingSafeEqual(mac20, raw.subarray(at + 4, at + 24));
}

/**
 * True if the message has a MESSAGE-INTEGRITY-SHA256 that verifies with `key`. The value may be
 * truncated to 16..32 bytes in steps of 4 (RFC 8489 §14.6). Constant-time compare.
 */
export function verifyMessageIntegritySha256(msg: StunMessage, key: StunKey): boolean {
  const at = msg.integritySha256Offset;
  if (at < 0) return false;
  const raw = msg.raw;
  const len = (raw[at + 2] << 8) | raw[at + 3];
  if (len < 16 || len > 32 || len & 3) return false;
  computeMessageIntegritySha256(raw, at, len, key, mac, 0);
  return timingSafeEqual(mac.subarray(0, len), raw.subarray(at + 4, at + 4 + len));
}

/** True if the message ends with a FINGERPRINT attribute whose CRC-32 matches (RFC 8489 §14.7). */
export function verifyFingerprint(msg: StunMessage): boolean {
  const at = msg.fingerprintOffset;
  const raw = msg.raw;
  if (at < 0 || at + 8 !== raw.length) return false;
  if (((raw[at + 2] << 8) | raw[at + 3]) !== 4) return false;
  const carried = ((raw[at + 4] << 24) | (raw[at + 5] << 16) | (raw[at + 6] << 8) | raw[at + 7]) >>> 0;
  return carried === computeFingerprint(raw, at);
}
