/**
 * HMAC (RFC 2104) over a STUN message prefix with the header length field patched
 * (RFC 8489 §14.5, §14.6), from node:crypto primitives.
 *
 * Why not `createHmac` every time: for a 100-byte message the work is ~0.1 µs of hashing, and
 * node:crypto's fixed costs dominate (an Hmac object, then a Buffer for the digest: ≈ 2 µs
 * here; allocating a Buffer alone costs ≈ 0.5 µs). Where Node has the one-shot `crypto.hash()`
 * (20.12+), HMAC is computed as H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message)) with two one-shot
 * calls whose digests come back as latin1 strings (no Buffer). The padded key blocks are
 * prepared once per key (cached), and the message prefix is copied behind K ⊕ ipad into a reused
 * scratch buffer, where the patched length is written: the received bytes are never modified.
 * `KeyObject` keys and older Node versions use `createHmac`, with the patched length hashed as a
 * separate 2-byte piece.
 */
import * as crypto from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256';
type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'latin1') => string;

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
    let k = key;
    if (key.length > BLOCK) {
      // RFC 2104 §2: a key longer than the block is hashed first
      k = new Uint8Array(this.digestLength);
      latin1Into(oneShot!(this.algorithm, key, 'latin1'), k, 0);
    }
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
const patched = new Uint8Array(2);

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function latin1Into(s: string, out: Uint8Array, at: number): void {
  for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
}

/**
 * Writes the HMAC of raw[0, end), with bytes 2..4 (the header length) replaced by `length`,
 * into out[at..] (20 bytes for SHA-1, 32 for SHA-256). `out` may be `raw` itself at or after `end`.
 */
export function hmacPatchedInto(
  algorithm: HmacAlgorithm,
  key: Uint8Array | crypto.KeyObject,
  raw: Uint8Array,
  end: number,
  length: number,
  out: Uint8Array,
  at: number,
): void {
  if (oneShot === undefined || !(key instanceof Uint8Array)) {
    patched[0] = length >> 8;
    patched[1] = length & 0xff;
    out.set(crypto.createHmac(algorithm, key).update(raw.subarray(0, 2)).update(patched).update(raw.subarray(4, end)).digest(), at);
    return;
  }
  const p = pads[algorithm];
  p.prepare(key);
  if (scratch.length < BLOCK + end) scratch = new Uint8Array(BLOCK + end);
  scratch.set(p.inner, 0);
  scratch.set(raw.subarray(0, end), BLOCK);
  scratch[BLOCK + 2] = length >> 8;
  scratch[BLOCK + 3] = length & 0xff;
  latin1Into(oneShot(algorithm, scratch.subarray(0, BLOCK + end), 'latin1'), p.outer, BLOCK);
  latin1Into(oneShot(algorithm, p.outer, 'latin1'), out, at);
}
