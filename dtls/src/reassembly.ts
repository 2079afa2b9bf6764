import type { HandshakeFragment } from './handshake.js';

/** A complete handshake message, delivered in message_seq order. */
export interface HandshakeMessage {
  msgType: number;
  messageSeq: number;
  body: Uint8Array;
  /** Epoch of the records that carried it (Finished must arrive in epoch 1). */
  epoch: number;
}

/** What `HandshakeReassembler.add` did with a fragment. */
export type FragmentDisposition =
  /** message_seq below the next expected one: part of a retransmitted flight. */
  | 'old'
  /** Stored (or already known bytes). */
  | 'stored'
  /** Dropped: too far ahead, too large, or inconsistent with earlier fragments. */
  | 'dropped';

class PartialMessage {
  readonly body: Uint8Array;
  /** One bit per body byte: received yet? */
  private readonly have: Uint8Array;
  private missing: number;

  constructor(readonly msgType: number, length: number, readonly epoch: number) {
    this.body = new Uint8Array(length);
    this.have = new Uint8Array((length + 7) >>> 3);
    this.missing = length;
  }

  add(offset: number, bytes: Uint8Array): void {
    const have = this.have, body = this.body;
    for (let i = 0; i < bytes.length; i++) {
      const j = offset + i;
      const bit = 1 << (j & 7);
      if ((have[j >>> 3] & bit) === 0) {
        have[j >>> 3] |= bit;
        body[j] = bytes[i];
        this.missing--;
      }
    }
  }

  get complete(): boolean {
    return this.missing === 0;
  }
}

/**
 * Reassembly of fragmented, reordered and duplicated handshake messages (RFC 6347 §4.2.3).
 * Messages come out strictly in message_seq order. Fragments beyond a small window of future
 * messages, or of messages larger than `maxMessageSize`, are dropped: the caps bound the
 * memory an unauthenticated peer can make us hold.
 */
export class HandshakeReassembler {
  /** message_seq of the next message to deliver. */
  nextSeq = 0;
  private readonly partial = new Map<number, PartialMessage>();

  constructor(
    private readonly maxMessageSize: number,
    private readonly window = 8,
  ) {}

  add(f: HandshakeFragment, epoch: number): FragmentDisposition {
    if (f.messageSeq < this.nextSeq) return 'old';
    if (f.messageSeq >= this.nextSeq + this.window || f.length > this.maxMessageSize) return 'dropped';
    let p = this.partial.get(f.messageSeq);
    if (p === undefined) {
      p = new PartialMessage(f.msgType, f.length, epoch);
      this.partial.set(f.messageSeq, p);
    } else if (p.msgType !== f.msgType || p.body.length !== f.length || p.epoch !== epoch) {
      // Conflicting headers for one message_seq: at most one is genuine, and epoch-0 bytes are
      // unauthenticated. Start over from the newest fragment so that a forged fragment cannot
      // block the real message forever (a retransmission will complete it).
      if (p.complete) return 'dropped';
      p = new PartialMessage(f.msgType, f.length, epoch);
      this.partial.set(f.messageSeq, p);
    }
    p.add(f.fragmentOffset, f.fragment);
    return 'stored';
  }

  /** The next message if it is complete; advances `nextSeq`. */
  pop(): HandshakeMessage | undefined {
    const p = this.partial.get(this.nextSeq);
    if (p === undefined || !p.complete) return undefined;
    this.partial.delete(this.nextSeq);
    return { msgType: p.msgType, messageSeq: this.nextSeq++, body: p.body, epoch: p.epoch };
  }

  /** Forget one message slot (a message that failed to decode) so a retransmission can refill it. */
  discard(messageSeq: number): void {
    this.partial.delete(messageSeq);
    if (messageSeq === this.nextSeq - 1) this.nextSeq--;
  }

  /** Drop everything and expect `nextSeq` next (after a HelloVerifyRequest exchange). */
  reset(nextSeq: number): void {
    this.partial.clear();
    this.nextSeq = nextSeq;
  }

  /** Bytes currently buffered (for stats and caps). */
  get bufferedBytes(): number {
    let n = 0;
    for (const p of this.partial.values()) n += p.body.length;
    return n;
  }
}
