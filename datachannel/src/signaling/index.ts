// Signaling helpers: HTTP offer/answer (WHIP-style) and a WebSocket room relay (`ws`).
export { SignalingError } from './errors.js';
export {
  createHttpSignaling,
  startHttpSignalingServer,
  statusOf,
  DEFAULT_HTTP_SIGNALING_OPTIONS,
  type HttpSignalingOptions,
  type HttpSignalingHandler,
  type HttpSignalingServer,
  type SessionContext,
  type SdpResult,
} from './http-signaling.js';
export { parseTrickleSdpFrag, type IceCandidateInit } from './trickle-sdpfrag.js';
