/**
 * The small control chunks (RFC 9260 §3.3.5 - §3.3.13): HEARTBEAT(-ACK), ABORT, SHUTDOWN,
 * SHUTDOWN-ACK, SHUTDOWN-COMPLETE, ERROR, COOKIE-ECHO, COOKIE-ACK, and error causes.
 */
import { SctpError } from '../errors.js';
import { put16, put32, u16, u32 } from './bytes.js';
import { CauseCode, ChunkType, ParamType } from './constants.js';
import { readParameters } from './parameters.js';

/** A chunk with a value copied in (header included). */
export function encodeChunk(type: number, flags: number, value: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(4 + value.length);
  out[0] = type;
  out[1] = flags;
  put16(out, 2, out.length);
  out.set(value, 4);
  return out;
}

/** HEARTBEAT / HEARTBEAT-ACK carry one Heartbeat Info parameter (RFC 9260 §3.3.5). */
export function encodeHeartbeat(ack: boolean, info: Uint8Array): Uint8Array {
  const v = new Uint8Array(4 + info.length);
  put16(v, 0, ParamType.HEARTBEAT_INFO);
  put16(v, 2, v.length);
  v.set(info, 4);
  return encodeChunk(ack ? ChunkType.HEARTBEAT_ACK : ChunkType.HEARTBEAT, 0, v);
}

/** The Heartbeat Info value of a HEARTBEAT(-ACK), a view. Throws SctpError. */
export function decodeHeartbeatInfo(value: Uint8Array): Uint8Array {
  const params = readParameters(value, 4);
  const info = params.find((p) => p.type === ParamType.HEARTBEAT_INFO);
  if (!info) throw new SctpError('missing-parameter', 'HEARTBEAT without Heartbeat Info');
  return info.value;
}

/** SHUTDOWN carries the cumulative TSN ack (RFC 9260 §3.3.8). */
export function encodeShutdown(cumulativeTsnAck: number): Uint8Array {
  const v = new Uint8Array(4);
  put32(v, 0, cumulativeTsnAck);
  return encodeChunk(ChunkType.SHUTDOWN, 0, v);
}

export function decodeShutdown(value: Uint8Array): number {
  if (value.length < 4) throw new SctpError('truncated', 'SHUTDOWN shorter than 8 bytes');
  return u32(value, 0);
}

export interface ErrorCause {
  code: number;
  info: Uint8Array;
}

/** Encodes one error cause (TLV, padded). */
export function encodeCause(code: number, info: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array((4 + info.length + 3) & ~3);
  put16(out, 0, code);
  put16(out, 2, 4 + info.length);
  out.set(info, 4);
  return out;
}

/** Decodes the error causes of an ABORT or ERROR chunk. Throws SctpError. */
export function decodeCauses(value: Uint8Array): ErrorCause[] {
  return readParameters(value, 4).map((p) => ({ code: p.type, info: p.value }));
}

/** ABORT (RFC 9260 §3.3.7); T bit set when the tag is the receiver's own (reflected). */
export function encodeAbort(tBit: boolean, causes: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of causes) n += c.length;
  const v = new Uint8Array(n);
  let o = 0;
  for (const c of causes) v.set(c, o), (o += c.length);
  return encodeChunk(ChunkType.ABORT, tBit ? 1 : 0, v);
}

/** A short human-readable description of error causes (for 'aborted' events). */
export function describeCauses(causes: ErrorCause[]): string {
  const names: Record<number, string> = {};
  for (const [k, v] of Object.entries(CauseCode)) names[v] = k.toLowerCase().replace(/_/g, '-');
  return causes
    .map((c) => {
      const name = names[c.code] ?? `cause-${c.code}`;
      if (c.code === CauseCode.USER_INITIATED_ABORT || c.code === CauseCode.PROTOCOL_VIOLATION) {
        return `${name}: ${new TextDecoder('utf-8', { fatal: false }).decode(c.info)}`;
      }
      return name;
    })
    .join(', ');
}

