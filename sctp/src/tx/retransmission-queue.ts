/**
 * Sent DATA chunks awaiting acknowledgement (RFC 9260 §6.2.1, §6.3, §7.2.4; RFC 3758 §3.5).
 * Outstanding chunks have consecutive TSNs from cumulativeTsnAck + 1, so they live in an
 * array indexed by TSN offset: a SACK costs O(newly acked + gap-block span), never a search.
 */
import type { OutMessage } from './send-queue.js';

export interface SentChunk {
  tsn: number;
  msg: OutMessage;
  payload: Uint8Array;
  flags: number;
  sentAt: number;
  transmissions: number;
  acked: boolean;
  abandoned: boolean;
  markedForRetransmit: boolean;
  inFlight: boolean;
  missIndications: number;
  /** fast retransmitted once: only T3 may resend it again (RFC 9260 §7.2.4) */
  fastRetransmitted: boolean;
  /** I-DATA fragment sequence number */
  fsn: number;
}

export interface SackOutcome {
  /** newly acknowledged bytes (cumulative and gap) */
  bytesAcked: number;
  cumulativeAdvanced: boolean;
  /** send time of the newest newly-acked chunk sent only once (Karn), or -1 */
  rttSentAt: number;
  /** chunks reached three miss indications (RFC 9260 §7.2.4) */
  fastRetransmit: boolean;
  /** flight size before this SACK */
  flightBefore: number;
}

export class RetransmissionQueue {
  /** highest TSN cumulatively acked by the peer (unwrapped) */
  cumulativeTsnAck: number;
  /** next TSN to assign (unwrapped) */
  nextTsn: number;
  /** RFC 3758 Advanced.Peer.Ack.Point */
  advancedPeerAckPoint: number;
  private q: SentChunk[] = [];
  private head = 0;
  private rtx: SentChunk[] = [];
  private rtxHead = 0;
  /** bytes of chunks in flight (sent, not acked, not marked for retransmission, not abandoned) */
  flightBytes = 0;
  /** chunks not yet cumulatively acked (acked by gap or not) */
  get outstandingCount(): number {
    return this.q.length - this.head;
  }
  readonly outcome: SackOutcome = { bytesAcked: 0, cumulativeAdvanced: false, rttSentAt: -1, fastRetransmit: false, flightBefore: 0 };

  constructor(initialTsn: number) {
    this.nextTsn = initialTsn;
    this.cumulativeTsnAck = initialTsn - 1;
    this.advancedPeerAckPoint = initialTsn - 1;
  }

  /** Records a chunk sent for the first time; returns its TSN. */
  add(msg: OutMessage, payload: Uint8Array, flags: number, now: number, fsn = 0): SentChunk {
    const c: SentChunk = { tsn: this.nextTsn++, msg, payload, flags, sentAt: now, transmissions: 1, acked: false, abandoned: false, markedForRetransmit: false, inFlight: true, missIndications: 0, fastRetransmitted: false, fsn };
    this.q.push(c);
    this.flightBytes += payload.length;
    return c;
  }

  /**
   * A TSN for the never-sent end of a partially sent, abandoned message (as dcSCTP does): the
   * receiver may hold all the fragments sent so far, so without a TSN beyond them the
   * FORWARD-TSN could not tell it to drop the incomplete message.
   */
  addAbandonedEnd(msg: OutMessage): void {
    const c: SentChunk = {
      tsn: this.nextTsn++,
      msg,
      payload: new Uint8Array(0),
      flags: (msg.unordered ? 4 : 0) | 1,
      sentAt: 0,
      transmissions: 0,
      acked: false,
      abandoned: true,
      markedForRetransmit: false,
      inFlight: false,
      missIndications: 0,
      fastRetransmitted: false,
      fsn: msg.nextFsn ?? 0,
    };
    this.q.push(c);
    msg.lastTsn = c.tsn;
  }

  get(tsn: number): SentChunk | undefined {
    return this.q[this.head + (tsn - this.cumulativeTsnAck - 1)];
  }

  /** True when some chunk still needs the peer (not acked, not abandoned). */
  hasUnacked(): boolean {
    for (let i = this.head; i < this.q.length; i++) if (!this.q[i].acked && !this.q[i].abandoned) return true;
    return false;
  }

  /**
   * Applies a SACK (already validated: cumulativeTsnAck <= cum < nextTsn). `gaps` holds flat
   * start/end offsets from `cum`. Fills and returns `this.outcome`.
   */
  handleSack(cum: number, gaps: Int32Array, nGaps: number): SackOutcome {
    const o = this.outcome;
    o.bytesAcked = 0;
    o.rttSentAt = -1;
    o.fastRetransmit = false;
    o.flightBefore = this.flightBytes;
    o.cumulativeAdvanced = cum > this.cumulativeTsnAck;
    const q = this.q;
    while (this.cumulativeTsnAck < cum) {
      const c = q[this.head];
      q[this.head++] = undefined as unknown as SentChunk;
      this.cumulativeTsnAck++;
      if (!c.acked) this.ackChunk(c);
    }
    if (this.head > 4096 && this.head * 2 > q.length) {
      q.splice(0, this.head);
      this.head = 0;
    }
    if (this.advancedPeerAckPoint < cum) this.advancedPeerAckPoint = cum;
    let highestNewlyAcked = o.cumulativeAdvanced ? cum : -1;
    const last = this.nextTsn - 1;
    for (let g = 0; g < nGaps; g++) {
      const start = cum + gaps[2 * g];
      const end = Math.min(cum + gaps[2 * g + 1], last);
      for (let t = start; t <= end; t++) {
        const c = q[this.head + (t - cum - 1)];
        if (!c.acked) {
          this.ackChunk(c);
          highestNewlyAcked = t;
        }
      }
    }
    // miss indications for unacked chunks below the highest newly acked TSN (§7.2.4)
    if (nGaps > 0 && highestNewlyAcked > cum) {
      for (let t = cum + 1; t < highestNewlyAcked; t++) {
        const c = q[this.head + (t - cum - 1)];
        if (c.acked || c.abandoned || c.markedForRetransmit || c.fastRetransmitted) continue;
        if (++c.missIndications >= 3) {
          c.missIndications = 0;
          c.fastRetransmitted = true;
          this.markForRetransmit(c);
          o.fastRetransmit = true;
        }
      }
    }
    return o;
  }

