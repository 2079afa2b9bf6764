/**
 * Reassembly and delivery (RFC 9260 §6.5, §6.6, §6.9). Fragments of one message carry
 * consecutive TSNs (no I-DATA interleaving), so partial messages are TSN runs kept by their
 * first and last TSN and merged when a neighbour arrives: O(1) per fragment in order.
 * Complete ordered messages wait per stream for their SSN; unordered ones go out at once.
 * Every byte held is counted against a cap (payload plus a per-fragment overhead).
 */
import { ssnLess } from '../serial.js';
import { copyBytes } from '../byte-pool.js';

export interface DeliveredMessage {
  type: 'message';
  streamId: number;
  ppid: number;
  data: Uint8Array;
}

interface Run {
  first: number;
  last: number;
  streamId: number;
  ssn: number;
  unordered: boolean;
  ppid: number;
  hasB: boolean;
  hasE: boolean;
  /** the message so far, when the run starts with the B fragment (grown by INITIAL_GROWTH×) */
  buf: Uint8Array;
  /** fragment copies, when the run does not start with B (arrived out of order) */
  fragments: Uint8Array[] | undefined;
  bytes: number;
  cost: number;
}

interface InStream {
  nextSsn: number;
  /** size of the last reassembled message (the initial buffer size for the next one) */
  lastSize: number;
  /** complete ordered messages waiting for their turn, by SSN */
  waiting: Map<number, { ppid: number; data: Uint8Array }>;
}

/** Accounting overhead per held fragment, so that tiny fragments cannot exhaust memory. */
export const FRAGMENT_OVERHEAD = 64;

/** A run that starts a message reserves this many times its first fragment, then grows ×4. */
const INITIAL_GROWTH = 16;

export type AddResult = 'ok' | 'full' | 'too-large';

export class Reassembly {
  /** every partial run by its first TSN */
  private byFirst = new Map<number, Run>();
  /** partial runs by their last TSN, except the tail */
  private byLast = new Map<number, Run>();
  /**
   * The run that grew last (kept out of byLast): in-order fragments extend it with no Map
   * operation at all, the common case of a message arriving in order.
   */
  private tail: Run | undefined;
  private streams: (InStream | undefined)[] = [];
  /** bytes held (partial runs + waiting ordered messages, with overhead) */
  bufferedBytes = 0;
  /**
   * The cap for the chunk being added: capBytes, or twice that for the chunk with the next
   * expected TSN, which must get in or the association could stall with a buffer full of later
   * data (the peer retransmits the rest; each becomes the next expected TSN in turn).
   */
  private limit = 0;
  /**
   * Subtracted from every TSN before it becomes a Map key: keys then stay small integers (V8
   * Smis) instead of heap numbers, which makes the per-fragment lookups cheap. Set to the
   * peer's initial TSN; any value is correct.
   */
  tsnBase = 0;

  constructor(
    /** where complete messages go (the association's event queue) */
    private readonly out: { push(m: DeliveredMessage): unknown },
    /** cap on bufferedBytes */
    readonly capBytes: number,
    /** largest message accepted (RFC 8841 max-message-size we announced) */
    readonly maxMessageSize: number,
  ) {}

  private stream(id: number): InStream {
    let s = this.streams[id];
    if (!s) this.streams[id] = s = { nextSsn: 0, lastSize: 0, waiting: new Map() };
    return s;
  }

