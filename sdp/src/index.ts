export { SdpError, type SdpErrorCode } from './errors.js';
export { parseSdp, DEFAULT_SDP_PARSE_OPTIONS, type SdpParseOptions } from './parse.js';
export { writeSdp } from './write.js';
export { SdpSection } from './section.js';
export { SdpLevel } from './level.js';
export { SessionDescription } from './session.js';
export {
  MediaDescription,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_SCTP_PORT,
  type IceParameters,
  type DtlsParameters,
  type SctpParameters,
} from './media.js';
export {
  parseCandidate,
  writeCandidate,
  isMdnsAddress,
  type Candidate,
  type CandidateType,
  type CandidateExtension,
  type TcpType,
} from './candidate.js';
export { parseFingerprint, writeFingerprint, FINGERPRINT_BYTES, type Fingerprint, type FingerprintAlgorithm } from './fingerprint.js';
export type { Origin, Connection, MediaLine, Group, MsidSemantic, Sctpmap, Setup, Direction } from './fields.js';
export {
  buildDataChannelOffer,
  buildDataChannelAnswer,
  dataChannelParameters,
  type DataChannelDescriptionOptions,
  type DataChannelAnswerOptions,
  type RemoteDataChannelParameters,
} from './datachannel.js';
