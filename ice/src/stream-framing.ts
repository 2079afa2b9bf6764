// TURN over TCP (RFC 8656 §3.2, §12.5): STUN messages and ChannelData share one byte stream.
// A STUN message is 20 bytes + the length in its header; a ChannelData message is 4 bytes + its
// length, padded to a multiple of 4 on streams. This splits a stream back into messages.

/** Largest message we buffer: a full ChannelData (4 + 65535, padded) or STUN (20 + 65532). */
const MAX_FRAME = 4 + 65536;

export class StreamDeframer {
  private buffer = new Uint8Array(0);
  /** Set once the stream carried something that is neither STUN nor ChannelData. */
  broken = false;

  /**
   * Appends received bytes and returns the complete messages now available (views into a
   * buffer the deframer owns, valid until the next push).
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.broken) return [];
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer, 0);
    joined.set(chunk, this.buffer.length);
    const frames: Uint8Array[] = [];
    let at = 0;
    while (joined.length - at >= 4) {
      const first = joined[at];
      const length = (joined[at + 2] << 8) | joined[at + 3];
      let size: number;
      let body: number;
      if (first <= 0x3f) {
        size = 20 + length;
        body = size;
      } else if (first >= 0x40 && first <= 0x4f) {
        body = 4 + length;
        size = (body + 3) & ~3;
      } else {
        this.broken = true;
        return frames;
      }
      if (size > MAX_FRAME) {
        this.broken = true;
        return frames;
      }
      if (joined.length - at < size) break;
      frames.push(joined.subarray(at, at + body));
      at += size;
    }
    this.buffer = joined.slice(at);
    return frames;
  }

  reset(): void {
    this.buffer = new Uint8Array(0);
    this.broken = false;
  }
}

/** ChannelData for a stream: padded to a multiple of 4 bytes (RFC 8656 §12.5). */
export function padForStream(channelData: Uint8Array): Uint8Array {
  const padded = (channelData.length + 3) & ~3;
  if (padded === channelData.length) return channelData;
  const out = new Uint8Array(padded);
  out.set(channelData, 0);
  return out;
}
