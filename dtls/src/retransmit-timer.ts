/**
 * The flight retransmission timer (RFC 6347 §4.2.4.1): each new flight starts at the base
 * timeout and doubles at every expiry up to `max`. The base starts at `initial` (100 ms by
 * default: a lost packet at setup costs 100 ms, not the 1 s the RFC suggests) and adapts to
 * the round trip: after a flight answered without retransmission (Karn's rule), base =
 * clamp(2 × RTT, min, max).
 */
export class RetransmitTimer {
  private timeout: number;
  private base: number;
  /** Absolute deadline on the caller's clock, or undefined when stopped. */
  deadline: number | undefined;
  /** Expiries since the timer was (re)started for the current flight. */
  expiries = 0;

  constructor(
    initial: number,
    private readonly max: number,
    private readonly min: number,
  ) {
    this.base = initial;
    this.timeout = initial;
  }

  /** A round-trip sample from a flight that was sent once and answered. */
  sample(rtt: number): void {
    this.base = Math.min(this.max, Math.max(this.min, 2 * rtt));
  }

  /** The timeout a new flight starts with. */
  get baseTimeout(): number {
    return this.base;
  }

  /** A new flight went out: restart from the base timeout. */
  start(now: number): void {
    this.timeout = this.base;
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
