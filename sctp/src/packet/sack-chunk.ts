/**
 * SACK chunk (RFC 9260 §3.3.4): cumulative TSN ack, a_rwnd, gap ack blocks (offsets from the
 * cumulative TSN) and duplicate TSNs.
 */
import { SctpError } from '../errors.js';
import { put16, put32, u16, u32 } from './bytes.js';
import { ChunkType } from './constants.js';
import type { PacketWriter } from './writer.js';

export interface SackChunk {
  cumulativeTsnAck: number;
  aRwnd: number;
  /** [start, end] offsets from cumulativeTsnAck, inclusive */
  gapBlocks: Array<[number, number]>;
  duplicateTsns: number[];
}

/** Decodes a SACK value. Throws SctpError on a length that disagrees with the counts. */
export function decodeSack(value: Uint8Array): SackChunk {
  if (value.length < 12) throw new SctpError('truncated', 'SACK shorter than 16 bytes');
  const nGaps = u16(value, 8);
  const nDups = u16(value, 10);
  if (value.length < 12 + 4 * (nGaps + nDups)) throw new SctpError('bad-length', 'SACK counts exceed its length');
  const gapBlocks: Array<[number, number]> = [];
  let o = 12;
  for (let i = 0; i < nGaps; i++, o += 4) gapBlocks.push([u16(value, o), u16(value, o + 2)]);
  const duplicateTsns: number[] = [];
  for (let i = 0; i < nDups; i++, o += 4) duplicateTsns.push(u32(value, o));
  return { cumulativeTsnAck: u32(value, 0), aRwnd: u32(value, 4), gapBlocks, duplicateTsns };
}

/** Bytes a SACK with these counts occupies (header included). */
export function sackSize(nGaps: number, nDups: number): number {
  return 16 + 4 * (nGaps + nDups);
}

/**
 * Writes a SACK. `gaps` holds start/end offset pairs flat ([s0, e0, s1, e1, ...]), `dups` wire
 * TSNs; counts are given so the caller can pass preallocated arrays.
 */
export function writeSack(
  w: PacketWriter,
  cumulativeTsnAck: number,
  aRwnd: number,
  gaps: ArrayLike<number>,
  nGaps: number,
  dups: ArrayLike<number>,
  nDups: number,
): void {
  const o = w.beginChunk(ChunkType.SACK, 0, 12 + 4 * (nGaps + nDups));
  const b = w.buf;
  put32(b, o, cumulativeTsnAck);
  put32(b, o + 4, aRwnd);
  put16(b, o + 8, nGaps);
  put16(b, o + 10, nDups);
  let p = o + 12;
  for (let i = 0; i < nGaps; i++, p += 4) {
    put16(b, p, gaps[2 * i]);
    put16(b, p + 2, gaps[2 * i + 1]);
  }
  for (let i = 0; i < nDups; i++, p += 4) put32(b, p, dups[i]);
  w.endChunk(p);
}
