// Candidates (RFC 8445 §5.1): types, priorities (§5.1.2.1) and foundations (§5.1.1.3).
import type { TransportAddress } from './address.js';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** RFC 8445 §5.1.2.2 recommended type preferences. */
export const TYPE_PREFERENCE: Readonly<Record<CandidateType, number>> = {
  host: 126,
  prflx: 110,
  srflx: 100,
  relay: 0,
};

/** The only component a data channel uses (RTP/RTCP mux, BUNDLE). */
export const COMPONENT_RTP = 1;

/**
 * RFC 8445 §5.1.2.1:
 *   priority = 2^24 * type preference + 2^8 * local preference + (256 - component ID)
 */
export function candidatePriority(typePreference: number, localPreference: number, componentId = COMPONENT_RTP): number {
  return typePreference * 0x1000000 + localPreference * 0x100 + (256 - componentId);
}

/**
 * Local preference of the n-th local address the driver registered (in its order of preference).
 * RFC 8445 §5.1.2.1: 65535 when single-homed; distinct values per interface when multihomed.
 */
export function localPreference(addressIndex: number): number {
  return Math.max(0, 65535 - addressIndex);
}

/**
 * RFC 8445 §5.1.1.3: candidates share a foundation when they have the same type, base IP
 * address, STUN/TURN server IP and transport. We hash those into a decimal string (as browsers do).
 */
export function computeFoundation(type: CandidateType, baseIp: string, serverIp: string | undefined, transport = 'udp'): string {
  return String(fnv1a32(`${type}|${baseIp}|${serverIp ?? ''}|${transport}`));
}

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** One of our candidates. */
export interface LocalCandidate {
  type: CandidateType;
  foundation: string;
  priority: number;
  /** The transport address that goes into the SDP. */
  address: TransportAddress;
  /**
   * The base (RFC 8445 §5.1.1.1): the address we send from. For host, srflx and prflx
   * candidates it is a driver socket; for a relayed candidate it is the relayed address itself.
   */
  base: TransportAddress;
  /** The driver socket packets actually leave from (for relay: the socket talking to the TURN server). */
  socket: TransportAddress;
  /** rel-addr / rel-port for srflx/prflx/relay. */
  related?: TransportAddress;
  /** Index into the agent's TURN clients, for relayed candidates. */
  turnIndex?: number;
  /** Local preference used in the priority (kept to compute the prflx priority of checks). */
  localPreference: number;
}

/** One of the peer's candidates (signalled, or peer-reflexive learned from a check). */
export interface RemoteCandidate {
  type: CandidateType;
  foundation: string;
  priority: number;
  address: TransportAddress;
  related?: TransportAddress;
}
