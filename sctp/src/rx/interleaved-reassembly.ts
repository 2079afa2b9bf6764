/**
 * Reassembly for I-DATA (RFC 8260 §2.1): a message is identified by (stream, U flag, MID) and
 * its fragments by FSN, so fragments of many messages may arrive interleaved. Ordered messages
 * are delivered per stream in MID order (32-bit serial arithmetic). Bytes held are capped as
 * in ./reassembly.ts.
 */
import { copyBytes } from '../byte-pool.js';
import { FRAGMENT_OVERHEAD, type AddResult, type DeliveredMessage } from './reassembly.js';

interface Partial {
  ppid: number;
  hasB: boolean;
  /** FSN of the E fragment, or -1 */
  lastFsn: number;
  frags: Map<number, Uint8Array>;
  bytes: number;
  cost: number;
}

interface IStream {
  nextMid: number;
  partialOrdered: Map<number, Partial>;
  partialUnordered: Map<number, Partial>;
  waiting: Map<number, { ppid: number; data: Uint8Array }>;
  /**
   * Unordered MIDs the peer skipped (I-FORWARD-TSN): fragments of them may still arrive late
   * (sent before the sender gave up, with TSNs past the new cumulative TSN) and are dropped.
   * The most recent MAX_SKIPPED are kept.
   */
  skippedUnordered: Set<number>;
}

const MAX_SKIPPED = 1024;

/** a < b in 32-bit serial arithmetic (RFC 1982) */
export function midLess(a: number, b: number): boolean {
  return a !== b && ((b - a) >>> 0) < 0x80000000;
}

export class InterleavedReassembly {
  private streams: (IStream | undefined)[] = [];
  bufferedBytes = 0;
  /**
   * The cap for the chunk being added: capBytes, or twice that for the chunk with the next
   * expected TSN, which must get in or the association could stall with a buffer full of later
   * data (the peer retransmits the rest; each becomes the next expected TSN in turn).
   */
  private limit = 0;

  constructor(
    private readonly out: { push(m: DeliveredMessage): unknown },
    readonly capBytes: number,
    readonly maxMessageSize: number,
  ) {}

  private stream(id: number): IStream {
    let s = this.streams[id];
    if (!s) this.streams[id] = s = { nextMid: 0, partialOrdered: new Map(), partialUnordered: new Map(), waiting: new Map(), skippedUnordered: new Set() };
    return s;
  }

  add(streamId: number, unordered: boolean, mid: number, fsn: number, ppid: number, B: boolean, E: boolean, payload: Uint8Array, nextExpected = false): AddResult {
    this.limit = nextExpected ? 2 * this.capBytes : this.capBytes;
    const s = this.stream(streamId);
    if (unordered ? s.skippedUnordered.has(mid) : midLess(mid, s.nextMid)) return 'ok'; // already delivered or skipped
    if (B && E) {
      if (payload.length > this.maxMessageSize) return 'too-large';
      return this.complete(streamId, s, unordered, mid, ppid, copyBytes(payload));
    }
    const parts = unordered ? s.partialUnordered : s.partialOrdered;
    let p = parts.get(mid);
    const cost = payload.length + FRAGMENT_OVERHEAD;
    if (this.bufferedBytes + cost > this.limit) return 'full';
    if (!p) {
      p = { ppid: 0, hasB: false, lastFsn: -1, frags: new Map(), bytes: 0, cost: 0 };
      parts.set(mid, p);
    }
    if (p.frags.has(fsn)) return 'ok'; // duplicate fragment under a new TSN: ignore
    if (p.bytes + payload.length > this.maxMessageSize) return 'too-large';
    p.frags.set(fsn, payload.slice());
    p.bytes += payload.length;
    p.cost += cost;
    this.bufferedBytes += cost;
    if (B) {
      p.hasB = true;
      p.ppid = ppid;
    }
    if (E) p.lastFsn = fsn;
    if (p.hasB && p.lastFsn >= 0 && p.frags.size === p.lastFsn + 1) {
      parts.delete(mid);
      this.bufferedBytes -= p.cost;
      const data = new Uint8Array(p.bytes);
      let o = 0;
      for (let f = 0; f <= p.lastFsn; f++) {
        const frag = p.frags.get(f);
        if (!frag) return 'ok'; // FSNs beyond the E fragment: malformed, dropped
        data.set(frag, o);
        o += frag.length;
      }
      return this.complete(streamId, s, unordered, mid, p.ppid, data, true);
    }
    return 'ok';
  }

