/**
 * The room server's messages, in its two framings.
 *
 * Plain framing (`{type: …}`), client → server:
 *   {type:'join', room, peerId?}          -> {type:'joined', room, peerId, peers:[ids]}
 *   {type:'leave'}                        -> {type:'left', room}
 *   {type:'offer', to, sdp}               -> peer `to` gets {type:'offer', from, sdp}
 *   {type:'answer', to, sdp}              -> peer `to` gets {type:'answer', from, sdp}
 *   {type:'candidate', to, candidate}     -> peer `to` gets {type:'candidate', from, candidate}
 *                                            (candidate: RTCIceCandidateInit, or null = end)
 *   {type:'ping'}                         -> {type:'pong'}
 * Server → client notices: {type:'peer-joined', room, peerId}, {type:'peer-left', room, peerId};
 * errors: {type:'error', code, message, request?: <the type that failed>}.
 *
 * JSON-RPC 2.0 framing, methods (params are objects):
 *   announce {room, peerId?}     (= join)  -> result {room, peerId, peers}
 *   offer {to, sdp} / answer {to, sdp} / ice_candidate {to, candidate}   -> result {ok:true};
 *                                            peer `to` gets the same method as a notification
 *                                            with `from` in place of `to`
 *   disconnect {}                (= leave) -> result {room}
 *   ping                                   -> result 'pong'
 * Others joining / leaving reach a JSON-RPC client as notifications `announce {room, peerId}` /
 * `disconnect {room, peerId}`. Errors are JSON-RPC error objects; room errors use code -32000
 * with `data.code` (e.g. 'room-full').
 *
 * A client's framing is that of the last well-formed message it sent (plain until then).
 */
import { SignalingError } from './errors.js';
import { type JsonRpcError, type JsonRpcId, JsonRpcCode, errorResponse, isValidId, notification, response } from './json-rpc.js';
import type { TrickleCandidate } from './trickle-sdpfrag.js';
import {
  type JsonObject,
  MAX_CANDIDATE_LENGTH,
  isJsonObject,
  optionalId,
  optionalInteger,
  optionalString,
  parseJson,
  requireId,
  requireSdp,
} from './validate.js';

export type Framing = 'plain' | 'json-rpc';
export type SignalKind = 'offer' | 'answer' | 'candidate';

/** What a client asked for, whatever the framing. */
export type RoomCommand =
  | { kind: 'join'; room: string; peerId: string | undefined }
  | { kind: 'leave' }
  | { kind: 'signal'; signal: SignalKind; to: string; sdp?: string; candidate?: TrickleCandidate | null }
  | { kind: 'ping' };

/** One decoded message: the command, or the error that stopped it, plus how to reply. */
export interface Decoded {
  framing: Framing;
  /** JSON-RPC id; undefined for a notification (or plain framing) */
  id?: JsonRpcId;
  /** the plain `type` / JSON-RPC `method`, for error replies */
  name?: string;
  command?: RoomCommand;
  error?: SignalingError;
}

/** What a method / type asks for (relays are split by signal). */
type Kind = 'join' | 'leave' | 'ping' | SignalKind;

const RPC_METHODS: Record<string, Kind> = {
  announce: 'join',
  disconnect: 'leave',
  offer: 'offer',
  answer: 'answer',
  ice_candidate: 'candidate',
  ping: 'ping',
};
const PLAIN_TYPES: Record<string, Kind> = {
  join: 'join',
  leave: 'leave',
  offer: 'offer',
  answer: 'answer',
  candidate: 'candidate',
  ping: 'ping',
};
const RPC_NAME: Record<SignalKind, string> = { offer: 'offer', answer: 'answer', candidate: 'ice_candidate' };

/** Most requests in one JSON-RPC batch. */
export const MAX_BATCH = 32;

/**
 * Decodes one text frame. A JSON array is a JSON-RPC batch (§6): one Decoded per element,
 * answered by one array of responses (an empty array is one Invalid Request error).
 */
export function decodeFrame(text: string, fallback: Framing): { batch: boolean; items: Decoded[] } {
  let value: unknown;
  try {
    value = parseJson(text);
  } catch (err) {
    return { batch: false, items: [{ framing: fallback, id: null, error: err as SignalingError }] };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return { batch: false, items: [{ framing: 'json-rpc', id: null, error: invalidRequest('empty batch') }] };
    if (value.length > MAX_BATCH) return { batch: false, items: [{ framing: 'json-rpc', id: null, error: invalidRequest(`batch larger than ${MAX_BATCH}`) }] };
    return { batch: true, items: value.map(decodeJsonRpc) };
  }
  if (isJsonObject(value) && value.jsonrpc !== undefined) return { batch: false, items: [decodeJsonRpc(value)] };
  return { batch: false, items: [decodePlain(value)] };
}

function decodePlain(value: unknown): Decoded {
  if (!isJsonObject(value)) return { framing: 'plain', error: new SignalingError(400, 'bad-message', 'message must be a JSON object') };
  const name = value.type;
  if (typeof name !== 'string') return { framing: 'plain', error: new SignalingError(400, 'missing-field', 'missing field "type"') };
  const kind = PLAIN_TYPES[name];
  if (!Object.hasOwn(PLAIN_TYPES, name) || kind === undefined) {
    return { framing: 'plain', name, error: new SignalingError(400, 'unknown-type', `unknown message type "${name.slice(0, 40)}"`) };
  }
  return withCommand({ framing: 'plain', name }, kind, value);
}

