/**
 * Datagram Packetization Layer Path MTU Discovery (RFC 8899) as SCTP uses it (RFC 8899 §6.2,
 * asked of SCTP over DTLS by RFC 8261 §5): a sans-IO state machine that decides which probe size
 * to send and when, and what the PLPMTU is. The association builds the probe packets (HEARTBEAT
 * + PAD, RFC 8899 §6.2.1.1 / RFC 4820) and reports their HEARTBEAT-ACKs, timeouts and suspected
 * black holes. Sizes are SCTP packet sizes (common header included), multiples of 4.
 *
 * States (RFC 8899 §5.2): DISABLED (not enabled, or not started: the association starts the
 * search only once it has more data than one packet carries), BASE (confirming the base size),
 * SEARCHING, SEARCH_COMPLETE, ERROR (the base size was not confirmed).
 *
 * Search (RFC 8899 §5.3): the largest candidate (`max`, which the caller derived from the local
 * interface) first, since that is what loopback and LAN paths support; if it is not confirmed
 * after MAX_PROBES probes, a binary search between the largest confirmed and the smallest failed
 * size, down to a step of MIN_STEP bytes.
 */
export type PlpmtudState = 'disabled' | 'base' | 'searching' | 'search-complete' | 'error';

export interface PlpmtudSettings {
  /** BASE_PLPMTU (and MIN_PLPMTU): the size every path is assumed to carry */
  base: number;
  /** MAX_PLPMTU: the largest size to probe; at or below `base` disables the search */
  max: number;
  /** PROBE_TIMER, ms (RFC 8899 §5.1.1: at least 1 s) */
  probeTimer: number;
  /** MAX_PROBES (RFC 8899 §5.1.2: default 3) */
  maxProbes: number;
  /** PMTU_RAISE_TIMER, ms (RFC 8899 §5.1.1: 600 s) */
  raiseTimer: number;
}

/** a search ends once the bracket between confirmed and failed sizes is narrower than this */
const MIN_STEP = 32;

const align4 = (n: number): number => n & ~3;

export class Plpmtud {
  private _state: PlpmtudState = 'disabled';
  /** the PLPMTU: the largest confirmed size in use */
  private _pmtu: number;
  readonly base: number;
  readonly max: number;
  /** largest size confirmed in this search */
  private low: number;
  /** smallest size that failed in this search; max + 1 while max is untested */
  private high: number;
  /** after a suspected black hole: the PLPMTU it took away, probed first once the base is confirmed */
  private resume: number | undefined;
  /** size of the probe to send or in flight; undefined when none */
  private probe: number | undefined;
  /** the probe of `probe` bytes is in flight (sent, not yet acked or timed out) */
  private inFlight = false;
  private probeCount = 0;
  /** PROBE_TIMER while a probe is in flight, PMTU_RAISE_TIMER in SEARCH_COMPLETE / ERROR */
  private timer: number | undefined;
  probesSent = 0;
  probesAcked = 0;
  blackHoles = 0;

  constructor(private readonly s: PlpmtudSettings) {
    this.base = align4(s.base);
    this.max = Math.max(this.base, align4(s.max));
    this._pmtu = s.base;
    this.low = this.base;
    this.high = this.max + 1;
  }

  get state(): PlpmtudState {
    return this._state;
  }

  get pmtu(): number {
    return this._pmtu;
  }

  /** True when there is something to discover (max above base). */
  get enabled(): boolean {
    return this.max > this.base;
  }

  /** Starts the search (RFC 8899 §5.2: DISABLED → BASE): the base size is confirmed first. */
  start(now: number): void {
    if (this._state !== 'disabled' || !this.enabled) return;
    this.enterBase();
  }

  /** The size of a probe to send now, or undefined. The caller then calls probeSent(). */
  pendingProbe(): number | undefined {
    return this.inFlight ? undefined : this.probe;
  }

  probeSent(now: number): void {
    if (this.probe === undefined) return;
    this.inFlight = true;
    this.probeCount++;
    this.probesSent++;
    this.timer = now + this.s.probeTimer;
  }

