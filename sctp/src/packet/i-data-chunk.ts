/**
 * I-DATA chunk (RFC 8260 §2.1): like DATA, plus a Message Identifier (MID) per stream and a
 * Fragment Sequence Number (FSN), so fragments of different messages may interleave. The
 * first fragment (B bit) carries the PPID where later ones carry their FSN (the B fragment's
 * FSN is 0). Header: 20 bytes.
 */
import { SctpError } from '../errors.js';
import { put16, put32, u16, u32 } from './bytes.js';
import { ChunkType } from './constants.js';
import type { PacketWriter } from './writer.js';

export const I_DATA_CHUNK_HEADER_SIZE = 20;

export interface IDataChunk {
  tsn: number;
  streamId: number;
  mid: number;
  /** only on the first fragment */
  ppid: number | undefined;
  fsn: number;
  unordered: boolean;
  beginning: boolean;
  ending: boolean;
  immediate: boolean;
  userData: Uint8Array;
}

export function decodeIData(flags: number, value: Uint8Array): IDataChunk {
  if (value.length < 16) throw new SctpError('truncated', 'I-DATA chunk shorter than 20 bytes');
  const B = (flags & 2) !== 0;
  return {
    tsn: u32(value, 0),
    streamId: u16(value, 4),
    mid: u32(value, 8),
    ppid: B ? u32(value, 12) : undefined,
    fsn: B ? 0 : u32(value, 12),
    unordered: (flags & 4) !== 0,
    beginning: B,
    ending: (flags & 1) !== 0,
    immediate: (flags & 8) !== 0,
    userData: value.subarray(16),
  };
}

/** Writes an I-DATA chunk: `ppidOrFsn` is the PPID when the B flag is set, else the FSN. */
export function writeIData(w: PacketWriter, flags: number, tsn: number, streamId: number, mid: number, ppidOrFsn: number, payload: Uint8Array): void {
  const o = w.beginChunk(ChunkType.I_DATA, flags, I_DATA_CHUNK_HEADER_SIZE - 4 + payload.length);
  const b = w.buf;
  put32(b, o, tsn);
  put16(b, o + 4, streamId);
  put16(b, o + 6, 0);
  put32(b, o + 8, mid);
  put32(b, o + 12, ppidOrFsn);
  b.set(payload, o + 16);
  w.endChunk(o + 16 + payload.length);
}
