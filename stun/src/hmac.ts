/**
 * HMAC (RFC 2104) over a STUN message prefix with the header length field patched
 * (RFC 8489 §14.5, §14.6), from node:crypto primitives.
 *
 * Why not `createHmac` every time: for a 100-byte message the work is ~0.1 µs of hashing, and
 * node:crypto's fixed costs dominate (an Hmac object, then a Buffer for the digest: ≈ 2 µs
 * here; allocating a Buffer alone costs ≈ 0.5 µs). Where Node has the one-shot `crypto.hash()`
 * (20.12+), HMAC is computed as H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message)) with two one-shot
 * calls whose digests come back as latin1 strings (no Buffer). The padded key blocks are
 * prepared once per key (the last four keys per hash are cached), and the message prefix is copied behind K ⊕ ipad into a reused
 * scratch buffer, where the patched length is written: the received bytes are never modified.
 * `KeyObject` keys and older Node versions use `createHmac`, with the patched length hashed as a
 * separate 2-byte piece.
 */
import * as crypto from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256';
type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'latin1') => string;

const oneShot = (crypto as unknown as { hash?: OneShotHash }).hash;
const BLOCK = 64; // both SHA-1 and SHA-256

/** Keys up to this length are remembered; an ICE pwd is 22..256 characters (RFC 8839). */
const MAX_CACHED_KEY = 256;
/** Keys remembered per algorithm: an ICE agent alternates between its own and the peer's pwd. */
const SLOTS = 4;

/** The padded key blocks of one key. */
class KeyPads {
  /** A copy of the key these pads belong to (its first `keyLength` bytes). */
  readonly key = new Uint8Array(MAX_CACHED_KEY);
  keyLength = -1;
  readonly inner = new Uint8Array(BLOCK); // K ⊕ ipad
  readonly outer: Uint8Array; // K ⊕ opad, then room for the inner digest

  constructor(
    readonly algorithm: HmacAlgorithm,
    readonly digestLength: number,
  ) {
    this.outer = new Uint8Array(BLOCK + digestLength);
  }

  holds(key: Uint8Array): boolean {
    if (key.length !== this.keyLength) return false;
    for (let i = 0; i < key.length; i++) if (key[i] !== this.key[i]) return false;
    return true;
  }

  prepare(key: Uint8Array): void {
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
    if (key.length <= MAX_CACHED_KEY) {
      this.key.set(key);
      this.keyLength = key.length;
    } else {
      this.keyLength = -1;
    }
  }
}

/** A few recently used keys per algorithm, replaced round-robin. */
class PadCache {
  private readonly slots: KeyPads[] = [];
  private next = 0;

  constructor(algorithm: HmacAlgorithm, digestLength: number) {
    for (let i = 0; i < SLOTS; i++) this.slots.push(new KeyPads(algorithm, digestLength));
  }

  get(key: Uint8Array): KeyPads {
    for (let i = 0; i < SLOTS; i++) if (this.slots[i].holds(key)) return this.slots[i];
    const pads = this.slots[this.next];
    this.next = (this.next + 1) % SLOTS;
    pads.prepare(key);
    return pads;
  }
}

const pads = { sha1: new PadCache('sha1', 20), sha256: new PadCache('sha256', 32) };
let scratch = new Uint8Array(BLOCK + 1500);
const patched = new Uint8Array(2);

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
  const p = pads[algorithm].get(key);
  if (scratch.length < BLOCK + end) scratch = new Uint8Array(BLOCK + end);
  scratch.set(p.inner, 0);
  scratch.set(raw.subarray(0, end), BLOCK);
  scratch[BLOCK + 2] = length >> 8;
  scratch[BLOCK + 3] = length & 0xff;
  latin1Into(oneShot(algorithm, scratch.subarray(0, BLOCK + end), 'latin1'), p.outer, BLOCK);
  latin1Into(oneShot(algorithm, p.outer, 'latin1'), out, at);
}
