/**
 * HMAC (RFC 2104) over a STUN message prefix with the header length field patched
 * (RFC 8489 §14.5, §14.6), from node:crypto primitives.
 *
 * Why not always `createHmac`: on small messages node:crypto's fixed cost per object dominates
 * (creating the Hmac object, update, digest ≈ 2 µs here against ≈ 0.1 µs of hashing). Where
 * Node has the one-shot `crypto.hash()` (20.12+), HMAC is computed as
 * H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message)) with two one-shot calls: the padded key blocks are
 * prepared once per key (cached), and the message prefix is copied behind K ⊕ ipad in a reused
 * scratch buffer (a ~100-byte copy), where the patched length is written — the received bytes
 * are never modified. `KeyObject` keys, and older Node versions, use `createHmac` with the
 * patched length hashed as a separate 2-byte piece.
 */
import * as crypto from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256';
type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Buffer;

const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;
const BLOCK = 64; // both SHA-1 and SHA-256

/** Padded key blocks of the last key used per algorithm (ICE verifies with one key at a time). */
class KeyPads {
  key = new Uint8Array(0);
  readonly inner = new Uint8Array(BLOCK); // K ⊕ ipad
  readonly outer: Uint8Array; // K ⊕ opad, then room for the inner digest

  constructor(
    readonly algorithm: HmacAlgorithm,
    readonly digestLength: number,
  ) {
    this.outer = new Uint8Array(BLOCK + digestLength);
    // pads of the empty key, which `key` starts as
    this.inner.fill(0x36);
    this.outer.fill(0x5c, 0, BLOCK);
  }

  prepare(key: Uint8Array): void {
    if (sameBytes(key, this.key)) return;
    this.key = key.slice();
    const k = key.length > BLOCK ? oneShot!(this.algorithm, key, 'buffer') : key;
    this.inner.fill(0x36);
    this.outer.fill(0x5c, 0, BLOCK);
    for (let i = 0; i < k.length; i++) {
      this.inner[i] ^= k[i];
      this.outer[i] ^= k[i];
    }
  }
}

const pads = { sha1: new KeyPads('sha1', 20), sha256: new KeyPads('sha256', 32) };
let scratch = new Uint8Array(BLOCK + 1500);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const patched = new Uint8Array(2);

/**
 * HMAC of raw[0, end) with bytes 2..4 (the header length) replaced by `length`.
 * Returns a Buffer that the caller may keep.
 */
export function hmacPatched(algorithm: HmacAlgorithm, key: Uint8Array | crypto.KeyObject, raw: Uint8Array, end: number, length: number): Buffer {
  if (oneShot === undefined || !(key instanceof Uint8Array)) {
    patched[0] = length >> 8;
    patched[1] = length & 0xff;
    return crypto.createHmac(algorithm, key).update(raw.subarray(0, 2)).update(patched).update(raw.subarray(4, end)).digest();
  }
  const p = pads[algorithm];
  p.prepare(key);
  if (scratch.length < BLOCK + end) scratch = new Uint8Array(BLOCK + end);
  scratch.set(p.inner, 0);
  scratch.set(raw.subarray(0, end), BLOCK);
  scratch[BLOCK + 2] = length >> 8;
  scratch[BLOCK + 3] = length & 0xff;
  const inner = oneShot(algorithm, scratch.subarray(0, BLOCK + end), 'buffer');
  p.outer.set(inner, BLOCK);
  return oneShot(algorithm, p.outer, 'buffer');
}
