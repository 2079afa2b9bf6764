/**
 * Serial number arithmetic (RFC 1982) by unwrapping: 32-bit TSNs on the wire become
 * monotonically increasing JS numbers (exact up to 2^53) inside the engine, as dcSCTP's
 * UnwrappedSequenceNumber does. Comparisons are then plain `<`.
 */

/** Unwraps a 32-bit wire value to the unwrapped number closest to `reference`. */
export function unwrap32(wire: number, reference: number): number {
  const delta = ((wire >>> 0) - (reference % 4294967296)) | 0; // signed 32-bit distance
  return reference + delta;
}

/** The 32-bit wire form of an unwrapped number. */
export function wrap32(unwrapped: number): number {
  return unwrapped % 4294967296 >>> 0;
}

/** 16-bit stream sequence numbers: a < b in serial arithmetic. */
export function ssnLess(a: number, b: number): boolean {
  return a !== b && ((b - a) & 0xffff) < 0x8000;
}
