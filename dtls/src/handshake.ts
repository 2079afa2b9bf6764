import { ByteReader } from './bytes.js';
import { HANDSHAKE_HEADER_LENGTH } from './constants.js';
import { DtlsError } from './errors.js';

/**
 * DTLS handshake message header (RFC 6347 §4.2.2):
 *
 *   HandshakeType msg_type; uint24 length; uint16 message_seq;
 *   uint24 fragment_offset; uint24 fragment_length; opaque fragment[fragment_length];
 *
 * A message may travel as several fragments, possibly in several records and datagrams.
 */
export interface HandshakeFragment {
  msgType: number;
  /** Length of the whole message body. */
  length: number;
  messageSeq: number;
  fragmentOffset: number;
  fragmentLength: number;
  /** View of the fragment bytes (valid while the datagram is). */
  fragment: Uint8Array;
}

/**
 * Read one handshake fragment; throws DtlsError('truncated'|'bad-length') when the header
 * lies about its sizes.
 */
export function readHandshakeFragment(r: ByteReader): HandshakeFragment {
  const msgType = r.u8();
  const length = r.u24();
  const messageSeq = r.u16();
  const fragmentOffset = r.u24();
  const fragmentLength = r.u24();
  if (fragmentOffset + fragmentLength > length) {
    throw new DtlsError('bad-length', 'fragment runs past the message length', r.pos);
  }
  const fragment = r.take(fragmentLength);
  return { msgType, length, messageSeq, fragmentOffset, fragmentLength, fragment };
}

/**
 * The whole message with an unfragmented header (offset 0, fragment_length = length): the
 * form that enters the Finished/CertificateVerify transcript (RFC 6347 §4.2.6).
 */
export function encodeHandshakeMessage(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(HANDSHAKE_HEADER_LENGTH + body.length);
  writeHandshakeHeader(out, 0, msgType, body.length, messageSeq, 0, body.length);
  out.set(body, HANDSHAKE_HEADER_LENGTH);
  return out;
}

export function writeHandshakeHeader(
  out: Uint8Array,
  offset: number,
  msgType: number,
  length: number,
  messageSeq: number,
  fragmentOffset: number,
  fragmentLength: number,
): void {
  out[offset] = msgType;
  out[offset + 1] = length >>> 16;
  out[offset + 2] = (length >>> 8) & 0xff;
  out[offset + 3] = length & 0xff;
  out[offset + 4] = messageSeq >>> 8;
  out[offset + 5] = messageSeq & 0xff;
  out[offset + 6] = fragmentOffset >>> 16;
  out[offset + 7] = (fragmentOffset >>> 8) & 0xff;
  out[offset + 8] = fragmentOffset & 0xff;
  out[offset + 9] = fragmentLength >>> 16;
  out[offset + 10] = (fragmentLength >>> 8) & 0xff;
  out[offset + 11] = fragmentLength & 0xff;
}

/** One fragment of `body` as a handshake record payload (header + bytes). */
export function encodeHandshakeFragment(msgType: number, messageSeq: number, body: Uint8Array, fragmentOffset: number, fragmentLength: number): Uint8Array {
  const out = new Uint8Array(HANDSHAKE_HEADER_LENGTH + fragmentLength);
  writeHandshakeHeader(out, 0, msgType, body.length, messageSeq, fragmentOffset, fragmentLength);
  out.set(body.subarray(fragmentOffset, fragmentOffset + fragmentLength), HANDSHAKE_HEADER_LENGTH);
  return out;
}
