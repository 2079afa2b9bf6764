/**
 * TURN ChannelData framing (RFC 8656 §12.4): channel number (0x4000..0x4FFF), 16-bit data
 * length, data. Over UDP the padding to 4 bytes is optional (§12.5) and ignored on receipt.
 */
import { StunError } from './errors.js';

export interface ChannelData {
  channel: number;
  /** A view of the received bytes. */
  data: Uint8Array;
}

/** Encodes a ChannelData message (not padded: the UDP form). */
export function encodeChannelData(channel: number, data: Uint8Array): Uint8Array {
  if (!Number.isInteger(channel) || channel < 0x4000 || channel > 0x4fff) {
    throw new StunError('bad-argument', `channel number 0x${channel.toString(16)} outside 0x4000..0x4FFF`);
  }
  if (data.length > 0xffff) throw new StunError('bad-argument', `ChannelData of ${data.length} bytes`);
  const out = new Uint8Array(4 + data.length);
  out[0] = channel >> 8;
  out[1] = channel & 0xff;
  out[2] = data.length >> 8;
  out[3] = data.length & 0xff;
  out.set(data, 4);
  return out;
}

/** Decodes a ChannelData message; up to 3 padding bytes after the data are ignored. */
export function decodeChannelData(bytes: Uint8Array): ChannelData {
  if (bytes.length < 4) throw new StunError('truncated', `${bytes.length} bytes, ChannelData needs 4`, 0);
  const channel = (bytes[0] << 8) | bytes[1];
  if (channel < 0x4000 || channel > 0x4fff) throw new StunError('bad-channel-data', `channel number 0x${channel.toString(16)}`, 0);
  const length = (bytes[2] << 8) | bytes[3];
  const end = 4 + length;
  if (end > bytes.length) throw new StunError('bad-channel-data', `length ${length} runs past ${bytes.length} bytes`, 2);
  if (bytes.length > ((end + 3) & ~3)) throw new StunError('bad-channel-data', `${bytes.length - end} bytes after the data`, end);
  return { channel, data: bytes.subarray(4, end) };
}