  /** Adds one DATA chunk's payload (a view: copied if kept). `tsn` is unwrapped. */
  add(unwrappedTsn: number, streamId: number, ssn: number, ppid: number, flags: number, payload: Uint8Array, nextExpected = false): AddResult {
    this.limit = nextExpected ? 2 * this.capBytes : this.capBytes;
    const tsn = unwrappedTsn - this.tsnBase;
    const unordered = (flags & 4) !== 0;
    const B = (flags & 2) !== 0;
    const E = (flags & 1) !== 0;
    const n = payload.length;
    if (B && E) {
      if (n > this.maxMessageSize) return 'too-large';
      if (unordered) {
        this.out.push({ type: 'message', streamId, ppid, data: copyBytes(payload) });
        return 'ok';
      }
      return this.ordered(streamId, ssn, ppid, payload, true);
    }
    const t = this.tail;
    const left = B ? undefined : t !== undefined && t.last === tsn - 1 ? t : this.byLast.get(tsn - 1);
    if (left && !left.hasE && left.streamId === streamId && left.unordered === unordered && (unordered || left.ssn === ssn)) {
      // the common case: the next fragment of a message in progress
      if (left.bytes + n > this.maxMessageSize) return 'too-large';
      if (!this.append(left, payload)) return 'full';
      if (left !== t) this.byLast.delete(left.last);
      left.last = tsn;
      left.hasE = E;
      return this.settle(left, E);
    }
    // a new run: growable buffer when it starts a message (sized like the stream's previous
    // message, so a stream of equal-sized messages allocates once each), else a fragment list
    const last = this.streams[streamId]?.lastSize ?? 0;
    const guess = this.bufferedBytes + last <= this.capBytes / 2 ? last : 0; // only with room to spare
    // (exactly that size when it holds this fragment: the delivered message is a view of this
    // buffer, and 16× a 16 KiB fragment of a PLPMTUD-sized packet would be 256 KiB per message)
    const cap = B ? Math.min(this.maxMessageSize, guess >= n ? guess : Math.max(n * INITIAL_GROWTH, 64)) : n;
    const cost = cap + FRAGMENT_OVERHEAD;
    if (this.bufferedBytes + cost > this.limit) return 'full';
    this.bufferedBytes += cost;
    const buf = new Uint8Array(cap);
    buf.set(payload);
    const run: Run = { first: tsn, last: tsn, streamId, ssn, unordered, ppid, hasB: B, hasE: E, buf, fragments: B ? undefined : [buf], bytes: n, cost };
    this.byFirst.set(tsn, run);
    return this.settle(run, E);
  }

  /** Appends a copy of `payload` to `run`, growing its buffer; false when over the cap. */
  private append(run: Run, payload: Uint8Array): boolean {
    const n = payload.length;
    if (run.fragments) {
      const cost = n + FRAGMENT_OVERHEAD;
      if (this.bufferedBytes + cost > this.limit) return false;
      run.fragments.push(payload.slice());
      run.bytes += n;
      run.cost += cost;
      this.bufferedBytes += cost;
      return true;
    }
    if (run.bytes + n > run.buf.length) {
      const cap = Math.min(this.maxMessageSize, Math.max(run.bytes + n, run.buf.length * 4));
      const grow = cap - run.buf.length;
      if (this.bufferedBytes + grow > this.limit) return false;
      const buf = new Uint8Array(cap);
      buf.set(run.buf.subarray(0, run.bytes));
      run.buf = buf;
      run.cost += grow;
      this.bufferedBytes += grow;
    }
    run.buf.set(payload, run.bytes);
    run.bytes += n;
    return true;
  }

  /**
   * After `run` grew at its end: merge with the run that follows (a fragment arrived out of
   * order), deliver when complete, else index by last TSN.
   */
  private settle(run: Run, E: boolean): AddResult {
    if (!E && this.byFirst.size > 1) {
      const right = this.byFirst.get(run.last + 1);
      if (right && !right.hasB && this.sameMessage(run, right)) {
        if (run.bytes + right.bytes > this.maxMessageSize) return 'too-large';
        this.byFirst.delete(right.first);
        if (right === this.tail) this.tail = undefined;
        else this.byLast.delete(right.last);
        this.bufferedBytes -= right.cost;
        // the bytes only move between runs, and were acknowledged: the cap does not apply
        this.limit = Infinity;
        for (const f of right.fragments!) this.append(run, f);
        run.last = right.last;
        run.hasE = right.hasE;
      }
    }
    if (run.hasB && run.hasE) {
      this.stream(run.streamId).lastSize = run.bytes;
      this.byFirst.delete(run.first);
      if (run === this.tail) this.tail = undefined;
      this.bufferedBytes -= run.cost;
      const data = run.fragments ? concat(run.fragments, run.bytes) : run.buf.subarray(0, run.bytes);
      if (run.unordered) {
        this.out.push({ type: 'message', streamId: run.streamId, ppid: run.ppid, data });
        return 'ok';
      }
      return this.ordered(run.streamId, run.ssn, run.ppid, data, false);
    }
    if (run !== this.tail) {
      if (this.tail !== undefined) this.byLast.set(this.tail.last, this.tail);
      this.tail = run;
    }
    return 'ok';
  }

