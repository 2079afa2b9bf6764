/**
 * JSON-RPC 2.0 framing (https://www.jsonrpc.org/specification) for the room server:
 * request/response/notification envelopes and the error object.
 *
 * - A request has `jsonrpc: "2.0"`, a string `method`, optional `params` (object here), and an
 *   `id` (string, number or null). Without `id` it is a notification: the server never
 *   replies to it, not even with an error (§4.1).
 * - A response carries exactly one of `result` / `error`, and the request's `id` (null when
 *   the id could not be read, e.g. after a parse error, §5).
 */

/** Reserved error codes (§5.1) and the room server's own (the -32000..-32099 range). */
export const JsonRpcCode = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  /** Application errors: `data.code` names the room server's error code. */
  SERVER_ERROR: -32000,
} as const;

export type JsonRpcId = string | number | null;

export interface JsonRpcError {
  code: number;
  message: string;
  data?: unknown;
}

export const response = (id: JsonRpcId, result: unknown) => ({ jsonrpc: '2.0' as const, result, id });
export const errorResponse = (id: JsonRpcId, error: JsonRpcError) => ({ jsonrpc: '2.0' as const, error, id });
export const notification = (method: string, params: object) => ({ jsonrpc: '2.0' as const, method, params });

export function isValidId(id: unknown): id is JsonRpcId {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}
