// Consent freshness (RFC 7675) and keepalives (RFC 8445 §11) on the selected pair: when to send
// the next consent check or keepalive, and what the time since the last sign of consent means.

export interface ConsentSettings {
  lite: boolean;
  consentInterval: number;
  consentProbeInterval: number;
  disconnectedTimeout: number;
  failedTimeout: number;
  keepaliveInterval: number;
  random: (out: Uint8Array) => void;
}

export interface ConsentActions {
  /** 'expired' is final (RFC 7675 §5.1: stop sending); 'disconnected' recovers on fresh consent. */
  verdict: 'fresh' | 'disconnected' | 'expired';
  /** Full agents: send a consent check (a Binding request) now. */
  sendCheck: boolean;
  /** Lite agents (which never send requests): send a Binding indication now. */
  sendKeepalive: boolean;
}

/**
 * Full agents judge consent by the responses to their own checks; a lite agent only sees the
 * peer's checks, and browsers send those every ~5 s (Firefox), so it waits for two to be missing.
 */
const LITE_DISCONNECTED_MIN_MS = 12_000;

export class ConsentFreshness {
  expired = false;
  /** Last time we sent anything on any pair (keepalive timing). */
  lastSentAt: number;
  private nextCheckAt: number | undefined;
  /** When the last consent check went out, and when to re-probe if it stays unanswered. */
  private lastCheckAt: number | undefined;
  private probeAt = 0;
  /** the re-probe came due once already: send it if still unanswered (see `evaluate`) */
  private probeDue = false;
  /**
   * Lite: max(disconnectedTimeout, 12 s). Full: never less than the longest gap between two
   * checks (1.2 × interval) plus two re-probes, so one lost check or response does not flap.
   */
  readonly disconnectedAfter: number;

  constructor(
    private readonly settings: ConsentSettings,
    now: number,
  ) {
    this.lastSentAt = now;
    const s = settings;
    this.disconnectedAfter = s.lite
      ? Math.max(s.disconnectedTimeout, LITE_DISCONNECTED_MIN_MS)
      : Math.max(s.disconnectedTimeout, 1.2 * s.consentInterval + 2 * s.consentProbeInterval);
  }

  /** A pair was selected: its first consent check comes one interval later. */
  selected(now: number): void {
    this.nextCheckAt = now + this.interval(this.settings.consentInterval);
    this.lastCheckAt = undefined;
  }

  /** New remote credentials: check consent with them at once. */
  checkNow(now: number): void {
    this.nextCheckAt = now;
  }

  /** The next time `evaluate` has something to do, given the last sign of consent. */
  deadline(lastConsentAt: number, disconnected: boolean): number | undefined {
    if (this.expired) return undefined;
    const expiry = lastConsentAt + (disconnected ? this.settings.failedTimeout : this.disconnectedAfter);
    if (this.settings.lite) return Math.min(expiry, this.lastSentAt + this.settings.keepaliveInterval);
    const next = this.nextCheck(lastConsentAt);
    return next === undefined ? expiry : Math.min(expiry, next);
  }

  evaluate(now: number, lastConsentAt: number): ConsentActions {
    const silent = now - lastConsentAt;
    if (silent >= this.settings.failedTimeout) {
      this.expired = true;
      return { verdict: 'expired', sendCheck: false, sendKeepalive: false };
    }
    const verdict = silent >= this.disconnectedAfter ? 'disconnected' : 'fresh';
    if (this.settings.lite) return { verdict, sendCheck: false, sendKeepalive: now - this.lastSentAt >= this.settings.keepaliveInterval };
    const next = this.nextCheck(lastConsentAt);
    let sendCheck = next !== undefined && now >= next;
    if (sendCheck && next === this.probeAt && next !== this.nextCheckAt && !this.probeDue) {
      // A re-probe: look once more 1 ms later. A driver runs due timers before it reads its
      // sockets, so a busy process may hold the answer unread; reading it first spares a check.
      this.probeDue = true;
      this.probeAt = now + 1;
      sendCheck = false;
    }
    if (sendCheck) {
      this.lastCheckAt = now;
      this.nextCheckAt = now + this.interval(this.settings.consentInterval);
      this.probeAt = now + this.interval(this.settings.consentProbeInterval);
      this.probeDue = false;
    }
    return { verdict, sendCheck, sendKeepalive: false };
  }

  /**
   * RFC 7675 §5.1: a check every interval × [0.8, 1.2], each sent once (no retransmission);
   * while the last one is unanswered the next goes after the shorter probe interval instead.
   */
  private nextCheck(lastConsentAt: number): number | undefined {
    const next = this.nextCheckAt;
    if (next === undefined || this.lastCheckAt === undefined || lastConsentAt >= this.lastCheckAt) return next;
    return Math.min(next, this.probeAt);
  }

  /** RFC 7675 §5.1: each interval is randomised to 0.8–1.2 × the base. */
  private interval(base: number): number {
    const b = new Uint8Array(1);
    this.settings.random(b);
    return base * (0.8 + (0.4 * b[0]) / 255);
  }
}
