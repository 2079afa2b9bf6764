/**
 * CRC32c (Castagnoli, reflected polynomial 0x82F63B78), RFC 9260 §6.8 and appendix A.
 * Slicing-by-16: sixteen 256-entry tables in one Uint32Array; the aligned body of the input is
 * read as little-endian 32-bit words through a Uint32Array view (x86/ARM hosts are
 * little-endian; a big-endian host falls back to byte reads).
 */
const POLY = 0x82f63b78;
const SLICES = 16;
const T = new Uint32Array(256 * SLICES);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[n] = c >>> 0;
}
for (let n = 0; n < 256; n++) {
  for (let s = 1; s < SLICES; s++) {
    const prev = T[(s - 1) * 256 + n];
    T[s * 256 + n] = (prev >>> 8) ^ T[prev & 0xff];
  }
}
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// The last buffer's 32-bit view, reused: packets written into one preallocated buffer (or
// read from one receive buffer) then cost no view allocation.
let lastBuffer: ArrayBufferLike | undefined;
let lastWords: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
function wordsOf(buffer: ArrayBufferLike): Uint32Array {
  if (buffer !== lastBuffer) {
    lastBuffer = buffer;
    lastWords = new Uint32Array(buffer, 0, buffer.byteLength >>> 2);
  }
  return lastWords;
}

/** Updates a running (already inverted) CRC register with bytes[start, end). */
function update(crc: number, b: Uint8Array, start: number, end: number): number {
  let i = start;
  // bytewise until 4-byte aligned in the underlying buffer
  while (i < end && ((b.byteOffset + i) & 3) !== 0) crc = T[(crc ^ b[i++]) & 0xff] ^ (crc >>> 8);
  if (LITTLE_ENDIAN && end - i >= 16) {
    const words = wordsOf(b.buffer);
    const w0 = (b.byteOffset + i) >>> 2;
    const n16 = ((end - i) >>> 2) & ~3;
    for (let w = w0, wEnd = w0 + n16; w < wEnd; w += 4) {
      const a = words[w] ^ crc;
      const b1 = words[w + 1];
      const c = words[w + 2];
      const d = words[w + 3];
      crc =
        T[0x0f00 | (a & 0xff)] ^
        T[0x0e00 | ((a >>> 8) & 0xff)] ^
        T[0x0d00 | ((a >>> 16) & 0xff)] ^
        T[0x0c00 | (a >>> 24)] ^
        T[0x0b00 | (b1 & 0xff)] ^
        T[0x0a00 | ((b1 >>> 8) & 0xff)] ^
        T[0x0900 | ((b1 >>> 16) & 0xff)] ^
        T[0x0800 | (b1 >>> 24)] ^
        T[0x0700 | (c & 0xff)] ^
        T[0x0600 | ((c >>> 8) & 0xff)] ^
        T[0x0500 | ((c >>> 16) & 0xff)] ^
        T[0x0400 | (c >>> 24)] ^
        T[0x0300 | (d & 0xff)] ^
        T[0x0200 | ((d >>> 8) & 0xff)] ^
        T[0x0100 | ((d >>> 16) & 0xff)] ^
        T[d >>> 24];
    }
    i += n16 << 2;
  }
  while (i < end) crc = T[(crc ^ b[i++]) & 0xff] ^ (crc >>> 8);
  return crc;
}

/** CRC32c of bytes[start, end) (defaults: the whole array). */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return (update(0xffffffff, bytes, start, end) ^ 0xffffffff) >>> 0;
}

/**
 * The SCTP packet checksum (RFC 9260 §6.8): CRC32c over the packet with the checksum field
 * (bytes 8..11) taken as zero, without modifying the packet.
 */
export function sctpChecksum(packet: Uint8Array): number {
  let crc = update(0xffffffff, packet, 0, 8);
  crc = T[crc & 0xff] ^ (crc >>> 8);
  crc = T[crc & 0xff] ^ (crc >>> 8);
  crc = T[crc & 0xff] ^ (crc >>> 8);
  crc = T[crc & 0xff] ^ (crc >>> 8);
  crc = update(crc, packet, 12, packet.length);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Reads the checksum field: the CRC32c is stored least-significant byte first (appendix A). */
export function readChecksumField(packet: Uint8Array): number {
  return (packet[8] | (packet[9] << 8) | (packet[10] << 16) | (packet[11] << 24)) >>> 0;
}

/** Writes `crc` into the checksum field, least-significant byte first. */
export function writeChecksumField(packet: Uint8Array, crc: number): void {
  packet[8] = crc & 0xff;
  packet[9] = (crc >>> 8) & 0xff;
  packet[10] = (crc >>> 16) & 0xff;
  packet[11] = (crc >>> 24) & 0xff;
}
