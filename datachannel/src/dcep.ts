/**
 * DCEP, the Data Channel Establishment Protocol (RFC 8832): DATA_CHANNEL_OPEN and
 * DATA_CHANNEL_ACK, carried on the channel's own SCTP stream with PPID 50.
 *
 * DATA_CHANNEL_OPEN (RFC 8832 §5.1):
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |  Message Type |  Channel Type |            Priority           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                    Reliability Parameter                      |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |         Label Length          |       Protocol Length         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                             Label  (UTF-8)                    |
 *    |                            Protocol (UTF-8)                   |
 *
 * DATA_CHANNEL_ACK (§5.2) is the single byte 0x02.
 */
import { DataChannelError } from './errors.js';

/** RFC 8832 §8.2.1 Message Type registry. */
export const DcepMessageType = {
  DATA_CHANNEL_ACK: 0x02,
  DATA_CHANNEL_OPEN: 0x03,
} as const;

/** RFC 8832 §5.1 Channel Type values; bit 0x80 = unordered. */
export const DcepChannelType = {
  DATA_CHANNEL_RELIABLE: 0x00,
  DATA_CHANNEL_RELIABLE_UNORDERED: 0x80,
  DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT: 0x01,
  DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT_UNORDERED: 0x81,
  DATA_CHANNEL_PARTIAL_RELIABLE_TIMED: 0x02,
  DATA_CHANNEL_PARTIAL_RELIABLE_TIMED_UNORDERED: 0x82,
} as const;

const UNORDERED_BIT = 0x80;
const OPEN_HEADER_LENGTH = 12;

export interface DataChannelOpen {
  type: 'open';
  channelType: number;
  /** 16-bit priority (RFC 8831 §6.4: 128 below-normal, 256 normal, 512 high, 1024 extra high). */
  priority: number;
  /** Max retransmissions (REXMIT) or lifetime in ms (TIMED); ignored (0) for reliable channels. */
  reliabilityParameter: number;
  label: string;
  protocol: string;
}

export interface DataChannelAck {
  type: 'ack';
}

export type DcepMessage = DataChannelOpen | DataChannelAck;

