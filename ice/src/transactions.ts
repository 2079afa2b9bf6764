// Outstanding STUN requests of one agent with their retransmission schedule (RFC 8489 §6.2.1,
// with ICE's short RTO for checks, RFC 8445 §14.3). The table is keyed by transaction ID.
import { transactionIdKey as transactionKey } from '@tsrtc/stun';
import type { TransportAddress } from './address.js';

export interface Transaction<C> {
  readonly key: string;
  readonly transactionId: Uint8Array;
  /** The whole request as sent (retransmitted unchanged). */
  readonly request: Uint8Array;
  readonly from: TransportAddress;
  readonly to: TransportAddress;
  readonly context: C;
  readonly startedAt: number;
  rto: number;
  nextAt: number;
  transmissions: number;
}

export interface RetransmitPolicy {
  rto: number;
  rtoMax: number;
  maxTransmissions: number;
}


export class TransactionTable<C> {
  private readonly byKey = new Map<string, Transaction<C>>();

  get size(): number {
    return this.byKey.size;
  }

  /** Registers a request that the caller transmits now (first transmission). */
  add(transactionId: Uint8Array, request: Uint8Array, from: TransportAddress, to: TransportAddress, context: C, policy: RetransmitPolicy, now: number): Transaction<C> {
    const tx: Transaction<C> = {
      key: transactionKey(transactionId),
      transactionId,
      request,
      from,
      to,
      context,
      startedAt: now,
      rto: policy.rto,
      nextAt: now + policy.rto,
      transmissions: 1,
    };
    this.byKey.set(tx.key, tx);
    return tx;
  }

  take(transactionId: Uint8Array): Transaction<C> | undefined {
    const key = transactionKey(transactionId);
    const tx = this.byKey.get(key);
    if (tx) this.byKey.delete(key);
    return tx;
  }

  peek(transactionId: Uint8Array): Transaction<C> | undefined {
    return this.byKey.get(transactionKey(transactionId));
  }

  delete(tx: Transaction<C>): void {
    this.byKey.delete(tx.key);
  }

  /** Drops every transaction matching `predicate` (e.g. checks of a restarted session). */
  deleteWhere(predicate: (tx: Transaction<C>) => boolean): void {
    for (const [k, tx] of this.byKey) if (predicate(tx)) this.byKey.delete(k);
  }

  /**
   * Retransmits due requests (calling `retransmit`) and times out those that used every
   * transmission (removed, then `timeout` called).
   */
  handleTimeout(now: number, policy: (tx: Transaction<C>) => RetransmitPolicy, retransmit: (tx: Transaction<C>) => void, timeout: (tx: Transaction<C>) => void): void {
    for (const tx of [...this.byKey.values()]) {
      if (tx.nextAt > now) continue;
      const p = policy(tx);
      if (tx.transmissions >= p.maxTransmissions) {
        this.byKey.delete(tx.key);
        timeout(tx);
        continue;
      }
      tx.transmissions++;
      tx.rto = Math.min(tx.rto * 2, p.rtoMax);
      tx.nextAt = now + tx.rto;
      retransmit(tx);
    }
  }

  nextDeadline(): number | undefined {
    let min: number | undefined;
    for (const tx of this.byKey.values()) if (min === undefined || tx.nextAt < min) min = tx.nextAt;
    return min;
  }

  values(): IterableIterator<Transaction<C>> {
    return this.byKey.values();
  }
}
