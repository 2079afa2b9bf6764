// Conversion between our candidates and @tsrtc/sdp's `Candidate` (the `candidate:` attribute).
import type { Candidate } from '@tsrtc/sdp';
import { ipFamily, type TransportAddress } from './address.js';
import { COMPONENT_RTP, type CandidateType, type LocalCandidate, type RemoteCandidate } from './candidate.js';

/** Our candidate as the SDP `candidate` value the application signals. */
export function toSdpCandidate(c: LocalCandidate | RemoteCandidate, ufrag?: string): Candidate {
  const out: Candidate = {
    foundation: c.foundation,
    component: COMPONENT_RTP,
    transport: 'udp',
    priority: c.priority,
    address: c.address.address,
    port: c.address.port,
    type: c.type,
  };
  if (c.related) {
    out.relatedAddress = c.related.address;
    out.relatedPort = c.related.port;
  }
  if (ufrag !== undefined) out.ufrag = ufrag;
  return out;
}

/** Why a signalled candidate is not used, or its transport address. */
export type RemoteCandidateInput =
  | { kind: 'ok'; candidate: RemoteCandidate }
  | { kind: 'hostname'; hostname: string }
  | { kind: 'unsupported'; reason: string };

export function fromSdpCandidate(c: Candidate): RemoteCandidateInput {
  if (c.transport.toLowerCase() !== 'udp') return { kind: 'unsupported', reason: 'transport ' + c.transport };
  if (c.component !== COMPONENT_RTP) return { kind: 'unsupported', reason: 'component ' + c.component };
  const type = c.type as CandidateType;
  if (type !== 'host' && type !== 'srflx' && type !== 'prflx' && type !== 'relay') return { kind: 'unsupported', reason: 'type ' + c.type };
  if (!(c.port > 0 && c.port < 65536)) return { kind: 'unsupported', reason: 'port ' + c.port };
  const family = ipFamily(c.address);
  if (family === undefined) return { kind: 'hostname', hostname: c.address.toLowerCase() };
  const address: TransportAddress = { family, address: normalizeIp(c.address, family), port: c.port };
  const candidate: RemoteCandidate = { type, foundation: c.foundation, priority: c.priority >>> 0, address };
  if (c.relatedAddress !== undefined && c.relatedPort !== undefined) {
    const rf = ipFamily(c.relatedAddress);
    if (rf !== undefined) candidate.related = { family: rf, address: normalizeIp(c.relatedAddress, rf), port: c.relatedPort };
  }
  return { kind: 'ok', candidate };
}

/** IPv6 text is lower-cased so that addresses compare as strings (drivers give RFC 5952 form). */
export function normalizeIp(ip: string, family: 4 | 6): string {
  return family === 6 ? ip.toLowerCase() : ip;
}
