/**
 * Builds SCTP packets in one preallocated buffer (RFC 9260 §3): common header, then chunks
 * appended in place, padded to 4 bytes. `finish()` returns a view valid until the next begin().
 */
import { COMMON_HEADER_SIZE } from './constants.js';
import { put16, put32 } from './bytes.js';
import { sctpChecksum, writeChecksumField } from './crc32c.js';

export class PacketWriter {
  buf: Uint8Array;
  /** write position */
  pos = 0;
  /** end of the packet being built: `limit`, or more for one oversize chunk (see stretch) */
  private end: number;
  constructor(
    /** largest packet begin() prepares for (the PLPMTU); setLimit() changes it */
    public limit: number,
  ) {
    this.buf = new Uint8Array(limit);
    this.end = limit;
  }

  /** Packets up to `limit` bytes from the next begin(); the buffer only grows. */
  setLimit(limit: number): void {
    this.limit = limit;
    this.reserve(limit);
  }

  /** Grows the buffer to at least `bytes` (keeping what was written). */
  reserve(bytes: number): void {
    if (bytes <= this.buf.length) return;
    const b = new Uint8Array(bytes);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }

  /**
   * Lets the packet being built hold `bytes` more than room(), within the buffer: a DATA chunk
   * sized for a larger PMTU that must be retransmitted after the PMTU shrank (RFC 9260 §7.3).
   * Returns false when the buffer cannot hold it.
   */
  stretch(bytes: number): boolean {
    if (this.pos + bytes > this.buf.length) return false;
    if (this.pos + bytes > this.end) this.end = this.pos + bytes;
    return true;
  }

  begin(srcPort: number, dstPort: number, verificationTag: number): void {
    const b = this.buf;
    put16(b, 0, srcPort);
    put16(b, 2, dstPort);
    put32(b, 4, verificationTag);
    put32(b, 8, 0);
    this.pos = COMMON_HEADER_SIZE;
    this.end = this.limit;
  }

  /** Bytes left for chunks. */
  room(): number {
    return this.end - this.pos;
  }

  /** True when no chunk has been written since begin(). */
  empty(): boolean {
    return this.pos === COMMON_HEADER_SIZE;
  }

  /** Writes a chunk header; the caller writes `valueLength` bytes at `pos` then calls endChunk. */
  beginChunk(type: number, flags: number, valueLength: number): number {
    const b = this.buf;
    const o = this.pos;
    b[o] = type;
    b[o + 1] = flags;
    put16(b, o + 2, 4 + valueLength);
    this.pos = o + 4;
    return this.pos;
  }

  /** Pads the chunk that started at the last beginChunk to 4 bytes. */
  endChunk(valueEnd: number): void {
    let p = valueEnd;
    while (p & 3) this.buf[p++] = 0;
    this.pos = p;
  }

  /** Appends a complete encoded chunk (header included), padding it. */
  appendChunk(chunk: Uint8Array): void {
    this.buf.set(chunk, this.pos);
    this.endChunk(this.pos + chunk.length);
  }

  /** Fills the checksum (CRC32c, or 0 for RFC 9653 zero checksum) and returns the packet view. */
  finish(withCrc: boolean): Uint8Array {
    const packet = this.buf.subarray(0, this.pos);
    writeChecksumField(packet, withCrc ? sctpChecksum(packet) : 0);
    return packet;
  }
}
