// The checklist (RFC 8445 §6.1.2): forming, pruning and ordering pairs, the frozen/waiting
// algorithm (§6.1.2.6, §6.1.4.2) and the triggered-check queue (§6.1.4.1). One data stream and
// one component, so the checklist set has a single checklist.
import { sameAddress, type TransportAddress } from './address.js';
import type { LocalCandidate, RemoteCandidate } from './candidate.js';
import { newPair, pairPriority, type CandidatePair } from './pair.js';

export class Checklist {
  /** Sorted by priority, highest first. */
  readonly pairs: CandidatePair[] = [];
  private readonly triggered: CandidatePair[] = [];

  constructor(private readonly maxPairs: number) {}

  /**
   * Forms the pair (local, remote) unless a redundant one exists (§6.1.2.4: same local base and
   * same remote address). Returns the pair kept, or undefined when the pair limit drops it.
   * Local server-reflexive candidates are never passed here: the agent pairs their base instead.
   */
  add(local: LocalCandidate, remote: RemoteCandidate, controlling: boolean): CandidatePair | undefined {
    if (local.address.family !== remote.address.family) return undefined;
    const existing = this.find(local, remote.address);
    if (existing) return existing;
    const pair = newPair(local, remote, controlling);
    // §6.1.2.6: a new pair starts Waiting when no pair with its foundation is active yet.
    pair.state = this.pairs.some((p) => p.foundation === pair.foundation && p.state !== 'failed') ? 'frozen' : 'waiting';
    this.insertSorted(pair);
    if (this.pairs.length > this.maxPairs) {
      // §6.1.2.5: drop the lowest-priority pairs beyond the limit (never one in use).
      for (let i = this.pairs.length - 1; i >= 0 && this.pairs.length > this.maxPairs; i--) {
        const p = this.pairs[i];
        if (p.state === 'in-progress' || p.valid) continue;
        this.remove(p);
      }
      if (!this.pairs.includes(pair)) return undefined;
    }
    return pair;
  }

  /** The pair whose local base and remote address match (§7.3.1.4 / §7.2.5.3). */
  find(local: LocalCandidate, remote: TransportAddress): CandidatePair | undefined {
    return this.findByBase(local.base, remote);
  }

  findByBase(base: TransportAddress, remote: TransportAddress): CandidatePair | undefined {
    for (const p of this.pairs) {
      if (sameAddress(p.local.base, base) && sameAddress(p.remote.address, remote)) return p;
    }
    return undefined;
  }

  remove(pair: CandidatePair): void {
    const i = this.pairs.indexOf(pair);
    if (i >= 0) this.pairs.splice(i, 1);
    const t = this.triggered.indexOf(pair);
    if (t >= 0) this.triggered.splice(t, 1);
  }

  clear(): void {
    this.pairs.length = 0;
    this.triggered.length = 0;
  }

  /** §6.1.4.1: a triggered check goes to the FIFO queue (once). */
  trigger(pair: CandidatePair): void {
    if (pair.state !== 'in-progress') pair.state = 'waiting';
    if (!this.triggered.includes(pair)) this.triggered.push(pair);
  }

  /** After a role change (§7.2.5.1) pair priorities are recomputed and the list re-sorted. */
  recomputePriorities(controlling: boolean): void {
    for (const p of this.pairs) p.priority = pairPriority(controlling, p.local.priority, p.remote.priority);
    this.pairs.sort(byPriority);
  }

  /** §7.2.5.3.3: a success unfreezes the frozen pairs that share its foundation. */
  unfreeze(foundation: string): void {
    for (const p of this.pairs) if (p.state === 'frozen' && p.foundation === foundation) p.state = 'waiting';
  }

  /**
   * §6.1.4.2: the pair for the next ordinary or triggered check, in this order: the head of the
   * triggered queue; the highest-priority Waiting pair; else, for each foundation with no pair
   * Waiting or In-Progress, the highest-priority Frozen pair, which becomes Waiting.
   */
  next(): CandidatePair | undefined {
    while (this.triggered.length > 0) {
      const pair = this.triggered.shift()!;
      if (this.pairs.includes(pair) && pair.state !== 'in-progress') return pair;
    }
    for (const p of this.pairs) if (p.state === 'waiting') return p;
    for (const p of this.pairs) {
      if (p.state !== 'frozen') continue;
      const active = this.pairs.some((q) => q.foundation === p.foundation && (q.state === 'waiting' || q.state === 'in-progress'));
      if (!active) {
        p.state = 'waiting';
        return p;
      }
    }
    return undefined;
  }

  /** Whether `next()` may have a check to send (triggered, Waiting or Frozen pairs). */
  hasWork(): boolean {
    return this.triggered.length > 0 || this.pairs.some((p) => p.state === 'waiting' || p.state === 'frozen');
  }

  /** True when every pair has reached Failed (and there is at least one). */
  allFailed(): boolean {
    return this.pairs.length > 0 && this.pairs.every((p) => p.state === 'failed');
  }

  /** True when no pair is Frozen, Waiting or In-Progress. */
  finished(): boolean {
    return this.triggered.length === 0 && this.pairs.every((p) => p.state === 'succeeded' || p.state === 'failed');
  }

  pairsWithRemote(remote: RemoteCandidate): CandidatePair[] {
    return this.pairs.filter((p) => p.remote === remote);
  }

  private insertSorted(pair: CandidatePair): void {
    let i = this.pairs.length;
    while (i > 0 && this.pairs[i - 1].priority < pair.priority) i--;
    this.pairs.splice(i, 0, pair);
  }
}

function byPriority(a: CandidatePair, b: CandidatePair): number {
  return a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : 0;
}

export type { LocalCandidate, RemoteCandidate };
