// The STUN messages ICE and its TURN client send, built with @tsrtc/stun's writer.
import { StunClass, StunMethod, StunWriter } from '@tsrtc/stun';
import type { TransportAddress } from './address.js';

/** One writer per process: `finish()` returns a copy, so sharing it is safe (single-threaded). */
const writer = new StunWriter(1500);

export interface CheckRequest {
  transactionId: Uint8Array;
  /** `<remote ufrag>:<local ufrag>` (RFC 8445 §7.2.2). */
  username: string;
  /** Priority a peer-reflexive candidate learned from this check would get (§7.1.1). */
  priority: number;
  controlling: boolean;
  tieBreaker: bigint;
  useCandidate: boolean;
  /** Short-term key from the remote password. */
  key: Uint8Array;
  software: string;
}

/** RFC 8445 §7.1: a connectivity check (or consent check, RFC 7675 §5.1). */
export function writeCheckRequest(r: CheckRequest): Uint8Array {
  const w = writer.begin(StunMethod.BINDING, StunClass.REQUEST, r.transactionId);
  w.username(r.username);
  w.priority(r.priority);
  if (r.controlling) w.iceControlling(r.tieBreaker);
  else w.iceControlled(r.tieBreaker);
  if (r.useCandidate) w.useCandidate();
  if (r.software) w.software(r.software);
  return w.finish({ integrityKey: r.key, fingerprint: true });
}

/** RFC 8445 §7.3.1.2: success response, XOR-MAPPED-ADDRESS = the request's source. */
export function writeCheckSuccess(transactionId: Uint8Array, mapped: TransportAddress, key: Uint8Array, software: string): Uint8Array {
  const w = writer.begin(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, transactionId);
  w.xorMappedAddress(mapped);
  if (software) w.software(software);
  return w.finish({ integrityKey: key, fingerprint: true });
}

/**
 * An error response to an authenticated check, integrity-protected: 487 Role Conflict (RFC 8445
 * §7.3.1.1), 400 Bad Request (no PRIORITY), 420 Unknown Attribute (RFC 8489 §6.3.1.1).
 */
export function writeCheckError(transactionId: Uint8Array, code: number, reason: string, key: Uint8Array, unknown?: readonly number[]): Uint8Array {
  const w = writer.begin(StunMethod.BINDING, StunClass.ERROR_RESPONSE, transactionId);
  w.errorCode(code, reason);
  if (unknown && unknown.length > 0) w.unknownAttributes(unknown);
  return w.finish({ integrityKey: key, fingerprint: true });
}

/** RFC 8445 §11: keepalive as a Binding indication (lite agents, which never send requests). */
export function writeBindingIndication(transactionId: Uint8Array): Uint8Array {
  writer.begin(StunMethod.BINDING, StunClass.INDICATION, transactionId);
  return writer.finish({ fingerprint: true });
}

/** RFC 8489 §6: an unauthenticated Binding request to a STUN server (server-reflexive gathering). */
export function writeBindingRequest(transactionId: Uint8Array, software: string): Uint8Array {
  const w = writer.begin(StunMethod.BINDING, StunClass.REQUEST, transactionId);
  if (software) w.software(software);
  return w.finish({ fingerprint: true });
}

export { writer as sharedStunWriter };
