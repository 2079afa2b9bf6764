/**
 * DATA chunk (RFC 9260 §3.3.1): TSN, stream identifier, stream sequence number, PPID, user
 * data. Flags: U (unordered), B (first fragment), E (last fragment), I (RFC 7053 immediate SACK).
 */
import { SctpError } from '../errors.js';
import { put16, put32, u16, u32 } from './bytes.js';
import { ChunkType, DATA_CHUNK_HEADER_SIZE } from './constants.js';
import type { PacketWriter } from './writer.js';

export interface DataChunk {
  tsn: number;
  streamId: number;
  ssn: number;
  ppid: number;
  unordered: boolean;
  beginning: boolean;
  ending: boolean;
  immediate: boolean;
  /** the user data, a view into the packet */
  userData: Uint8Array;
}

/** Decodes a DATA chunk value (after the 4-byte header). Throws SctpError. */
export function decodeData(flags: number, value: Uint8Array): DataChunk {
  if (value.length < 12) throw new SctpError('truncated', 'DATA chunk shorter than 16 bytes');
  return {
    tsn: u32(value, 0),
    streamId: u16(value, 4),
    ssn: u16(value, 6),
    ppid: u32(value, 8),
    unordered: (flags & 4) !== 0,
    beginning: (flags & 2) !== 0,
    ending: (flags & 1) !== 0,
    immediate: (flags & 8) !== 0,
    userData: value.subarray(12),
  };
}

/** Writes a DATA chunk at the writer's position (caller checked room). */
export function writeData(
  w: PacketWriter,
  flags: number,
  tsn: number,
  streamId: number,
  ssn: number,
  ppid: number,
  payload: Uint8Array,
): void {
  const o = w.beginChunk(ChunkType.DATA, flags, DATA_CHUNK_HEADER_SIZE - 4 + payload.length);
  const b = w.buf;
  put32(b, o, tsn);
  put16(b, o + 4, streamId);
  put16(b, o + 6, ssn);
  put32(b, o + 8, ppid);
  b.set(payload, o + 12);
  w.endChunk(o + 12 + payload.length);
}
