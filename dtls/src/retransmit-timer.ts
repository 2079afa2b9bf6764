/**
 * The flight retransmission timer (RFC 6347 §4.2.4.1): starts at `initial` for each new
 * flight and doubles at every expiry up to `max`. With the 100 ms default a lost packet at
 * setup costs 100 ms, not the 1 s the RFC suggests (RFC 6347 §4.2.4.1 allows shorter).
 */
export class RetransmitTimer {
  private timeout: number;
  /** Absolute deadline on the caller's clock, or undefined when stopped. */
  deadline: number | undefined;
  /** Expiries since the timer was (re)started for the current flight. */
  expiries = 0;

  constructor(
    private readonly initial: number,
    private readonly max: number,
  ) {
    this.timeout = initial;
  }

  /** A new flight went out: restart from the initial timeout. */
  start(now: number): void {
    this.timeout = this.initial;
    this.expiries = 0;
    this.deadline = now + this.timeout;
  }

  stop(): void {
    this.deadline = undefined;
  }

  /** True when the timer has expired at `now`. */
  expired(now: number): boolean {
    return this.deadline !== undefined && now >= this.deadline;
  }

  /** After an expiry: double the timeout (capped) and re-arm. */
  backoff(now: number): void {
    this.expiries++;
    this.timeout = Math.min(this.timeout * 2, this.max);
    this.deadline = now + this.timeout;
  }

  /** The timeout currently armed (ms). */
  get currentTimeout(): number {
    return this.timeout;
  }
}
