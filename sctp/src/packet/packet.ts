/**
 * SCTP common header and chunk framing (RFC 9260 §3.1, §3.2), parsed in place: a packet
 * becomes a list of chunk offsets into the received bytes; nothing is copied.
 */
import { SctpError } from '../errors.js';
import { COMMON_HEADER_SIZE } from './constants.js';
import { u16, u32 } from './bytes.js';
import { readChecksumField } from './crc32c.js';

/** Upper bound on chunks read from one packet (a 64 KiB packet of 4-byte chunks). */
export const MAX_CHUNKS_PER_PACKET = 16384;

/**
 * Reusable zero-copy packet reader: `read()` fills the chunk offset arrays, which stay valid
 * until the next `read()`. Returns an error code instead of throwing (the engine's hot path);
 * `decodePacket` below is the throwing convenience form.
 */
export class PacketReader {
  bytes: Uint8Array = new Uint8Array(0);
  srcPort = 0;
  dstPort = 0;
  verificationTag = 0;
  checksum = 0;
  count = 0;
  /** chunk start offsets in `bytes` (grown on demand up to MAX_CHUNKS_PER_PACKET) */
  offset = new Int32Array(32);
  /** chunk Length field values (header + value, without padding) */
  length = new Int32Array(32);
  /** the offset and length of a framing error, when read() fails */
  errorOffset = 0;

  /** Frames `bytes`; returns undefined on success or an error code ('truncated', 'bad-chunk-length'). */
  read(bytes: Uint8Array): string | undefined {
    this.bytes = bytes;
    this.count = 0;
    if (bytes.length < COMMON_HEADER_SIZE) return (this.errorOffset = 0), 'truncated';
    this.srcPort = u16(bytes, 0);
    this.dstPort = u16(bytes, 2);
    this.verificationTag = u32(bytes, 4);
    this.checksum = readChecksumField(bytes);
    let o = COMMON_HEADER_SIZE;
    const end = bytes.length;
    while (o < end) {
      if (end - o < 4) return (this.errorOffset = o), 'truncated';
      const len = u16(bytes, o + 2);
      if (len < 4 || len > end - o) return (this.errorOffset = o), 'bad-chunk-length';
      if (this.count === this.offset.length) {
        if (this.count === MAX_CHUNKS_PER_PACKET) return (this.errorOffset = o), 'too-many-chunks';
        const offset = new Int32Array(this.count * 2);
        const length = new Int32Array(this.count * 2);
        offset.set(this.offset);
        length.set(this.length);
        this.offset = offset;
        this.length = length;
      }
      this.offset[this.count] = o;
      this.length[this.count] = len;
      this.count++;
      o += (len + 3) & ~3; // the last chunk's padding may be missing (Chromium's INIT is not)
    }
    if (this.count === 0) return (this.errorOffset = COMMON_HEADER_SIZE), 'no-chunks';
    return undefined;
  }

  type(i: number): number {
    return this.bytes[this.offset[i]];
  }
  flags(i: number): number {
    return this.bytes[this.offset[i] + 1];
  }
  /** The chunk value (after the 4-byte chunk header), a view. */
  value(i: number): Uint8Array {
    const o = this.offset[i];
    return this.bytes.subarray(o + 4, o + this.length[i]);
  }
  /** The whole chunk (header + value, no padding), a view. */
  chunk(i: number): Uint8Array {
    const o = this.offset[i];
    return this.bytes.subarray(o, o + this.length[i]);
  }
}

export interface ChunkView {
  type: number;
  flags: number;
  /** the chunk value (after the 4-byte header): a view into the packet */
  value: Uint8Array;
}

export interface SctpPacket {
  srcPort: number;
  dstPort: number;
  verificationTag: number;
  /** the checksum field as stored (CRC32c value; 0 with RFC 9653 zero checksum) */
  checksum: number;
  chunks: ChunkView[];
}

const shared = new PacketReader();

/** Decodes a packet's header and chunk framing (views, no copies). Throws SctpError. */
export function decodePacket(bytes: Uint8Array): SctpPacket {
  const r = shared; // used synchronously only; the result holds no reference to it
  const err = r.read(bytes);
  if (err) throw new SctpError(err, `SCTP packet: ${err}`, r.errorOffset);
  const chunks: ChunkView[] = [];
  for (let i = 0; i < r.count; i++) chunks.push({ type: r.type(i), flags: r.flags(i), value: r.value(i) });
  return { srcPort: r.srcPort, dstPort: r.dstPort, verificationTag: r.verificationTag, checksum: r.checksum, chunks };
}