function decodeJsonRpc(value: unknown): Decoded {
  if (!isJsonObject(value)) return { framing: 'json-rpc', id: null, error: invalidRequest('request must be an object') };
  const id = value.id;
  if (id !== undefined && !isValidId(id)) return { framing: 'json-rpc', id: null, error: invalidRequest('"id" must be a string, number or null') };
  const out: Decoded = { framing: 'json-rpc', id };
  if (value.jsonrpc !== '2.0') return { ...out, id: id ?? null, error: invalidRequest('"jsonrpc" must be "2.0"') };
  if (typeof value.method !== 'string') return { ...out, id: id ?? null, error: invalidRequest('"method" must be a string') };
  out.name = value.method;
  const kind = RPC_METHODS[value.method];
  if (!Object.hasOwn(RPC_METHODS, value.method) || kind === undefined) {
    return { ...out, error: new SignalingError(400, 'method-not-found', `unknown method "${value.method.slice(0, 40)}"`) };
  }
  const params = value.params ?? {};
  if (!isJsonObject(params)) return { ...out, error: new SignalingError(400, 'bad-params', '"params" must be an object') };
  return withCommand(out, kind, params);
}

function withCommand(out: Decoded, kind: Kind, fields: JsonObject): Decoded {
  try {
    out.command = command(kind, fields);
  } catch (err) {
    out.error = err as SignalingError;
  }
  return out;
}

function command(kind: Kind, m: JsonObject): RoomCommand {
  switch (kind) {
    case 'join':
      return { kind: 'join', room: requireId(m, 'room'), peerId: optionalId(m, 'peerId') };
    case 'leave':
    case 'ping':
      return { kind };
    case 'offer':
    case 'answer':
      return { kind: 'signal', signal: kind, to: requireId(m, 'to'), sdp: requireSdp(m) };
    case 'candidate':
      return { kind: 'signal', signal: kind, to: requireId(m, 'to'), candidate: candidateField(m) };
  }
}

/** `candidate`: an RTCIceCandidateInit object, or null for end-of-candidates. */
function candidateField(m: JsonObject): TrickleCandidate | null {
  if (!('candidate' in m)) throw new SignalingError(400, 'missing-field', 'missing field "candidate"');
  const c = m.candidate;
  if (c === null) return null;
  if (!isJsonObject(c)) throw new SignalingError(400, 'bad-field', 'field "candidate" must be an RTCIceCandidateInit object or null');
  const candidate = optionalString(c, 'candidate', MAX_CANDIDATE_LENGTH);
  if (candidate === undefined) throw new SignalingError(400, 'missing-field', 'missing field "candidate.candidate"');
  return {
    candidate,
    sdpMid: optionalString(c, 'sdpMid', 64) ?? null,
    sdpMLineIndex: optionalInteger(c, 'sdpMLineIndex', 0, 65535) ?? null,
    usernameFragment: optionalString(c, 'usernameFragment', 256) ?? null,
  };
}

function invalidRequest(message: string): SignalingError {
  return new SignalingError(400, 'invalid-request', message);
}

// ---- encoding server → client ----

/** A server → client message, before framing. */
export type RoomNotice =
  | { kind: 'peer-joined'; room: string; peerId: string }
  | { kind: 'peer-left'; room: string; peerId: string }
  | { kind: 'signal'; signal: SignalKind; from: string; sdp?: string; candidate?: TrickleCandidate | null };

export function encodeNotice(notice: RoomNotice, framing: Framing): object {
  if (notice.kind === 'signal') {
    const body = notice.signal === 'candidate' ? { from: notice.from, candidate: notice.candidate } : { from: notice.from, sdp: notice.sdp };
    return framing === 'plain' ? { type: notice.signal, ...body } : notification(RPC_NAME[notice.signal], body);
  }
  const body = { room: notice.room, peerId: notice.peerId };
  if (framing === 'plain') return { type: notice.kind, ...body };
  return notification(notice.kind === 'peer-joined' ? 'announce' : 'disconnect', body);
}

/**
 * The reply to a request that succeeded: plain framing names it by `type`
 * ('joined', 'left', 'pong'; relays get no reply), JSON-RPC returns `result`.
 */
export function encodeResult(d: Decoded, plainType: string | undefined, result: object | string): object | undefined {
  if (d.framing === 'json-rpc') return d.id === undefined ? undefined : response(d.id, result);
  if (plainType === undefined) return undefined;
  return typeof result === 'string' ? { type: plainType } : { type: plainType, ...result };
}

/** JSON-RPC error object for a SignalingError code (§5.1 codes where they apply). */
export function rpcError(err: SignalingError): JsonRpcError {
  switch (err.code) {
    case 'bad-json':
      return { code: JsonRpcCode.PARSE_ERROR, message: err.message };
    case 'invalid-request':
      return { code: JsonRpcCode.INVALID_REQUEST, message: err.message };
    case 'method-not-found':
      return { code: JsonRpcCode.METHOD_NOT_FOUND, message: err.message };
    case 'bad-params':
    case 'missing-field':
    case 'bad-field':
    case 'bad-sdp':
      return { code: JsonRpcCode.INVALID_PARAMS, message: err.message, data: { code: err.code } };
    default:
      return { code: JsonRpcCode.SERVER_ERROR, message: err.message, data: { code: err.code } };
  }
}

/** The error reply, or undefined for a JSON-RPC notification (never answered, §4.1). */
export function encodeError(d: Decoded, err: SignalingError): object | undefined {
  if (d.framing === 'json-rpc') return d.id === undefined ? undefined : errorResponse(d.id, rpcError(err));
  return { type: 'error', code: err.code, message: err.message, ...(d.name !== undefined && { request: d.name.slice(0, 40) }) };
}