  /** The HEARTBEAT-ACK of the probe of `size` bytes arrived: that size is confirmed. */
  probeAcked(size: number, now: number): void {
    if (size !== this.probe || !this.inFlight) return;
    this.probesAcked++;
    this.inFlight = false;
    this.probe = undefined;
    this.probeCount = 0;
    this.timer = undefined;
    if (this._state === 'base' || this._state === 'error') {
      this._state = 'searching';
      this.low = this.base;
      if (this.resume !== undefined && this.resume < this.high) {
        // after a black-hole fall back, the size in use before it first: a spurious detection
        // (an ordinary loss) gets it back in one round trip, without probing larger sizes again
        this.probe = this.resume;
        this.resume = undefined;
        return;
      }
      this.resume = undefined;
    } else {
      this.low = size;
      this._pmtu = size; // RFC 8899 §5.2: a confirmed probe raises the PLPMTU
    }
    this.nextCandidate(now);
  }

  /** The earliest deadline (PROBE_TIMER or PMTU_RAISE_TIMER), absolute ms. */
  deadline(): number | undefined {
    return this.timer;
  }

  handleTimeout(now: number): void {
    if (this.timer === undefined || now < this.timer) return;
    this.timer = undefined;
    if (this.inFlight) {
      // RFC 8899 §5.1.2: a probe unanswered for PROBE_TIMER is lost; MAX_PROBES losses fail its size
      this.inFlight = false;
      if (this.probeCount < this.s.maxProbes) return; // the same size again at the next opportunity
      const failed = this.probe!;
      this.probe = undefined;
      this.probeCount = 0;
      if (this._state === 'base' || this._state === 'error') {
        // RFC 8899 §5.2: the base size is not confirmed: ERROR, PLPMTU stays at the minimum
        this._state = 'error';
        this.timer = now + this.s.raiseTimer;
        return;
      }
      this.high = failed;
      this.nextCandidate(now);
      return;
    }
    // PMTU_RAISE_TIMER (RFC 8899 §5.2): search again for a larger PMTU
    if (this._state === 'error') this.enterBase();
    else if (this._state === 'search-complete') {
      this._state = 'searching';
      this.high = this.max + 1;
      this.nextCandidate(now);
    }
  }

  /**
   * Full-size packets are being lost repeatedly (RFC 8899 §4.3 black hole detection; for SCTP,
   * a T3-rtx expiry): back to the base size, confirm it, then probe the old size first. A
   * spurious detection (a congestion loss) costs two round trips of base-size packets; a real
   * black hole fails the probes of the old size, which the search then steps under. The
   * smallest size that failed before stays known, so a lossy path does not re-probe it.
   */
  blackHole(now: number): void {
    if (this._state === 'disabled' || this._pmtu <= this.s.base) return;
    this.blackHoles++;
    const old = this._pmtu;
    this._pmtu = this.s.base;
    this.inFlight = false;
    this.probe = undefined;
    this.probeCount = 0;
    this.enterBase(this.high);
    this.resume = align4(old);
  }

  private enterBase(high = this.max + 1): void {
    this._state = 'base';
    this.low = this.base;
    this.high = high;
    this.resume = undefined;
    this.probe = this.base;
    this.timer = undefined;
  }

  /** RFC 8899 §5.3: the next size to probe, or SEARCH_COMPLETE. */
  private nextCandidate(now: number): void {
    let next: number | undefined;
    if (this.high > this.max) next = this.low < this.max ? this.max : undefined;
    else if (this.high - this.low > MIN_STEP) next = align4((this.low + this.high) >> 1);
    if (next === undefined || next <= this.low) {
      this._state = 'search-complete';
      this.probe = undefined;
      // nothing larger can be found when max is confirmed: no raise timer then
      this.timer = this.low < this.max ? now + this.s.raiseTimer : undefined;
      return;
    }
    this.probe = next;
  }
}
