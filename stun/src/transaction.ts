/**
 * A sans-IO STUN client transaction over UDP (RFC 8489 §6.2.1): the request is sent at once,
 * retransmitted after RTO, 2·RTO, 4·RTO, … until Rc requests have been sent; after the last one
 * the client waits Rm·RTO more, then the transaction times out. With the defaults (RTO 500 ms,
 * Rc 7, Rm 16) requests go out at 0, 500, 1500, 3500, 7500, 15500, 31500 ms and the
 * transaction fails at 39500 ms.
 *
 * The caller owns the clock: call `handleTimeout(now)` when `now >= nextDeadline()`, drain
 * `pollTransmit()`, and hand every decoded response to `handleResponse(msg)`.
 */
import { StunClass } from './constants.js';
import { StunError } from './errors.js';
import type { StunMessage } from './message.js';
import { sameTransactionId } from './writer.js';

export interface StunTransactionSettings {
  /** Initial retransmission timeout in ms (RFC 8489 §6.2.1 recommends 500; ICE derives its own). */
  rto: number;
  /** Rc: total number of requests sent, the first included. */
  rc: number;
  /** Rm: the wait after the last request, as a multiple of the initial RTO. */
  rm: number;
}

export const DEFAULT_STUN_TRANSACTION_SETTINGS: Readonly<StunTransactionSettings> = Object.freeze({ rto: 500, rc: 7, rm: 16 });

/**
 * - `in-progress`: waiting for a response;
 * - `succeeded`: a success response arrived (see `response`);
 * - `failed`: an error response arrived (see `response`, its `errorCode()`);
 * - `timed-out`: no response after Rc requests and the final wait;
 * - `cancelled`: `cancel()` was called.
 */
export type StunTransactionState = 'in-progress' | 'succeeded' | 'failed' | 'timed-out' | 'cancelled';

export class StunClientTransaction {
  /** The request as given (kept and retransmitted unchanged). */
  readonly request: Uint8Array;
  /** View of the request's transaction ID. */
  readonly transactionId: Uint8Array;
  readonly method: number;
  private readonly settings: StunTransactionSettings;
  private _state: StunTransactionState = 'in-progress';
  private _response: StunMessage | undefined;
  /** Requests handed out by pollTransmit so far. */
  private sent = 0;
  /** Requests due (scheduled but not yet polled). */
  private due = 1;
  private deadline: number;
  private interval: number;

  /**
   * Starts a transaction: the first request is due immediately (drain `pollTransmit()`).
   * `request` is an encoded STUN request (e.g. from `StunWriter.finish`).
   */
  constructor(request: Uint8Array, now: number, settings: Partial<StunTransactionSettings> = {}) {
    if (request.length < 20) throw new StunError('bad-argument', 'a transaction needs an encoded STUN request');
    this.settings = { ...DEFAULT_STUN_TRANSACTION_SETTINGS, ...settings };
    const { rto, rc, rm } = this.settings;
    if (!(rto > 0) || !(rc >= 1) || !(rm > 0)) throw new StunError('bad-argument', `transaction settings rto=${rto} rc=${rc} rm=${rm}`);
    this.request = request;
    this.transactionId = request.subarray(8, 20);
    this.method = ((request[0] << 8) | request[1]) & 0x3eef;
    this.interval = rto;
    this.deadline = now + (rc === 1 ? rm * rto : rto);
  }

  get state(): StunTransactionState {
    return this._state;
  }

  /** The matching response once the state is `succeeded` or `failed`. */
  get response(): StunMessage | undefined {
    return this._response;
  }

  /** Number of requests transmitted so far (first + retransmissions). */
  get transmissions(): number {
    return this.sent;
  }

  /** The request bytes when a (re)transmission is due, else undefined. */
  pollTransmit(): Uint8Array | undefined {
    if (this.due === 0 || this._state !== 'in-progress') return undefined;
    this.due--;
    this.sent++;
    return this.request;
  }

  /** Absolute time of the next retransmission or of the timeout; undefined once finished. */
  nextDeadline(): number | undefined {
    return this._state === 'in-progress' ? this.deadline : undefined;
  }

  /** Advances the clock: schedules a retransmission or times out. */
  handleTimeout(now: number): void {
    if (this._state !== 'in-progress' || now < this.deadline) return;
    const { rto, rc, rm } = this.settings;
    const scheduled = this.sent + this.due;
    if (scheduled >= rc) {
      this._state = 'timed-out';
      this.due = 0;
      return;
    }
    this.due++;
    this.interval *= 2;
    // after the Rc-th request, wait Rm·RTO instead of doubling again
    this.deadline = now + (scheduled + 1 >= rc ? rm * rto : this.interval);
  }

  /**
   * Offers a decoded message; returns true if it is this transaction's response (same
   * transaction ID and method, success or error class), which ends the transaction.
   * Anything else is ignored (false).
   */
  handleResponse(msg: StunMessage): boolean {
    if (this._state !== 'in-progress') return false;
    const cls = msg.messageClass;
    if (cls !== StunClass.SUCCESS_RESPONSE && cls !== StunClass.ERROR_RESPONSE) return false;
    if ((msg.type & 0x3eef) !== this.method || !sameTransactionId(msg.transactionId, this.transactionId)) return false;
    this._response = msg;
    this._state = cls === StunClass.SUCCESS_RESPONSE ? 'succeeded' : 'failed';
    this.due = 0;
    return true;
  }

  /** Stops retransmitting (e.g. the ICE pair was pruned). */
  cancel(): void {
    if (this._state === 'in-progress') this._state = 'cancelled';
    this.due = 0;
  }
}
