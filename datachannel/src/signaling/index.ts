// Signaling helpers: HTTP offer/answer (WHIP-style) and a WebSocket room relay (`ws`).
export { SignalingError } from './errors.js';
export {
  createHttpSignaling,
  startHttpSignalingServer,
  DEFAULT_HTTP_SIGNALING_OPTIONS,
  type HttpSignalingOptions,
  type HttpSignalingHandler,
  type HttpSignalingServer,
  type SessionContext,
  type SdpResult,
} from './http-signaling.js';
export { parseTrickleSdpFrag, type TrickleCandidate } from './trickle-sdpfrag.js';
export {
  createRoomServer,
  DEFAULT_ROOM_SERVER_OPTIONS,
  type RoomServer,
  type RoomServerOptions,
  type RoomServerStats,
} from './room-server.js';
export { JsonRpcCode, type JsonRpcError, type JsonRpcId } from './json-rpc.js';
export type { Framing as SignalingFraming, SignalKind } from './room-protocol.js';
