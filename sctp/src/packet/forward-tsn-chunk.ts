/** FORWARD-TSN chunk (RFC 3758 §3.2): new cumulative TSN plus (stream, SSN) pairs of ordered streams. */
import { SctpError } from '../errors.js';
import { put16, put32, u16, u32 } from './bytes.js';
import { ChunkType } from './constants.js';

export interface ForwardTsnChunk {
  newCumulativeTsn: number;
  streams: Array<{ streamId: number; ssn: number }>;
}

export function decodeForwardTsn(value: Uint8Array): ForwardTsnChunk {
  if (value.length < 4) throw new SctpError('truncated', 'FORWARD-TSN shorter than 8 bytes');
  const streams: ForwardTsnChunk['streams'] = [];
  for (let o = 4; o + 4 <= value.length; o += 4) streams.push({ streamId: u16(value, o), ssn: u16(value, o + 2) });
  return { newCumulativeTsn: u32(value, 0), streams };
}

export function encodeForwardTsn(f: ForwardTsnChunk): Uint8Array {
  const out = new Uint8Array(8 + 4 * f.streams.length);
  out[0] = ChunkType.FORWARD_TSN;
  put16(out, 2, out.length);
  put32(out, 4, f.newCumulativeTsn);
  let o = 8;
  for (const s of f.streams) {
    put16(out, o, s.streamId);
    put16(out, o + 2, s.ssn);
    o += 4;
  }
  return out;
}
