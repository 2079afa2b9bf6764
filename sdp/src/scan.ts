/**
 * Allocation-free scanning of SDP text by char codes over [start, end) offsets. Everything
 * else in the package reads values through these, so a line is never split or regex-matched.
 */
import { SdpError, type SdpErrorCode } from './errors.js';

export const SP = 0x20;
export const COLON = 0x3a;

/** Index of the next space in src[from, end), or `end` when there is none. */
export function nextSpace(src: string, from: number, end: number): number {
  const i = src.indexOf(' ', from);
  return i === -1 || i > end ? end : i;
}

/** Index of the first non-space char in src[from, end), or `end`. */
export function skipSpaces(src: string, from: number, end: number): number {
  while (from < end && src.charCodeAt(from) === SP) from++;
  return from;
}

/**
 * An unsigned decimal integer in src[start, end) (1*DIGIT), at most `max` (≤ 2^53 - 1).
 * Throws `SdpError(code, line)` when empty, not all digits, or above `max`.
 */
export function readUint(src: string, start: number, end: number, max: number, code: SdpErrorCode, line: number): number {
  if (start >= end || end - start > 16) return badNumber(src, start, end, max, code, line);
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = src.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return badNumber(src, start, end, max, code, line);
    v = v * 10 + d;
  }
  if (v > max) return badNumber(src, start, end, max, code, line);
  return v;
}

/** Kept out of readUint so that the hot path stays small enough to inline. */
function badNumber(src: string, start: number, end: number, max: number, code: SdpErrorCode, line: number): never {
  throw new SdpError(code, `expected a number in 0..${max}, got "${clip(src, start, end)}"`, line);
}

/** True when src[start, end) is 1*DIGIT of at most `maxDigits` digits. */
export function isDigits(src: string, start: number, end: number, maxDigits: number): boolean {
  if (start >= end || end - start > maxDigits) return false;
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** ice-char = ALPHA / DIGIT / "+" / "/" (RFC 8839 §5.4). */
export function isIceChars(src: string, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43 || c === 47)) return false;
  }
  return true;
}

/** src[start, end) equals `word` (case-sensitive). */
export function equalsAt(src: string, start: number, end: number, word: string): boolean {
  return end - start === word.length && src.startsWith(word, start);
}

/** src[start, end) equals `word` ignoring ASCII case; `word` must be lower-case. */
export function equalsIgnoreCaseAt(src: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    let c = src.charCodeAt(start + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** A short, printable excerpt for error messages (never the whole hostile line). */
export function clip(src: string, start: number, end: number): string {
  const s = src.slice(start, Math.min(end, start + 40));
  return end - start > 40 ? `${s}…` : s;
}