  private sameMessage(a: Run, b: Run): boolean {
    return a.streamId === b.streamId && a.unordered === b.unordered && (a.unordered || a.ssn === b.ssn);
  }

  private ordered(streamId: number, ssn: number, ppid: number, data: Uint8Array, isView: boolean): AddResult {
    const s = this.stream(streamId);
    if (ssn === s.nextSsn) {
      this.out.push({ type: 'message', streamId, ppid, data: isView ? copyBytes(data) : data });
      s.nextSsn = (s.nextSsn + 1) & 0xffff;
      this.drain(streamId, s);
      return 'ok';
    }
    if (!ssnLess(s.nextSsn, ssn) || s.waiting.has(ssn)) return 'ok'; // an old SSN: already delivered
    const cost = data.length + FRAGMENT_OVERHEAD;
    // a message completed from acknowledged fragments must be kept (its run's bytes were freed)
    if (isView && this.bufferedBytes + cost > this.limit) return 'full';
    this.bufferedBytes += cost;
    s.waiting.set(ssn, { ppid, data: isView ? copyBytes(data) : data });
    return 'ok';
  }

  private drain(streamId: number, s: InStream): void {
    if (s.waiting.size === 0) return;
    for (let m = s.waiting.get(s.nextSsn); m; m = s.waiting.get(s.nextSsn)) {
      s.waiting.delete(s.nextSsn);
      this.bufferedBytes -= m.data.length + FRAGMENT_OVERHEAD;
      this.out.push({ type: 'message', streamId, ppid: m.ppid, data: m.data });
      s.nextSsn = (s.nextSsn + 1) & 0xffff;
    }
  }

  /**
   * FORWARD-TSN (RFC 3758 §3.6): drop partial messages at or below the new cumulative TSN and
   * move each listed ordered stream past the skipped SSN, delivering what then becomes due.
   */
  forward(unwrappedCumulativeTsn: number, streams: Array<{ streamId: number; ssn: number }>): void {
    const newCumulativeTsn = unwrappedCumulativeTsn - this.tsnBase;
    if (this.byFirst.size) {
      for (const run of [...this.byFirst.values()]) {
        if (run.first <= newCumulativeTsn) {
          this.byFirst.delete(run.first);
          if (run === this.tail) this.tail = undefined;
          else this.byLast.delete(run.last);
          this.bufferedBytes -= run.cost;
        }
      }
    }
    for (const { streamId, ssn } of streams) {
      const s = this.stream(streamId);
      if (!ssnLess(ssn, s.nextSsn)) {
        // §3.6: complete messages held up to the skipped SSN are delivered, in SSN order
        const due: number[] = [];
        for (const k of s.waiting.keys()) if (!ssnLess(ssn, k)) due.push(k);
        const base = s.nextSsn;
        due.sort((x, y) => ((x - base) & 0xffff) - ((y - base) & 0xffff));
        for (const k of due) {
          const m = s.waiting.get(k)!;
          s.waiting.delete(k);
          this.bufferedBytes -= m.data.length + FRAGMENT_OVERHEAD;
          this.out.push({ type: 'message', streamId, ppid: m.ppid, data: m.data });
        }
        s.nextSsn = (ssn + 1) & 0xffff;
        this.drain(streamId, s);
      }
    }
  }

  /** RFC 6525 §5.2.2: the peer's outgoing streams were reset: expect SSN 0 again. */
  resetStreams(streamIds: number[]): void {
    const reset = (id: number) => {
      const s = this.streams[id];
      if (!s) return;
      for (const m of s.waiting.values()) this.bufferedBytes -= m.data.length + FRAGMENT_OVERHEAD;
      s.waiting.clear();
      s.nextSsn = 0;
    };
    if (streamIds.length === 0) for (let id = 0; id < this.streams.length; id++) reset(id);
    else for (const id of streamIds) reset(id);
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
