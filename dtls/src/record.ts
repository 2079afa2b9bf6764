import { writeU48 } from './bytes.js';
import { ProtocolVersion, RECORD_HEADER_LENGTH } from './constants.js';

/**
 * DTLSPlaintext / DTLSCiphertext record header (RFC 6347 §4.1):
 *
 *   ContentType type; ProtocolVersion version; uint16 epoch;
 *   uint48 sequence_number; uint16 length; opaque fragment[length];
 *
 * Several records may share one datagram; a record never spans datagrams.
 */
export interface RecordHeader {
  type: number;
  version: number;
  epoch: number;
  sequenceNumber: number;
  /** Length of the fragment that follows the 13-byte header. */
  length: number;
  /** Offset of the header inside the datagram. */
  offset: number;
}

/** A fresh header object, reused by `readRecordHeader` to avoid one allocation per record. */
export function emptyRecordHeader(): RecordHeader {
  return { type: 0, version: 0, epoch: 0, sequenceNumber: 0, length: 0, offset: 0 };
}

/**
 * Read the record header at `offset` into `into`. Returns false when fewer than 13 bytes
 * remain or the fragment runs past the datagram (the rest of the datagram is junk).
 */
export function readRecordHeader(datagram: Uint8Array, offset: number, into: RecordHeader): boolean {
  if (offset + RECORD_HEADER_LENGTH > datagram.length) return false;
  const b = datagram;
  const length = (b[offset + 11] << 8) | b[offset + 12];
  if (offset + RECORD_HEADER_LENGTH + length > datagram.length) return false;
  into.type = b[offset];
  into.version = (b[offset + 1] << 8) | b[offset + 2];
  into.epoch = (b[offset + 3] << 8) | b[offset + 4];
  into.sequenceNumber =
    b[offset + 5] * 2 ** 40 + b[offset + 6] * 2 ** 32 + ((b[offset + 7] << 24) >>> 0) + ((b[offset + 8] << 16) | (b[offset + 9] << 8) | b[offset + 10]);
  into.length = length;
  into.offset = offset;
  return true;
}

export function writeRecordHeader(
  out: Uint8Array,
  offset: number,
  type: number,
  version: number,
  epoch: number,
  sequenceNumber: number,
  length: number,
): void {
  out[offset] = type;
  out[offset + 1] = version >>> 8;
  out[offset + 2] = version & 0xff;
  out[offset + 3] = epoch >>> 8;
  out[offset + 4] = epoch & 0xff;
  writeU48(out, offset + 5, sequenceNumber);
  out[offset + 11] = length >>> 8;
  out[offset + 12] = length & 0xff;
}

/** Record versions we accept on input: DTLS 1.0 (hellos may use it) and DTLS 1.2. */
export function isAcceptedRecordVersion(version: number): boolean {
  return version === ProtocolVersion.DTLS_1_2 || version === ProtocolVersion.DTLS_1_0;
}

/**
 * RFC 7983 demultiplexing: a DTLS record starts with a byte in 20..63.
 * (Only 20..23 are DTLS 1.2 content types; the rest of the range is reserved for DTLS.)
 */
export function isDtlsRecord(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] >= 20 && bytes[0] <= 63;
}
