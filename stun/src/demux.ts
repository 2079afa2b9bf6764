/**
 * RFC 7983 §7 (as updated by RFC 9443 for TURN ChannelData): what a datagram on a WebRTC
 * 5-tuple is, from its first byte.
 *
 *   0..3 STUN · 16..19 ZRTP · 20..63 DTLS · 64..79 TURN ChannelData · 128..191 RTP/RTCP
 */
import { HEADER_LENGTH } from './constants.js';

export type PacketKind = 'stun' | 'dtls' | 'rtp' | 'channel-data' | 'zrtp' | 'unknown';

export function classifyPacket(bytes: Uint8Array): PacketKind {
  if (bytes.length === 0) return 'unknown';
  const b = bytes[0];
  if (b <= 3) return 'stun';
  if (b >= 16 && b <= 19) return 'zrtp';
  if (b >= 20 && b <= 63) return 'dtls';
  if (b >= 64 && b <= 79) return 'channel-data';
  if (b >= 128 && b <= 191) return 'rtp';
  return 'unknown';
}

/**
 * A cheap test that a datagram is a STUN message with the RFC 5389 magic cookie and a
 * consistent length (header only; attributes are checked by `decodeStun`).
 */
export function isStun(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n < HEADER_LENGTH || bytes[0] > 3) return false;
  if (bytes[4] !== 0x21 || bytes[5] !== 0x12 || bytes[6] !== 0xa4 || bytes[7] !== 0x42) return false;
  const length = (bytes[2] << 8) | bytes[3];
  return (length & 3) === 0 && length + HEADER_LENGTH === n;
}
