/**
 * @tsrtc/stun: STUN (RFC 8489, RFC 5389 compatible) codec with ICE (RFC 8445) and TURN
 * (RFC 8656) attributes, integrity and fingerprint checks, RFC 7983 demultiplexing, TURN
 * ChannelData framing, and a sans-IO client transaction.
 */
export { StunError, type StunErrorCode } from './errors.js';
export {
  StunClass,
  StunMethod,
  StunAttr,
  MAGIC_COOKIE,
  HEADER_LENGTH,
  FINGERPRINT_XOR,
  isComprehensionRequired,
  messageType,
  methodOf,
  classOf,
} from './constants.js';
export { type TransportAddress, formatIpv6 } from './address.js';
export { StunMessage, decodeStun, type StunErrorCodeValue, type StunPasswordAlgorithmValue } from './message.js';
export {
  type StunKey,
  shortTermKey,
  longTermKey,
  userHash,
  PasswordAlgorithm,
  verifyMessageIntegrity,
  verifyMessageIntegritySha256,
  verifyFingerprint,
  computeFingerprint,
} from './integrity.js';
export { saslprep } from './saslprep.js';
export { describeStun, type StunDescription } from './describe.js';
export { crc32 } from './crc32.js';
export {
  StunWriter,
  type StunFinishOptions,
  type StunWriterOptions,
  type StunMessageInit,
  encodeStun,
  newTransactionId,
  sameTransactionId,
  transactionIdKey,
} from './writer.js';
export { classifyPacket, isStun, type PacketKind } from './demux.js';
export { encodeChannelData, decodeChannelData, type ChannelData } from './channel-data.js';
export {
  StunClientTransaction,
  DEFAULT_STUN_TRANSACTION_SETTINGS,
  type StunTransactionSettings,
  type StunTransactionState,
} from './transaction.js';
