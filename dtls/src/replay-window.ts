/**
 * Anti-replay sliding window of 64 records (RFC 6347 §4.1.2.6, after RFC 4303 §3.4.3).
 *
 * `check` before authenticating a record, `accept` only after it authenticated, so that a
 * forged record cannot move the window. The bitmap is two 32-bit words: bit i of the window
 * says that sequence number `latest - i` has been received.
 */
export const REPLAY_WINDOW_SIZE = 64;

export class ReplayWindow {
  /** Highest accepted sequence number, or -1 before the first record. */
  private latest = -1;
  /** Bits 0..31 of the window (0 = `latest`). */
  private low = 0;
  /** Bits 32..63. */
  private high = 0;

  /** False when `seq` is a duplicate or too old to tell. */
  check(seq: number): boolean {
    if (seq > this.latest) return true;
    const diff = this.latest - seq;
    if (diff >= REPLAY_WINDOW_SIZE) return false;
    return diff < 32 ? ((this.low >>> diff) & 1) === 0 : ((this.high >>> (diff - 32)) & 1) === 0;
  }

  /** Mark `seq` received (call after the record authenticated and `check` said true). */
  accept(seq: number): void {
    if (seq > this.latest) {
      const shift = this.latest < 0 ? REPLAY_WINDOW_SIZE : seq - this.latest;
      this.shiftBy(shift);
      this.latest = seq;
      this.low |= 1;
      return;
    }
    const diff = this.latest - seq;
    if (diff < 32) this.low |= 1 << diff;
    else if (diff < REPLAY_WINDOW_SIZE) this.high |= 1 << (diff - 32);
  }

  private shiftBy(n: number): void {
    if (n >= REPLAY_WINDOW_SIZE) {
      this.low = 0;
      this.high = 0;
    } else if (n >= 32) {
      this.high = n === 32 ? this.low : this.low << (n - 32);
      this.low = 0;
    } else if (n > 0) {
      this.high = (this.high << n) | (this.low >>> (32 - n));
      this.low = this.low << n;
    }
  }

  /** Highest accepted sequence number (-1 if none). */
  get highest(): number {
    return this.latest;
  }
}
