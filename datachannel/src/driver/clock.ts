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

/** Fills `out` with cryptographically strong random bytes. */
export function secureRandom(out: Uint8Array): void {
  randomFillSync(out);
}

/** Wall-clock milliseconds since the epoch (W3C stats timestamps). */
export function wallClockNow(): number {
  return performance.timeOrigin + performance.now();
}
