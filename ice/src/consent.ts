// Consent freshness (RFC 7675) and keepalives (RFC 8445 §11) on the selected pair: when to send
// the next consent check or keepalive, and what the time since the last sign of consent means.

export interface ConsentSettings {
  lite: boolean;
  consentInterval: number;
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

  constructor(
    private readonly settings: ConsentSettings,
    now: number,
  ) {
    this.lastSentAt = now;
  }

  /** A pair was selected: its first consent check comes one interval later. */
  selected(now: number): void {
    this.nextCheckAt = now + this.interval();
  }

  /** New remote credentials: check consent with them at once. */
  checkNow(now: number): void {
    this.nextCheckAt = now;
  }

  get disconnectedAfter(): number {
    const s = this.settings;
    return s.lite ? Math.max(s.disconnectedTimeout, LITE_DISCONNECTED_MIN_MS) : s.disconnectedTimeout;
  }

  /** The next time `evaluate` has something to do, given the last sign of consent. */
  deadline(lastConsentAt: number, disconnected: boolean): number | undefined {
    if (this.expired) return undefined;
    const expiry = lastConsentAt + (disconnected ? this.settings.failedTimeout : this.disconnectedAfter);
    if (this.settings.lite) return Math.min(expiry, this.lastSentAt + this.settings.keepaliveInterval);
    return this.nextCheckAt === undefined ? expiry : Math.min(expiry, this.nextCheckAt);
  }

  evaluate(now: number, lastConsentAt: number): ConsentActions {
    const silent = now - lastConsentAt;
    if (silent >= this.settings.failedTimeout) {
      this.expired = true;
      return { verdict: 'expired', sendCheck: false, sendKeepalive: false };
    }
    const verdict = silent >= this.disconnectedAfter ? 'disconnected' : 'fresh';
    if (this.settings.lite) return { verdict, sendCheck: false, sendKeepalive: now - this.lastSentAt >= this.settings.keepaliveInterval };
    const sendCheck = this.nextCheckAt !== undefined && now >= this.nextCheckAt;
    if (sendCheck) this.nextCheckAt = now + this.interval();
    return { verdict, sendCheck, sendKeepalive: false };
  }

  /** RFC 7675 §5.1: the interval is randomised to 0.8–1.2 × the base. */
  private interval(): number {
    const b = new Uint8Array(1);
    this.settings.random(b);
    return this.settings.consentInterval * (0.8 + (0.4 * b[0]) / 255);
  }
}
