/**
 * SASLprep (RFC 4013, a stringprep profile), used on the password of STUN long-term
 * credentials as RFC 5389 §15.4 specifies and RFC 5769 §2.4 exercises:
 * map non-ASCII spaces (C.1.2) to U+0020, remove "commonly mapped to nothing" (B.1),
 * normalise with NFKC, reject prohibited output (C.1.2–C.9) and check bidi (RFC 3454 §6).
 * Unassigned code points are allowed (stored strings are "queries" here).
 */
import { StunError } from './errors.js';

// RFC 3454 B.1: commonly mapped to nothing
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/g;
// RFC 3454 C.1.2: non-ASCII space characters
const NON_ASCII_SPACE = /[\u00A0\u1680\u2000-\u200B\u202F\u205F\u3000]/g;
// RFC 3454 C.2.1, C.2.2, C.3–C.9 (BMP part; C.3 private use and C.4 non-characters of the
// supplementary planes, and C.2.2/C.9 tag characters, are checked by code point below)
const PROHIBITED =
  /[\u0000-\u001F\u007F-\u009F\u06DD\u070F\u180E\u200C\u200D\u2028\u2029\u2060-\u2063\u206A-\u206F\uFEFF\uFFF9-\uFFFC\uE000-\uF8FF\uFDD0-\uFDEF\uFFFE\uFFFF\uD800-\uDFFF\u0340\u0341\u200E\u200F\u202A-\u202E\u206A-\u206F\u2FF0-\u2FFB]/u;
// RFC 3454 D.1 (RandALCat, main ranges: Hebrew, Arabic, Syriac, Thaana, NKo, presentation forms)
const RAND_AL_CAT = /[\u05BE\u05C0\u05C3\u05D0-\u05EA\u05F0-\u05F4\u061B\u061F\u0621-\u063A\u0640-\u064A\u066D-\u066F\u0671-\u06D5\u06DD\u06E5\u06E6\u06FA-\u06FE\u0700-\u070D\u0710\u0712-\u072C\u0780-\u07A5\u07B1\u200F\uFB1D\uFB1F-\uFB28\uFB2A-\uFB4F\uFB50-\uFDFD\uFE70-\uFEFC]/;
// RFC 3454 D.2 (LCat): approximated by Unicode's Letter category minus RandALCat
const L_CAT = /\p{L}/u;

export function saslprep(input: string): string {
  const s = input.replace(NON_ASCII_SPACE, ' ').replace(MAPPED_TO_NOTHING, '').normalize('NFKC');
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (PROHIBITED.test(ch) || (cp >= 0xf0000 && cp <= 0x10ffff) || (cp & 0xfffe) === 0xfffe || (cp >= 0xe0001 && cp <= 0xe007f) || cp === 0x1d173) {
      throw new StunError('saslprep', `prohibited code point U+${cp.toString(16).toUpperCase().padStart(4, '0')}`);
    }
  }
  // RFC 3454 §6: a string with RandALCat characters has no LCat ones and starts and ends with RandALCat
  if (RAND_AL_CAT.test(s)) {
    const chars = [...s];
    const hasL = chars.some((c) => !RAND_AL_CAT.test(c) && L_CAT.test(c));
    if (hasL || !RAND_AL_CAT.test(chars[0]) || !RAND_AL_CAT.test(chars[chars.length - 1])) {
      throw new StunError('saslprep', 'bidirectional rule violated (RFC 3454 §6)');
    }
  }
  return s;
}
