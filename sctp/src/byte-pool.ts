/**
 * Copies of small byte arrays carved from shared slabs (like Node's Buffer pool): allocating
 * a fresh ArrayBuffer costs far more than copying a 1 KiB message, so small sent and received
 * messages share 64 KiB slabs. A view keeps its whole slab alive, hence the 4 KiB limit.
 */
const SLAB = 64 * 1024;
const SMALL = 4096;

let slab = new Uint8Array(SLAB);
let used = 0;

/** A copy of `src` that the caller owns (it is never written again by the pool). */
export function copyBytes(src: Uint8Array): Uint8Array {
  const n = src.length;
  if (n > SMALL) return src.slice();
  if (used + n > SLAB) {
    slab = new Uint8Array(SLAB);
    used = 0;
  }
  const out = slab.subarray(used, used + n);
  out.set(src);
  used = (used + n + 7) & ~7;
  return out;
}