  /** `acked`: completed from fragments already acknowledged, so it must be kept whatever the cap. */
  private complete(streamId: number, s: IStream, unordered: boolean, mid: number, ppid: number, data: Uint8Array, acked = false): AddResult {
    if (unordered) {
      this.out.push({ type: 'message', streamId, ppid, data });
      return 'ok';
    }
    if (mid === s.nextMid) {
      this.out.push({ type: 'message', streamId, ppid, data });
      s.nextMid = (s.nextMid + 1) >>> 0;
      this.drain(streamId, s);
      return 'ok';
    }
    if (s.waiting.has(mid)) return 'ok';
    const cost = data.length + FRAGMENT_OVERHEAD;
    if (!acked && this.bufferedBytes + cost > this.limit) return 'full';
    this.bufferedBytes += cost;
    s.waiting.set(mid, { ppid, data });
    return 'ok';
  }

  private drain(streamId: number, s: IStream): void {
    for (let m = s.waiting.get(s.nextMid); m; m = s.waiting.get(s.nextMid)) {
      s.waiting.delete(s.nextMid);
      this.bufferedBytes -= m.data.length + FRAGMENT_OVERHEAD;
      this.out.push({ type: 'message', streamId, ppid: m.ppid, data: m.data });
      s.nextMid = (s.nextMid + 1) >>> 0;
    }
  }

  /** I-FORWARD-TSN (RFC 8260 §2.3.1): drop messages up to each MID; ordered streams move past it. */
  forward(entries: Array<{ streamId: number; unordered: boolean; mid: number }>): void {
    for (const { streamId, unordered, mid } of entries) {
      const s = this.stream(streamId);
      if (unordered) {
        // an unordered entry names exactly one skipped message
        const p = s.partialUnordered.get(mid);
        if (p) {
          s.partialUnordered.delete(mid);
          this.bufferedBytes -= p.cost;
        }
        if (s.skippedUnordered.size >= MAX_SKIPPED) s.skippedUnordered.delete(s.skippedUnordered.values().next().value!);
        s.skippedUnordered.add(mid);
        continue;
      }
      for (const [k, p] of s.partialOrdered) {
        if (!midLess(mid, k)) {
          s.partialOrdered.delete(k);
          this.bufferedBytes -= p.cost;
        }
      }
      if (midLess(mid, s.nextMid)) continue;
      const due = [...s.waiting.keys()].filter((k) => !midLess(mid, k));
      const base = s.nextMid;
      due.sort((x, y) => ((x - base) >>> 0) - ((y - base) >>> 0));
      for (const k of due) {
        const m = s.waiting.get(k)!;
        s.waiting.delete(k);
        this.bufferedBytes -= m.data.length + FRAGMENT_OVERHEAD;
        this.out.push({ type: 'message', streamId, ppid: m.ppid, data: m.data });
      }
      s.nextMid = (mid + 1) >>> 0;
      this.drain(streamId, s);
    }
  }

  /** The peer reset its outgoing streams: MIDs restart at 0 (RFC 8260 §2.3.2). */
  resetStreams(streamIds: number[]): void {
    const reset = (id: number) => {
      const s = this.streams[id];
      if (!s) return;
      for (const p of s.partialOrdered.values()) this.bufferedBytes -= p.cost;
      for (const p of s.partialUnordered.values()) this.bufferedBytes -= p.cost;
      for (const m of s.waiting.values()) this.bufferedBytes -= m.data.length + FRAGMENT_OVERHEAD;
      this.streams[id] = undefined;
    };
    if (streamIds.length === 0) for (let id = 0; id < this.streams.length; id++) reset(id);
    else for (const id of streamIds) reset(id);
  }
}
