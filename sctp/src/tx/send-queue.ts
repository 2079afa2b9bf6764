/**
 * Outgoing messages per stream (RFC 9260 §6.1, RFC 8831 §6.6), scheduled round-robin by whole
 * messages: without I-DATA the fragments of one message must take consecutive TSNs (§6.9).
 * Fragments are views into the queued message (copied once, when the chunk is written).
 * Tracks the buffered amount per stream and in total, with low-water events.
 */
export interface OutMessage {
  streamId: number;
  ppid: number;
  data: Uint8Array;
  /** next byte to fragment */
  offset: number;
  unordered: boolean;
  /** SSN, assigned when the first fragment is produced */
  ssn: number;
  /** PR-SCTP (RFC 3758) policies: undefined = reliable */
  maxRetransmits: number | undefined;
  expiresAt: number | undefined;
  abandoned: boolean;
  /** TSNs of the fragments already given out (unwrapped, first..last) */
  firstTsn: number;
  lastTsn: number;
  /** I-DATA (RFC 8260): message identifier, assigned with the first fragment, and next FSN */
  mid?: number;
  nextFsn?: number;
}

export interface OutStream {
  id: number;
  queue: OutMessage[];
  head: number;
  nextSsn: number;
  bufferedAmount: number;
  lowThreshold: number;
  /** an outgoing reset (RFC 6525) is due or in flight: no new message starts until it completes */
  paused: boolean;
  /** messages ever queued / ever taken (sent or expired) on this stream */
  enqueued: number;
  dequeued: number;
  /**
   * pending outgoing resets, each as the `enqueued` count when it was asked for: the reset
   * happens after exactly those messages (RFC 8831 §6.7: close sends what was queued before).
   */
  resetMarks: number[];
  /** in the round-robin ring */
  scheduled: boolean;
  /** I-DATA interleaving: this stream's message being fragmented, and its next MIDs */
  current: OutMessage | undefined;
  nextMidOrdered: number;
  nextMidUnordered: number;
}

export class SendQueue {
  readonly streams: (OutStream | undefined)[] = [];
  /** round-robin ring of stream ids with queued messages */
  private ring: number[] = [];
  private ringHead = 0;
  /** the message being fragmented (must finish before another starts) */
  private current: OutMessage | undefined;
  totalBuffered = 0;
  /** threshold for the association-wide low-water event */
  totalLowThreshold = 0;
  /** the association-wide buffered amount fell to or below its threshold (an event is due) */
  totalLowEvent = false;
  /** the last fragment next() produced: a view into its message, its DATA flags (U, B, E), its FSN */
  fragmentPayload: Uint8Array = new Uint8Array(0);
  fragmentFlags = 0;
  fragmentFsn = 0;
  /**
   * I-DATA (RFC 8260): fragments of different streams' messages interleave, round-robin per
   * fragment, each stream keeping its own message in progress.
   */
  interleave = false;
  /** streams whose buffered amount fell to or below their threshold (for events) */
  readonly lowEvents: number[] = [];

  stream(id: number): OutStream {
    let s = this.streams[id];
    if (!s) this.streams[id] = s = { id, queue: [], head: 0, nextSsn: 0, bufferedAmount: 0, lowThreshold: 0, paused: false, scheduled: false, enqueued: 0, dequeued: 0, resetMarks: [], current: undefined, nextMidOrdered: 0, nextMidUnordered: 0 };
    return s;
  }

  enqueue(m: OutMessage): void {
    const s = this.stream(m.streamId);
    s.queue.push(m);
    s.enqueued++;
    s.bufferedAmount += m.data.length;
    this.totalBuffered += m.data.length;
    this.schedule(s);
  }

  private schedule(s: OutStream): void {
    if (!s.scheduled && (s.current !== undefined || (!s.paused && s.head < s.queue.length))) {
      s.scheduled = true;
      this.ring.push(s.id);
    }
  }

  /** Asks for an outgoing reset of `id` after the messages queued so far. */
  markReset(id: number): void {
    const s = this.stream(id);
    s.resetMarks.push(s.enqueued);
    this.updatePause(s);
  }

  private updatePause(s: OutStream): void {
    s.paused = s.resetMarks.length > 0 && s.dequeued === s.resetMarks[0];
  }

  /** True when the first pending reset of `id` may go out: everything before it was sent. */
  readyForReset(id: number): boolean {
    const s = this.streams[id];
    return !!s && s.resetMarks.length > 0 && s.dequeued === s.resetMarks[0] && this.current?.streamId !== id && s.current === undefined;
  }

  /** True when `id` still has resets to perform. */
  hasPendingReset(id: number): boolean {
    return (this.streams[id]?.resetMarks.length ?? 0) > 0;
  }

  /** The first pending reset of `id` completed (RFC 6525 §5.1.2: SSNs restart at 0 on success). */
  resetDone(id: number, performed: boolean): void {
    const s = this.stream(id);
    s.resetMarks.shift();
    if (performed) s.nextSsn = s.nextMidOrdered = s.nextMidUnordered = 0;
    this.updatePause(s);
    this.schedule(s);
  }

  hasData(): boolean {
    return this.current !== undefined || this.ring.length > this.ringHead;
  }

