// Conversion between our candidates and @tsrtc/sdp's `Candidate` (the `candidate:` attribute).
import type { Candidate } from '@tsrtc/sdp';
import { StunClass, StunError, StunMethod, StunWriter, decodeStun } from '@tsrtc/stun';
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
  const ip = normalizeIp(c.address, family);
  if (ip === undefined) return { kind: 'unsupported', reason: 'address ' + c.address };
  const address: TransportAddress = { family, address: ip, port: c.port };
  const candidate: RemoteCandidate = { type, foundation: c.foundation, priority: c.priority >>> 0, address };
  if (c.relatedAddress !== undefined && c.relatedPort !== undefined) {
    const rf = ipFamily(c.relatedAddress);
    const rip = rf === undefined ? undefined : normalizeIp(c.relatedAddress, rf);
    if (rf !== undefined && rip !== undefined) candidate.related = { family: rf, address: rip, port: c.relatedPort };
  }
  return { kind: 'ok', candidate };
}

const canonicalizer = new StunWriter(64);
const NO_TRANSACTION = new Uint8Array(12);

/**
 * IPv6 text in the form Node's sockets report (RFC 5952: lower case, longest zero run as `::`;
 * an IPv4-mapped tail stays dotted; a `%zone` is kept), so that a signalled address compares
 * equal, as a string, to the source the driver hands in. Parsing and RFC 5952 formatting are
 * @tsrtc/stun's own: the address goes through a MAPPED-ADDRESS attribute and back. Undefined
 * if the text is not an IP address of that family.
 */
export function normalizeIp(ip: string, family: 4 | 6): string | undefined {
  if (family === 4) return /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(ip) ? ip : undefined;
  const zoneAt = ip.indexOf('%');
  const bare = zoneAt >= 0 ? ip.slice(0, zoneAt) : ip;
  const zone = zoneAt >= 0 ? ip.slice(zoneAt) : '';
  try {
    const bytes = canonicalizer.begin(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, NO_TRANSACTION).mappedAddress({ family, address: bare, port: 0 }).finish();
    const canonical = decodeStun(bytes).mappedAddress()?.address;
    if (canonical === undefined) return undefined;
    return (bare.includes('.') ? bare.toLowerCase() : canonical) + zone;
  } catch (e) {
    if (e instanceof StunError) return undefined;
    throw e;
  }
}