  private ackChunk(c: SentChunk): void {
    c.acked = true;
    if (c.inFlight) {
      c.inFlight = false;
      this.flightBytes -= c.payload.length;
    }
    if (!c.abandoned) {
      this.outcome.bytesAcked += c.payload.length;
      if (c.transmissions === 1 && c.sentAt > this.outcome.rttSentAt) this.outcome.rttSentAt = c.sentAt;
    }
  }

  markForRetransmit(c: SentChunk): void {
    if (c.markedForRetransmit || c.acked || c.abandoned) return;
    c.markedForRetransmit = true;
    if (c.inFlight) {
      c.inFlight = false;
      this.flightBytes -= c.payload.length;
    }
    this.rtx.push(c);
  }

  /** T3-rtx expiry (RFC 9260 §6.3.3 E3): every unacked chunk goes back for retransmission. */
  markAllForRetransmit(): void {
    for (let i = this.head; i < this.q.length; i++) {
      const c = this.q[i];
      c.fastRetransmitted = false;
      this.markForRetransmit(c);
    }
  }

  /** The next chunk to retransmit, left in place (skips entries acked/abandoned meanwhile). */
  peekRetransmit(): SentChunk | undefined {
    while (this.rtxHead < this.rtx.length) {
      const c = this.rtx[this.rtxHead];
      if (c.markedForRetransmit && !c.acked && !c.abandoned) return c;
      c.markedForRetransmit = false;
      this.rtxHead++;
    }
    if (this.rtxHead !== 0) {
      this.rtx.length = 0;
      this.rtxHead = 0;
    }
    return undefined;
  }

  /** Takes the chunk peekRetransmit() returned and records its retransmission. */
  retransmitted(c: SentChunk, now: number): void {
    this.rtxHead++;
    c.markedForRetransmit = false;
    c.transmissions++;
    c.sentAt = now;
    c.inFlight = true;
    c.missIndications = 0;
    this.flightBytes += c.payload.length;
  }

  /**
   * PR-SCTP (RFC 3758 §3.5): abandons every sent chunk of `msg`, then moves the
   * Advanced.Peer.Ack.Point over abandoned chunks. Returns true when it passed the cumulative ack.
   */
  abandon(msg: OutMessage): boolean {
    msg.abandoned = true;
    const from = Math.max(msg.firstTsn, this.cumulativeTsnAck + 1);
    for (let t = from; t <= msg.lastTsn && t < this.nextTsn; t++) {
      const c = this.get(t)!;
      // with I-DATA, other messages' fragments interleave within this TSN range
      if (c.abandoned || c.msg !== msg) continue;
      c.abandoned = true;
      if (c.inFlight) {
        c.inFlight = false;
        this.flightBytes -= c.payload.length;
      }
    }
    return this.advanceAckPoint();
  }

  /** RFC 3758 §3.5 C2 */
  advanceAckPoint(): boolean {
    let t = Math.max(this.advancedPeerAckPoint, this.cumulativeTsnAck);
    while (t + 1 < this.nextTsn) {
      const c = this.get(t + 1)!;
      if (!c.abandoned) break;
      t++;
    }
    this.advancedPeerAckPoint = t;
    return t > this.cumulativeTsnAck;
  }

  /**
   * I-FORWARD-TSN entries (RFC 8260 §2.3.1) for abandoned messages up to the ack point: the
   * highest MID per ordered stream, and each unordered message by its own MID.
   */
  iForwardTsnEntries(): Array<{ streamId: number; unordered: boolean; mid: number }> {
    const ordered = new Map<number, number>();
    const unordered = new Set<OutMessage>();
    for (let t = this.cumulativeTsnAck + 1; t <= this.advancedPeerAckPoint; t++) {
      const m = this.get(t)!.msg;
      if (m.mid === undefined) continue;
      if (m.unordered) unordered.add(m);
      else ordered.set(m.streamId, m.mid);
    }
    const out = [...ordered].map(([streamId, mid]) => ({ streamId, unordered: false, mid }));
    for (const m of unordered) out.push({ streamId: m.streamId, unordered: true, mid: m.mid! });
    return out;
  }

  /** (stream, SSN) pairs of ordered abandoned messages up to the ack point, for FORWARD-TSN. */
  forwardTsnStreams(): Array<{ streamId: number; ssn: number }> {
    const last = new Map<number, number>();
    for (let t = this.cumulativeTsnAck + 1; t <= this.advancedPeerAckPoint; t++) {
      const c = this.get(t)!;
      if ((c.flags & 4) === 0) last.set(c.msg.streamId, c.msg.ssn);
    }
    return [...last].map(([streamId, ssn]) => ({ streamId, ssn }));
  }
}