  private consumed(s: OutStream, bytes: number): void {
    const before = s.bufferedAmount;
    s.bufferedAmount -= bytes;
    const totalBefore = this.totalBuffered;
    this.totalBuffered -= bytes;
    if (before > s.lowThreshold && s.bufferedAmount <= s.lowThreshold) this.lowEvents.push(s.id);
    if (totalBefore > this.totalLowThreshold && this.totalBuffered <= this.totalLowThreshold) this.totalLowEvent = true;
  }

  /**
   * The message of the next fragment of at most `maxPayload` bytes (the fragment itself is left
   * in fragmentPayload / fragmentFlags), or undefined. Messages whose lifetime
   * ran out before their first fragment are dropped here (RFC 3758 §3.5 A3).
   */
  next(maxPayload: number, now: number): OutMessage | undefined {
    if (this.interleave) return this.nextInterleaved(maxPayload, now);
    let m = this.current;
    while (!m) {
      const s = this.popScheduled();
      if (s === undefined) return undefined;
      if (s.paused || s.head >= s.queue.length) continue;
      const cand = this.take(s, now);
      this.schedule(s); // back of the ring for its next message
      if (cand === undefined) continue;
      cand.ssn = s.nextSsn;
      if (!cand.unordered) s.nextSsn = (s.nextSsn + 1) & 0xffff;
      m = cand;
    }
    const len = Math.min(maxPayload, m.data.length - m.offset);
    const flags = (m.unordered ? 4 : 0) | (m.offset === 0 ? 2 : 0) | (m.offset + len === m.data.length ? 1 : 0);
    this.fragmentPayload = m.data.subarray(m.offset, m.offset + len);
    this.fragmentFlags = flags;
    m.offset += len;
    this.consumed(this.streams[m.streamId]!, len);
    this.current = m.offset === m.data.length ? undefined : m;
    return m;
  }

  /** Pops the stream at the head of the round-robin ring (undefined when it is empty). */
  private popScheduled(): OutStream | undefined {
    if (this.ringHead >= this.ring.length) {
      if (this.ringHead !== 0) {
        this.ring.length = 0;
        this.ringHead = 0;
      }
      return undefined;
    }
    if (this.ringHead > 1024 && this.ringHead * 2 > this.ring.length) {
      this.ring.splice(0, this.ringHead);
      this.ringHead = 0;
    }
    const s = this.streams[this.ring[this.ringHead++]]!;
    s.scheduled = false;
    return s;
  }

  /** Takes the next message of stream `s` (undefined if none or expired), as next() does. */
  private take(s: OutStream, now: number): OutMessage | undefined {
    const cand = s.queue[s.head];
    s.queue[s.head++] = undefined as unknown as OutMessage;
    s.dequeued++;
    if (s.head > 64 && s.head * 2 > s.queue.length) {
      s.queue.splice(0, s.head);
      s.head = 0;
    }
    if (s.resetMarks.length) this.updatePause(s);
    if (cand.expiresAt !== undefined && cand.expiresAt <= now) {
      cand.abandoned = true;
      this.consumed(s, cand.data.length);
      return undefined;
    }
    return cand;
  }

  /** next() with I-DATA: one fragment from the next stream in the ring. */
  private nextInterleaved(maxPayload: number, now: number): OutMessage | undefined {
    for (;;) {
      const s = this.popScheduled();
      if (s === undefined) return undefined;
      let m = s.current;
      if (!m) {
        if (s.paused || s.head >= s.queue.length) continue;
        m = this.take(s, now);
        if (!m) {
          this.schedule(s);
          continue;
        }
        m.ssn = s.nextSsn;
        if (m.unordered) m.mid = s.nextMidUnordered++ >>> 0;
        else m.mid = s.nextMidOrdered++ >>> 0;
        m.nextFsn = 0;
        s.current = m;
      }
      const len = Math.min(maxPayload, m.data.length - m.offset);
      this.fragmentFlags = (m.unordered ? 4 : 0) | (m.offset === 0 ? 2 : 0) | (m.offset + len === m.data.length ? 1 : 0);
      this.fragmentFsn = m.nextFsn!;
      m.nextFsn!++;
      this.fragmentPayload = m.data.subarray(m.offset, m.offset + len);
      m.offset += len;
      this.consumed(s, len);
      if (m.offset === m.data.length) s.current = undefined;
      this.schedule(s);
      return m;
    }
  }

  /**
   * Bytes of the next fragment-to-be if unlimited: the rest of the message in progress, or the
   * size of the next scheduled message (0 when nothing is queued). Lets the packet builder
   * avoid splitting a small message across packets.
   */
  peekRemaining(): number {
    if (this.current) return this.current.data.length - this.current.offset;
    for (let i = this.ringHead; i < this.ring.length; i++) {
      const s = this.streams[this.ring[i]]!;
      if (s.current) return s.current.data.length - s.current.offset;
      if (!s.paused && s.head < s.queue.length) return s.queue[s.head].data.length;
    }
    return 0;
  }

  /**
   * PR-SCTP: stop sending the rest of an abandoned message. Returns true when some of it had
   * been sent and some not (the receiver holds a message without its end).
   */
  discardRest(m: OutMessage): boolean {
    m.abandoned = true;
    const rest = m.data.length - m.offset;
    if (this.current === m) this.current = undefined;
    const st = this.streams[m.streamId];
    if (st && st.current === m) st.current = undefined;
    if (rest <= 0) return false;
    const partial = m.offset > 0;
    m.offset = m.data.length;
    this.consumed(this.stream(m.streamId), rest);
    return partial;
  }
}
