/**
 * UTF-8 for the text attributes (USERNAME, REALM, NONCE, SOFTWARE, ERROR-CODE reason).
 * Short ASCII values (every ICE USERNAME) take a loop without a call into C++.
 */
const decoder = new TextDecoder('utf-8'); // not fatal: invalid sequences become U+FFFD
const encoder = new TextEncoder();

const fromCharCode = String.fromCharCode;

/** Decodes raw[start, end) as UTF-8. Never throws. */
export function readUtf8(raw: Uint8Array, start: number, end: number): string {
  if (end - start > 64) return decoder.decode(raw.subarray(start, end));
  for (let i = start; i < end; i++) if (raw[i] >= 0x80) return decoder.decode(raw.subarray(start, end));
  // ASCII: eight characters per call, then the rest one by one
  let s = '';
  let i = start;
  for (; i + 8 <= end; i += 8) {
    s += fromCharCode(raw[i], raw[i + 1], raw[i + 2], raw[i + 3], raw[i + 4], raw[i + 5], raw[i + 6], raw[i + 7]);
  }
  for (; i < end; i++) s += fromCharCode(raw[i]);
  return s;
}

/** UTF-8 length of a string, without encoding it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3; // BMP, or a lone surrogate (encoded as U+FFFD, 3 bytes)
  }
  return n;
}

/** Writes s as UTF-8 at out[at..]; returns the number of bytes written. */
export function writeUtf8(s: string, out: Uint8Array, at: number): number {
  const n = s.length;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    out[at + i] = c;
  }
  if (i === n) return n;
  return i + encoder.encodeInto(s.slice(i), out.subarray(at + i)).written;
}

/** UTF-8 bytes of a string (a new array). */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
