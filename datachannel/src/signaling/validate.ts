/**
 * Validation of untrusted signaling messages (HTTP bodies and WebSocket frames alike).
 * Every check throws `SignalingError(400, …)` naming the field, so the caller can reply
 * with the message and carry on: a bad message never reaches a handler.
 */
import { SignalingError } from './errors.js';

/** A decoded JSON object (not an array, not null). */
export type JsonObject = Record<string, unknown>;

/** Longest SDP we accept; a data-channel offer with many candidates is a few KiB. */
export const MAX_SDP_LENGTH = 64 * 1024;
/** Longest ICE candidate attribute value (RFC 8839 §5.1 has no limit; real ones are < 300). */
export const MAX_CANDIDATE_LENGTH = 1024;
/** Longest session id, room name or peer id. */
export const MAX_ID_LENGTH = 128;

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SignalingError(400, 'bad-json', `body is not valid JSON: ${(err as Error).message}`);
  }
}

export function parseJsonObject(text: string): JsonObject {
  const value = parseJson(text);
  if (!isJsonObject(value)) throw new SignalingError(400, 'bad-json', 'body must be a JSON object');
  return value;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireString(obj: JsonObject, field: string, maxLength: number): string {
  const value = obj[field];
  if (value === undefined || value === null) throw missing(field);
  return checkString(value, field, maxLength);
}

export function optionalString(obj: JsonObject, field: string, maxLength: number): string | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  return checkString(value, field, maxLength);
}

export function optionalInteger(obj: JsonObject, field: string, min: number, max: number): number | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SignalingError(400, 'bad-field', `field "${field}" must be an integer in [${min}, ${max}]`);
  }
  return value;
}

export function optionalBoolean(obj: JsonObject, field: string): boolean | undefined {
  const value = obj[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new SignalingError(400, 'bad-field', `field "${field}" must be a boolean`);
  return value;
}

/** A session id, room name or peer id: 1..128 characters of `[A-Za-z0-9._~-]`. */
export function requireId(obj: JsonObject, field: string): string {
  const value = requireString(obj, field, MAX_ID_LENGTH);
  if (!ID_PATTERN.test(value)) {
    throw new SignalingError(400, 'bad-field', `field "${field}" must be 1-${MAX_ID_LENGTH} characters of A-Z a-z 0-9 . _ ~ -`);
  }
  return value;
}

export function optionalId(obj: JsonObject, field: string): string | undefined {
  return obj[field] === undefined || obj[field] === null ? undefined : requireId(obj, field);
}

export const ID_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;

/** The SDP of an offer or answer: a string that starts like RFC 8866 says (`v=0`). */
export function requireSdp(obj: JsonObject, field = 'sdp'): string {
  const sdp = requireString(obj, field, MAX_SDP_LENGTH);
  checkSdpText(sdp);
  return sdp;
}

export function checkSdpText(sdp: string): string {
  if (!sdp.startsWith('v=0')) throw new SignalingError(400, 'bad-sdp', 'SDP must start with "v=0" (RFC 8866 §5)');
  if (sdp.length > MAX_SDP_LENGTH) throw new SignalingError(400, 'bad-sdp', `SDP longer than ${MAX_SDP_LENGTH} characters`);
  return sdp;
}

/** When a message says `type`, it must be the expected one (`offer` where an offer is due). */
export function checkType(obj: JsonObject, expected: string): void {
  if (obj.type !== undefined && obj.type !== expected) {
    throw new SignalingError(400, 'bad-field', `field "type" must be "${expected}"`);
  }
}

function checkString(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string') throw new SignalingError(400, 'bad-field', `field "${field}" must be a string`);
  if (value.length > maxLength) throw new SignalingError(400, 'bad-field', `field "${field}" is longer than ${maxLength} characters`);
  return value;
}

function missing(field: string): SignalingError {
  return new SignalingError(400, 'missing-field', `missing field "${field}"`);
}
