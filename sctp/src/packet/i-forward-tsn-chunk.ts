/** I-FORWARD-TSN chunk (RFC 8260 §2.3.1): new cumulative TSN plus (stream, U flag, MID) entries. */
import { SctpError } from '../errors.js';
import { put16, put32, u16, u32 } from './bytes.js';
import { ChunkType } from './constants.js';

export interface IForwardTsnEntry {
  streamId: number;
  unordered: boolean;
  mid: number;
}

export interface IForwardTsnChunk {
  newCumulativeTsn: number;
  entries: IForwardTsnEntry[];
}

export function decodeIForwardTsn(value: Uint8Array): IForwardTsnChunk {
  if (value.length < 4) throw new SctpError('truncated', 'I-FORWARD-TSN shorter than 8 bytes');
  const entries: IForwardTsnEntry[] = [];
  for (let o = 4; o + 8 <= value.length; o += 8) entries.push({ streamId: u16(value, o), unordered: (value[o + 3] & 1) !== 0, mid: u32(value, o + 4) });
  return { newCumulativeTsn: u32(value, 0), entries };
}

export function encodeIForwardTsn(f: IForwardTsnChunk): Uint8Array {
  const out = new Uint8Array(8 + 8 * f.entries.length);
  out[0] = ChunkType.I_FORWARD_TSN;
  put16(out, 2, out.length);
  put32(out, 4, f.newCumulativeTsn);
  let o = 8;
  for (const e of f.entries) {
    put16(out, o, e.streamId);
    put16(out, o + 2, e.unordered ? 1 : 0);
    put32(out, o + 4, e.mid);
    o += 8;
  }
  return out;
}
