// Candidate pairs (RFC 8445 §6.1.2) and their priority (§6.1.2.3).
import type { LocalCandidate, RemoteCandidate } from './candidate.js';

/** RFC 8445 §6.1.2.6 candidate pair states. */
export type PairState = 'frozen' | 'waiting' | 'in-progress' | 'succeeded' | 'failed';

export interface CandidatePair {
  local: LocalCandidate;
  remote: RemoteCandidate;
  /** Pair foundation: local and remote foundations joined (§6.1.2.6). */
  foundation: string;
  priority: bigint;
  state: PairState;
  /** In the valid list (§7.2.5.3.2): a check on it succeeded. */
  valid: boolean;
  /** Nominated (§8.1.1): USE-CANDIDATE was sent (controlling) or received (controlled) and the check succeeded. */
  nominated: boolean;
  /** Controlled side: USE-CANDIDATE arrived before our own check on this pair succeeded (§7.3.1.5). */
  nominateOnSuccess: boolean;
  /** Controlling side: the next check on this pair carries USE-CANDIDATE. */
  useCandidate: boolean;
  /** Last time an authenticated response (or, lite, request) was seen on this pair: consent (RFC 7675). */
  lastConsentAt: number;
  /** Round-trip time of the last successful check, ms. */
  rtt: number | undefined;
}

/**
 * RFC 8445 §6.1.2.3: with G the controlling agent's candidate priority and D the controlled's,
 *   pair priority = 2^32 * MIN(G,D) + 2 * MAX(G,D) + (G > D ? 1 : 0)
 * which needs 64 bits, hence bigint.
 */
export function pairPriority(controlling: boolean, localPriority: number, remotePriority: number): bigint {
  const g = BigInt(controlling ? localPriority : remotePriority);
  const d = BigInt(controlling ? remotePriority : localPriority);
  const [min, max] = g < d ? [g, d] : [d, g];
  return (min << 32n) + 2n * max + (g > d ? 1n : 0n);
}

export function newPair(local: LocalCandidate, remote: RemoteCandidate, controlling: boolean): CandidatePair {
  return {
    local,
    remote,
    foundation: local.foundation + ':' + remote.foundation,
    priority: pairPriority(controlling, local.priority, remote.priority),
    state: 'frozen',
    valid: false,
    nominated: false,
    nominateOnSuccess: false,
    useCandidate: false,
    lastConsentAt: 0,
    rtt: undefined,
  };
}
