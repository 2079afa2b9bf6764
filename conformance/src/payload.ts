/** Deterministic message payloads, so a sender and a checker agree without shipping bytes. */

/** `size` bytes from a xorshift32 stream seeded by `seed`. */
export function binaryPayload(size: number, seed = size): Uint8Array {
  const out = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** 1-, 2-, 3- and 4-byte UTF-8 sequences: 10 bytes per unit. */
const UNIT = 'aé€😀';

/** A string whose UTF-8 encoding is exactly `size` bytes, mixing every sequence length. */
export function stringPayload(size: number): string {
  const units = Math.floor(size / 10);
  return UNIT.repeat(units) + 'x'.repeat(size - units * 10);
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} B`;
}