/** The reliability a channel type expresses, in W3C terms. */
export interface ChannelReliability {
  ordered: boolean;
  maxRetransmits: number | null;
  maxPacketLifeTime: number | null;
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function isKnownChannelType(t: number): boolean {
  const base = t & ~UNORDERED_BIT;
  return base === 0x00 || base === 0x01 || base === 0x02;
}

/** The RFC 8832 channel type and reliability parameter for W3C channel options. */
export function channelTypeFor(r: ChannelReliability): { channelType: number; reliabilityParameter: number } {
  const unordered = r.ordered ? 0 : UNORDERED_BIT;
  if (r.maxRetransmits !== null) {
    return { channelType: DcepChannelType.DATA_CHANNEL_PARTIAL_RELIABLE_REXMIT | unordered, reliabilityParameter: r.maxRetransmits };
  }
  if (r.maxPacketLifeTime !== null) {
    return { channelType: DcepChannelType.DATA_CHANNEL_PARTIAL_RELIABLE_TIMED | unordered, reliabilityParameter: r.maxPacketLifeTime };
  }
  return { channelType: DcepChannelType.DATA_CHANNEL_RELIABLE | unordered, reliabilityParameter: 0 };
}

/** The W3C channel options a received DATA_CHANNEL_OPEN describes. */
export function reliabilityOf(open: DataChannelOpen): ChannelReliability {
  const base = open.channelType & ~UNORDERED_BIT;
  return {
    ordered: (open.channelType & UNORDERED_BIT) === 0,
    maxRetransmits: base === 0x01 ? open.reliabilityParameter : null,
    maxPacketLifeTime: base === 0x02 ? open.reliabilityParameter : null,
  };
}

/** Encode DATA_CHANNEL_OPEN into a fresh buffer. Throws `DataChannelError` on out-of-range fields. */
export function encodeDataChannelOpen(open: Omit<DataChannelOpen, 'type'>): Uint8Array {
  if (!isKnownChannelType(open.channelType)) {
    throw new DataChannelError('bad-channel-type', `unknown DCEP channel type 0x${open.channelType.toString(16)}`);
  }
  if (!Number.isInteger(open.priority) || open.priority < 0 || open.priority > 0xffff) {
    throw new DataChannelError('bad-priority', `DCEP priority ${open.priority} is not a 16-bit integer`);
  }
  const rp = open.reliabilityParameter;
  if (!Number.isInteger(rp) || rp < 0 || rp > 0xffffffff) {
    throw new DataChannelError('bad-reliability', `DCEP reliability parameter ${rp} is not a 32-bit integer`);
  }
  const labelLength = utf8Length(open.label);
  const protocolLength = utf8Length(open.protocol);
  if (labelLength > 0xffff) throw new DataChannelError('label-too-long', `label is ${labelLength} bytes (max 65535)`);
  if (protocolLength > 0xffff) throw new DataChannelError('protocol-too-long', `protocol is ${protocolLength} bytes (max 65535)`);
  // compute the size, allocate once, write in place
  const out = new Uint8Array(OPEN_HEADER_LENGTH + labelLength + protocolLength);
  out[0] = DcepMessageType.DATA_CHANNEL_OPEN;
  out[1] = open.channelType;
  out[2] = open.priority >>> 8;
  out[3] = open.priority & 0xff;
  out[4] = rp >>> 24;
  out[5] = (rp >>> 16) & 0xff;
  out[6] = (rp >>> 8) & 0xff;
  out[7] = rp & 0xff;
  out[8] = labelLength >>> 8;
  out[9] = labelLength & 0xff;
  out[10] = protocolLength >>> 8;
  out[11] = protocolLength & 0xff;
  writeUtf8(out, OPEN_HEADER_LENGTH, open.label, labelLength);
  writeUtf8(out, OPEN_HEADER_LENGTH + labelLength, open.protocol, protocolLength);
  return out;
}

const ACK = Uint8Array.of(DcepMessageType.DATA_CHANNEL_ACK);

/** Encode DATA_CHANNEL_ACK (a fresh one-byte buffer). */
export function encodeDataChannelAck(): Uint8Array {
  return ACK.slice();
}

/**
 * Decode a DCEP message (the user data of a PPID 50 SCTP message).
 * Throws `DataChannelError` with code `truncated`, `unknown-message-type`,
 * `bad-channel-type` or `bad-utf8` (and the byte offset) on malformed input.
 * Bytes after the declared label and protocol are ignored (RFC 8832 does not forbid padding).
 */
export function decodeDcep(bytes: Uint8Array): DcepMessage {
  if (bytes.length < 1) throw new DataChannelError('truncated', 'empty DCEP message', 0);
  const messageType = bytes[0];
  if (messageType === DcepMessageType.DATA_CHANNEL_ACK) return { type: 'ack' };
  if (messageType !== DcepMessageType.DATA_CHANNEL_OPEN) {
    throw new DataChannelError('unknown-message-type', `unknown DCEP message type 0x${messageType.toString(16)}`, 0);
  }
  if (bytes.length < OPEN_HEADER_LENGTH) {
    throw new DataChannelError('truncated', `DATA_CHANNEL_OPEN is ${bytes.length} bytes, header needs 12`, bytes.length);
  }
  const channelType = bytes[1];
  if (!isKnownChannelType(channelType)) {
    throw new DataChannelError('bad-channel-type', `unknown DCEP channel type 0x${channelType.toString(16)}`, 1);
  }
  const priority = (bytes[2] << 8) | bytes[3];
  const reliabilityParameter = ((bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0;
  const labelLength = (bytes[8] << 8) | bytes[9];
  const protocolLength = (bytes[10] << 8) | bytes[11];
  const end = OPEN_HEADER_LENGTH + labelLength + protocolLength;
  if (bytes.length < end) {
    throw new DataChannelError('truncated', `DATA_CHANNEL_OPEN declares ${end} bytes, has ${bytes.length}`, bytes.length);
  }
  const label = decodeUtf8(bytes, OPEN_HEADER_LENGTH, labelLength, 'label');
  const protocol = decodeUtf8(bytes, OPEN_HEADER_LENGTH + labelLength, protocolLength, 'protocol');
  return { type: 'open', channelType, priority, reliabilityParameter, label, protocol };
}

function decodeUtf8(bytes: Uint8Array, offset: number, length: number, what: string): string {
  if (length === 0) return '';
  // ASCII fast path (labels usually are): one char per byte
  let ascii = true;
  for (let i = offset; i < offset + length; i++) {
    if (bytes[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    let out = '';
    for (let i = offset; i < offset + length; i++) out += String.fromCharCode(bytes[i]);
    return out;
  }
  try {
    return utf8Decoder.decode(bytes.subarray(offset, offset + length));
  } catch {
    throw new DataChannelError('bad-utf8', `DCEP ${what} is not valid UTF-8`, offset);
  }
}

/** UTF-8 length of `s`: the string length when it is ASCII, else Buffer.byteLength. */
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

const utf8Encoder = new TextEncoder();

function writeUtf8(out: Uint8Array, offset: number, s: string, byteLength: number): void {
  if (byteLength === s.length) {
    for (let i = 0; i < byteLength; i++) out[offset + i] = s.charCodeAt(i);
  } else {
    utf8Encoder.encodeInto(s, out.subarray(offset, offset + byteLength));
  }
}
