/**
 * What the receiver knows about incoming TSNs, for SACKs (RFC 9260 §6.2, §6.7): the cumulative
 * TSN, the received TSNs above it as disjoint ranges (gap ack blocks), and duplicates seen since
 * the last SACK. TSNs are unwrapped (see ../serial.ts).
 */
import { unwrap32 } from '../serial.js';

export class DataTracker {
  /** highest TSN received in sequence (unwrapped) */
  cumulativeTsn: number;
  /** sorted disjoint ranges above cumulativeTsn + 1: starts[i]..ends[i] (unwrapped, inclusive) */
  private starts: number[] = [];
  private ends: number[] = [];
  /** duplicate TSNs (wire values) to report in the next SACK */
  readonly duplicates: number[] = [];

  constructor(
    peerInitialTsn: number,
    /** cap on gap ranges kept: a TSN that would open one more is refused (not acked) */
    readonly maxGapRanges = 256,
    /** cap on how far above the cumulative TSN a TSN is accepted */
    readonly maxTsnDistance = 1 << 20,
    readonly maxDuplicates = 32,
  ) {
    this.cumulativeTsn = peerInitialTsn - 1;
  }

  /** Unwraps a wire TSN relative to the cumulative TSN. */
  unwrap(tsn: number): number {
    return unwrap32(tsn, this.cumulativeTsn);
  }

  /** True when the unwrapped TSN has been received already. */
  isDuplicate(t: number): boolean {
    if (t <= this.cumulativeTsn) return true;
    const s = this.starts;
    for (let i = s.length - 1; i >= 0; i--) {
      if (t >= s[i]) return t <= this.ends[i];
    }
    return false;
  }

  /** Notes a duplicate to report (RFC 9260 §6.2: report each duplicate, bounded). */
  noteDuplicate(wireTsn: number): void {
    if (this.duplicates.length < this.maxDuplicates) this.duplicates.push(wireTsn);
  }

  /** Whether a new (non-duplicate) TSN can be recorded without exceeding the caps. */
  canAccept(t: number): boolean {
    if (t - this.cumulativeTsn > this.maxTsnDistance) return false;
    if (t === this.cumulativeTsn + 1 || this.starts.length < this.maxGapRanges) return true;
    // at the cap: accept only TSNs adjacent to an existing range
    const s = this.starts;
    for (let i = 0; i < s.length; i++) if (t === s[i] - 1 || t === this.ends[i] + 1) return true;
    return false;
  }

  /** Records a new TSN (caller checked isDuplicate and canAccept). */
  add(t: number): void {
    const s = this.starts;
    const e = this.ends;
    if (t === this.cumulativeTsn + 1) {
      this.cumulativeTsn = t;
      if (s.length && s[0] === t + 1) {
        this.cumulativeTsn = e[0];
        s.shift();
        e.shift();
      }
      return;
    }
    // find the last range starting at or below t (ranges are few; scan from the end, the usual place)
    let i = s.length - 1;
    while (i >= 0 && s[i] > t) i--;
    if (i >= 0 && t === e[i] + 1) {
      e[i] = t;
      if (i + 1 < s.length && s[i + 1] === t + 1) {
        e[i] = e[i + 1];
        s.splice(i + 1, 1);
        e.splice(i + 1, 1);
      }
    } else if (i + 1 < s.length && s[i + 1] === t + 1) {
      s[i + 1] = t;
    } else {
      s.splice(i + 1, 0, t);
      e.splice(i + 1, 0, t);
    }
  }

  /** FORWARD-TSN (RFC 3758 §3.6): treat everything up to `t` as received. */
  forwardTo(t: number): void {
    if (t <= this.cumulativeTsn) return;
    this.cumulativeTsn = t;
    const s = this.starts;
    const e = this.ends;
    while (s.length && s[0] <= this.cumulativeTsn + 1) {
      if (e[0] > this.cumulativeTsn) this.cumulativeTsn = e[0];
      s.shift();
      e.shift();
    }
  }

  get hasGaps(): boolean {
    return this.starts.length > 0;
  }

  get gapCount(): number {
    return this.starts.length;
  }

  /**
   * Writes gap ack block offsets (start, end relative to the cumulative TSN) into `out` as
   * flat pairs; returns how many. Offsets are 16-bit: blocks beyond 65535 are left out.
   */
  gapBlocks(out: Uint16Array | number[], max: number): number {
    const base = this.cumulativeTsn;
    let n = 0;
    for (let i = 0; i < this.starts.length && n < max; i++) {
      const so = this.starts[i] - base;
      const eo = this.ends[i] - base;
      if (eo > 0xffff) break;
      out[2 * n] = so;
      out[2 * n + 1] = eo;
      n++;
    }
    return n;
  }
}
