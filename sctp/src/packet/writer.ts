/**
 * Builds SCTP packets in one preallocated buffer (RFC 9260 §3): common header, then chunks
 * appended in place, padded to 4 bytes. `finish()` returns a view valid until the next begin().
 */
import { COMMON_HEADER_SIZE } from './constants.js';
import { put16, put32 } from './bytes.js';
import { sctpChecksum, writeChecksumField } from './crc32c.js';

export class PacketWriter {
  readonly buf: Uint8Array;
  /** write position */
  pos = 0;
  constructor(readonly capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  begin(srcPort: number, dstPort: number, verificationTag: number): void {
    const b = this.buf;
    put16(b, 0, srcPort);
    put16(b, 2, dstPort);
    put32(b, 4, verificationTag);
    put32(b, 8, 0);
    this.pos = COMMON_HEADER_SIZE;
  }

  /** Bytes left for chunks. */
  room(): number {
    return this.capacity - this.pos;
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
