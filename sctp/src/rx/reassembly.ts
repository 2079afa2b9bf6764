/**
 * Reassembly and delivery (RFC 9260 §6.5, §6.6, §6.9). Fragments of one message carry
 * consecutive TSNs (no I-DATA interleaving), so partial messages are TSN runs kept by their
 * first and last TSN and merged when a neighbour arrives: O(1) per fragment in order.
 * Complete ordered messages wait per stream for their SSN; unordered ones go out at once.
 * Every byte held is counted against a cap (payload plus a per-fragment overhead).
 */
import { ssnLess } from '../serial.js';

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
  fragments: Uint8Array[];
  bytes: number;
  cost: number;
}

interface InStream {
  nextSsn: number;
  /** complete ordered messages waiting for their turn, by SSN */
  waiting: Map<number, { ppid: number; data: Uint8Array }>;
}

/** Accounting overhead per held fragment, so that tiny fragments cannot exhaust memory. */
export const FRAGMENT_OVERHEAD = 64;

export type AddResult = 'ok' | 'full' | 'too-large';

export class Reassembly {
  private byFirst = new Map<number, Run>();
  private byLast = new Map<number, Run>();
  private streams: (InStream | undefined)[] = [];
  /** bytes held (partial runs + waiting ordered messages, with overhead) */
  bufferedBytes = 0;

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
    if (!s) this.streams[id] = s = { nextSsn: 0, waiting: new Map() };
    return s;
  }

  /** Adds one DATA chunk's payload (a view: copied if kept). `tsn` is unwrapped. */
  add(tsn: number, streamId: number, ssn: number, ppid: number, flags: number, payload: Uint8Array): AddResult {
    const unordered = (flags & 4) !== 0;
    const B = (flags & 2) !== 0;
    const E = (flags & 1) !== 0;
    if (B && E) {
      if (payload.length > this.maxMessageSize) return 'too-large';
      if (unordered) {
        this.out.push({ type: 'message', streamId, ppid, data: payload.slice() });
        return 'ok';
      }
      return this.ordered(streamId, ssn, ppid, payload, true);
    }
    const cost = payload.length + FRAGMENT_OVERHEAD;
    if (this.bufferedBytes + cost > this.capBytes) return 'full';
    let run: Run = {
      first: tsn,
      last: tsn,
      streamId,
      ssn,
      unordered,
      ppid,
      hasB: B,
      hasE: E,
      fragments: [payload.slice()],
      bytes: payload.length,
      cost,
    };
    this.bufferedBytes += cost;
    if (!B) {
      const left = this.byLast.get(tsn - 1);
      if (left && !left.hasE && this.sameMessage(left, run)) {
        this.byLast.delete(left.last);
        this.byFirst.delete(left.first);
        left.fragments.push(run.fragments[0]);
        left.last = tsn;
        left.hasE = E;
        left.bytes += run.bytes;
        left.cost += run.cost;
        run = left;
      }
    }
    if (!E) {
      const right = this.byFirst.get(tsn + 1);
      if (right && !right.hasB && this.sameMessage(run, right)) {
        this.byLast.delete(right.last);
        this.byFirst.delete(right.first);
        for (const f of right.fragments) run.fragments.push(f);
        run.last = right.last;
        run.hasE = right.hasE;
        run.bytes += right.bytes;
        run.cost += right.cost;
      }
    }
    if (run.bytes > this.maxMessageSize) return 'too-large';
    if (run.hasB && run.hasE) {
      this.bufferedBytes -= run.cost;
      const data = concat(run.fragments, run.bytes);
      if (run.unordered) {
        this.out.push({ type: 'message', streamId: run.streamId, ppid: run.ppid, data });
        return 'ok';
      }
      return this.ordered(run.streamId, run.ssn, run.ppid, data, false);
    }
    this.byFirst.set(run.first, run);
    this.byLast.set(run.last, run);
    return 'ok';
  }

  private sameMessage(a: Run, b: Run): boolean {
    return a.streamId === b.streamId && a.unordered === b.unordered && (a.unordered || a.ssn === b.ssn);
  }

  private ordered(streamId: number, ssn: number, ppid: number, data: Uint8Array, isView: boolean): AddResult {
    const s = this.stream(streamId);
    if (ssn === s.nextSsn) {
      this.out.push({ type: 'message', streamId, ppid, data: isView ? data.slice() : data });
      s.nextSsn = (s.nextSsn + 1) & 0xffff;
      this.drain(streamId, s);
      return 'ok';
    }
    if (!ssnLess(s.nextSsn, ssn) || s.waiting.has(ssn)) return 'ok'; // an old SSN: already delivered
    const cost = data.length + FRAGMENT_OVERHEAD;
    if (this.bufferedBytes + cost > this.capBytes) return 'full';
    this.bufferedBytes += cost;
    s.waiting.set(ssn, { ppid, data: isView ? data.slice() : data });
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
  forward(newCumulativeTsn: number, streams: Array<{ streamId: number; ssn: number }>): void {
    if (this.byFirst.size) {
      for (const run of [...this.byFirst.values()]) {
        if (run.first <= newCumulativeTsn) {
          this.byFirst.delete(run.first);
          this.byLast.delete(run.last);
          this.bufferedBytes -= run.cost;
        }
      }
    }
    for (const { streamId, ssn } of streams) {
      const s = this.stream(streamId);
      if (!ssnLess(ssn, s.nextSsn)) {
        for (const [k, m] of s.waiting) {
          if (!ssnLess(ssn, k)) {
            s.waiting.delete(k);
            this.bufferedBytes -= m.data.length + FRAGMENT_OVERHEAD;
          }
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
