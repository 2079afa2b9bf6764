/**
 * Variable-length parameters (RFC 9260 §3.2.1) and what to do with an unknown one, by the two
 * high bits of its type: 00 stop processing, 01 stop and report, 10 skip, 11 skip and report.
 */
import { SctpError } from '../errors.js';
import { put16, u16 } from './bytes.js';

export interface ParameterView {
  type: number;
  /** the value (after the 4-byte TLV header), a view */
  value: Uint8Array;
  /** the whole parameter (header + value, no padding), a view, for "Unrecognized Parameter" reports */
  raw: Uint8Array;
}

/** Splits `bytes` into parameters. Throws SctpError('bad-parameter-length') on bad framing. */
export function readParameters(bytes: Uint8Array, baseOffset = 0): ParameterView[] {
  const out: ParameterView[] = [];
  let o = 0;
  while (o + 4 <= bytes.length) {
    const type = u16(bytes, o);
    const len = u16(bytes, o + 2);
    if (len < 4 || o + len > bytes.length) throw new SctpError('bad-parameter-length', `parameter 0x${type.toString(16)} length ${len}`, baseOffset + o);
    out.push({ type, value: bytes.subarray(o + 4, o + len), raw: bytes.subarray(o, o + len) });
    o += (len + 3) & ~3;
  }
  if (o < bytes.length && bytes.length - o >= 4) throw new SctpError('bad-parameter-length', 'trailing bytes', baseOffset + o);
  return out;
}

/** Action for a parameter type the receiver does not understand (RFC 9260 §3.2.1). */
export function unknownParameterAction(type: number): { skip: boolean; report: boolean } {
  return { skip: (type & 0x8000) !== 0, report: (type & 0x4000) !== 0 };
}

/** Encodes one parameter (TLV, padded to 4 bytes). */
export function encodeParameter(type: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array((4 + value.length + 3) & ~3);
  put16(out, 0, type);
  put16(out, 2, 4 + value.length);
  out.set(value, 4);
  return out;
}

/** Concatenates encoded parameters. */
export function concatParameters(params: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of params) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of params) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
