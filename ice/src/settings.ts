// Every knob of the agent, with documented defaults (README "Settings").
import type { TransportAddress } from './address.js';
import { IceError } from './errors.js';

export interface TurnServer {
  address: TransportAddress;
  username: string;
  password: string;
  /**
   * How we reach the server: 'udp', or 'tcp' (RFC 8656 §3.2; the driver carries the stream,
   * see `Transmit.transport` and `IceAgent.handleTcpData`). The relayed transport is UDP.
   */
  transport: 'udp' | 'tcp';
}

export interface IceSettings {
  /** Start as the controlling agent (RFC 8445 §6.1.1). Ignored (always controlled) when `lite`. */
  controlling?: boolean;
  /** ICE-lite (RFC 8445 §2.5): answer checks, never initiate, select on USE-CANDIDATE. */
  lite?: boolean;
  localUfrag?: string;
  localPwd?: string;
  /** Fills `out` with random bytes (ufrag/pwd, tie-breaker, transaction ids). Required. */
  random: (out: Uint8Array) => void;
  stunServers?: TransportAddress[];
  turnServers?: TurnServer[];
  iceTransportPolicy?: 'all' | 'relay';
  /**
   * Resolves a remote `<uuid>.local` host name synchronously (e.g. from a cache the driver
   * fills); undefined = unknown for now (`resolveRemoteHostname` may supply it later). Without a
   * resolver, `.local` candidates are kept aside and the agent connects via the peer-reflexive
   * candidate learned from the remote's checks.
   */
  mdnsResolver?: (hostname: string) => string | undefined;
  /** Pacing timer Ta between new checks, ms (RFC 8445 §14.2). Lite agents never check. */
  ta?: number;
  /** Initial retransmission timeout of a connectivity check, ms; doubles per retransmission. */
  checkRto?: number;
  /** Ceiling for the check RTO, ms. */
  checkRtoMax?: number;
  /** Transmissions of one check before its pair fails. */
  checkMaxTransmissions?: number;
  /** RTO / transmissions for STUN gathering (srflx) and TURN requests. */
  gatherRto?: number;
  gatherMaxTransmissions?: number;
  /** Controlling: wait at most this long after the first valid pair for a better one before nominating, ms. */
  nominationDelay?: number;
  /**
   * Controlling side: 'regular' (RFC 8445 §8.1.1: check, then nominate the best valid pair with
   * a second check) or 'aggressive' (USE-CANDIDATE on every check, as Chrome and Firefox do; the
   * best pair that succeeds is selected, a better one later replaces it; one round trip less).
   */
  nomination?: 'regular' | 'aggressive';
  /**
   * Consent checks on the selected pair every interval × random[0.8, 1.2], ms; RFC 7675 §5.1
   * SHOULD default: 5 s. Each check is sent once (§5.1), not retransmitted.
   */
  consentInterval?: number;
  /** While the last consent check is unanswered, the next one goes after this × random[0.8, 1.2], ms. */
  consentProbeInterval?: number;
  /**
   * No consent response for this long → 'disconnected', ms. Full agents use at least
   * 1.2 × consentInterval + 2 × consentProbeInterval (one lost check must not flap the state).
   */
  disconnectedTimeout?: number;
  /** No consent response for this long → 'failed' (RFC 7675: 30 s), ms. */
  failedTimeout?: number;
  /** Lite: a Binding indication keepalive when nothing was sent for this long, ms (RFC 8445 §11). */
  keepaliveInterval?: number;
  /** Caps. */
  maxRemoteCandidates?: number;
  maxLocalCandidates?: number;
  maxPairs?: number;
  /** Queued outgoing datagrams per TURN peer while its permission is being installed. */
  maxTurnQueue?: number;
  /** TURN allocation lifetime we ask for, s (RFC 8656 default 600). */
  turnLifetime?: number;
  /** SOFTWARE attribute on our STUN messages; '' = none. */
  software?: string;
}

export type ResolvedIceSettings = Required<Omit<IceSettings, 'localUfrag' | 'localPwd' | 'mdnsResolver'>> &
  Pick<IceSettings, 'localUfrag' | 'localPwd' | 'mdnsResolver'>;

export const DEFAULT_ICE_SETTINGS = {
  controlling: false,
  lite: false,
  stunServers: [] as TransportAddress[],
  turnServers: [] as TurnServer[],
  iceTransportPolicy: 'all' as 'all' | 'relay',
  ta: 50,
  checkRto: 100,
  checkRtoMax: 1600,
  checkMaxTransmissions: 7,
  gatherRto: 250,
  gatherMaxTransmissions: 6,
  nominationDelay: 200,
  nomination: 'regular' as 'regular' | 'aggressive',
  consentInterval: 5000,
  consentProbeInterval: 1000,
  disconnectedTimeout: 5000,
  failedTimeout: 30000,
  keepaliveInterval: 15000,
  maxRemoteCandidates: 64,
  maxLocalCandidates: 32,
  maxPairs: 100,
  maxTurnQueue: 16,
  turnLifetime: 600,
  software: '',
} as const;

const RESOLVED_TEMPLATE = { ...DEFAULT_ICE_SETTINGS, localUfrag: undefined, localPwd: undefined, mdnsResolver: undefined, random: undefined };

/** Numeric settings that must be finite, and at least 1 (counts, caps) or 0 (times). */
const AT_LEAST_ONE = ['checkMaxTransmissions', 'gatherMaxTransmissions', 'maxRemoteCandidates', 'maxLocalCandidates', 'maxPairs', 'checkRto', 'gatherRto', 'consentInterval', 'consentProbeInterval', 'keepaliveInterval', 'turnLifetime'];
const AT_LEAST_ZERO = ['ta', 'checkRtoMax', 'nominationDelay', 'disconnectedTimeout', 'failedTimeout', 'maxTurnQueue'];

export function resolveSettings(settings: IceSettings): ResolvedIceSettings {
  // every key exists before the settings are copied in: all agents share one hidden class (adding
  // keys to a copy of the defaults gave each agent its own, with a ~0.7 KiB descriptor array)
  const out = { ...RESOLVED_TEMPLATE } as Record<string, unknown>;
  for (const k in settings) {
    const v = (settings as unknown as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  if (settings.lite) out.controlling = false;
  for (const [keys, min] of [
    [AT_LEAST_ONE, 1],
    [AT_LEAST_ZERO, 0],
  ] as const) {
    for (const k of keys) {
      const v = out[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < min) throw new IceError('bad-settings', `settings.${k} must be a finite number >= ${min}`);
    }
  }
  return out as unknown as ResolvedIceSettings;
}
