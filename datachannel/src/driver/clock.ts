/**
 * The driver's clock and randomness: the only reads of a clock and of the OS random source
 * in the stack (ARCHITECTURE.md "Sans-IO engines"). Engines get `now` and `random` from here.
 */
import { randomFillSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/** Milliseconds on a monotonic clock (fractional). */
export function monotonicNow(): number {
  return performance.now();
}

/**
 * Random bytes handed out from a pool the OS source refills (as Node's randomUUID does): each
 * randomFillSync call costs ~10 µs whatever its size, and a connection setup asks for a few
 * bytes dozens of times (ufrag, pwd, tie-breaker, transaction ids, hello randoms, SCTP tags).
 */
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let poolUsed = POOL_SIZE;

/** Fills `out` with cryptographically strong random bytes (each pool byte is handed out once). */
export function secureRandom(out: Uint8Array): void {
  const n = out.length;
  if (n > POOL_SIZE / 16) {
    randomFillSync(out);
    return;
  }
  if (poolUsed + n > POOL_SIZE) {
    randomFillSync(pool);
    poolUsed = 0;
  }
  out.set(pool.subarray(poolUsed, poolUsed + n));
  pool.fill(0, poolUsed, poolUsed + n);
  poolUsed += n;
}

/** Wall-clock milliseconds since the epoch (W3C stats timestamps). */
export function wallClockNow(): number {
  return performance.timeOrigin + performance.now();
}
