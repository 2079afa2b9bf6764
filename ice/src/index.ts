// @tsrtc/ice: ICE (RFC 8445) agent, full and lite, with trickle (RFC 8838), consent freshness
// (RFC 7675), a TURN client (RFC 8656) and a UDP mux for servers. Sans-IO.
export { IceAgent, type IceEvent, type IceDataEvent, type IceConnectionState, type IceGatheringState, type IceRole } from './agent.js';
export { IceMux, DEFAULT_ICE_MUX_SETTINGS, type IceMuxSettings, type IceMuxStats } from './mux.js';
export { IceError } from './errors.js';
export { DEFAULT_ICE_SETTINGS, type IceSettings, type TurnServer } from './settings.js';
export type { IceStats } from './stats.js';
export type { Transmit } from './queue.js';
export { TurnClient, type TurnState, type TurnClientOptions } from './turn-client.js';
export {
  TYPE_PREFERENCE,
  candidatePriority,
  computeFoundation,
  localPreference,
  type CandidateType,
  type LocalCandidate,
  type RemoteCandidate,
} from './candidate.js';
export { pairPriority, type CandidatePair, type PairState } from './pair.js';
export { toSdpCandidate, fromSdpCandidate } from './sdp-candidate.js';
export { addressKey, formatAddress, type TransportAddress } from './address.js';
