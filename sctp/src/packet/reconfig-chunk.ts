/**
 * RE-CONFIG chunk (RFC 6525 §3.1) and its parameters (§4): Outgoing / Incoming SSN Reset
 * Request, SSN/TSN Reset Request, Re-configuration Response, Add Outgoing/Incoming Streams.
 */
import { SctpError } from '../errors.js';
import { put16, put32, u16, u32 } from './bytes.js';
import { ChunkType, ParamType } from './constants.js';
import { concatParameters, readParameters } from './parameters.js';

export type ReconfigParameter =
  | { type: 'outgoing-reset'; requestSeq: number; responseSeq: number; lastAssignedTsn: number; streamIds: number[] }
  | { type: 'incoming-reset'; requestSeq: number; streamIds: number[] }
  | { type: 'ssn-tsn-reset'; requestSeq: number }
  | { type: 'response'; responseSeq: number; result: number; senderNextTsn?: number; receiverNextTsn?: number }
  | { type: 'add-streams'; outgoing: boolean; requestSeq: number; count: number }
  | { type: 'unknown'; paramType: number };

function streamList(v: Uint8Array, from: number): number[] {
  const ids: number[] = [];
  for (let o = from; o + 2 <= v.length; o += 2) ids.push(u16(v, o));
  return ids;
}

/** Decodes a RE-CONFIG value into its (one or two) parameters. Throws SctpError. */
export function decodeReconfig(value: Uint8Array): ReconfigParameter[] {
  const out: ReconfigParameter[] = [];
  for (const p of readParameters(value, 4)) {
    const v = p.value;
    const need = (n: number) => {
      if (v.length < n) throw new SctpError('truncated', `RE-CONFIG parameter ${p.type} too short`);
    };
    switch (p.type) {
      case ParamType.OUTGOING_SSN_RESET_REQUEST:
        need(12);
        out.push({ type: 'outgoing-reset', requestSeq: u32(v, 0), responseSeq: u32(v, 4), lastAssignedTsn: u32(v, 8), streamIds: streamList(v, 12) });
        break;
      case ParamType.INCOMING_SSN_RESET_REQUEST:
        need(4);
        out.push({ type: 'incoming-reset', requestSeq: u32(v, 0), streamIds: streamList(v, 4) });
        break;
      case ParamType.SSN_TSN_RESET_REQUEST:
        need(4);
        out.push({ type: 'ssn-tsn-reset', requestSeq: u32(v, 0) });
        break;
      case ParamType.RECONFIGURATION_RESPONSE:
        need(8);
        out.push(
          v.length >= 16
            ? { type: 'response', responseSeq: u32(v, 0), result: u32(v, 4), senderNextTsn: u32(v, 8), receiverNextTsn: u32(v, 12) }
            : { type: 'response', responseSeq: u32(v, 0), result: u32(v, 4) },
        );
        break;
      case ParamType.ADD_OUTGOING_STREAMS_REQUEST:
      case ParamType.ADD_INCOMING_STREAMS_REQUEST:
        need(6);
        out.push({ type: 'add-streams', outgoing: p.type === ParamType.ADD_OUTGOING_STREAMS_REQUEST, requestSeq: u32(v, 0), count: u16(v, 4) });
        break;
      default:
        out.push({ type: 'unknown', paramType: p.type });
    }
  }
  return out;
}

export function encodeOutgoingResetRequest(requestSeq: number, responseSeq: number, lastAssignedTsn: number, streamIds: number[]): Uint8Array {
  const len = 16 + 2 * streamIds.length;
  const out = new Uint8Array((len + 3) & ~3);
  put16(out, 0, ParamType.OUTGOING_SSN_RESET_REQUEST);
  put16(out, 2, len);
  put32(out, 4, requestSeq);
  put32(out, 8, responseSeq);
  put32(out, 12, lastAssignedTsn);
  for (let i = 0; i < streamIds.length; i++) put16(out, 16 + 2 * i, streamIds[i]);
  return out;
}

export function encodeReconfigResponse(responseSeq: number, result: number): Uint8Array {
  const out = new Uint8Array(12);
  put16(out, 0, ParamType.RECONFIGURATION_RESPONSE);
  put16(out, 2, 12);
  put32(out, 4, responseSeq);
  put32(out, 8, result);
  return out;
}

/** Wraps encoded parameters in a RE-CONFIG chunk (header included). */
export function encodeReconfig(params: Uint8Array[]): Uint8Array {
  const body = concatParameters(params);
  const out = new Uint8Array(4 + body.length);
  out[0] = ChunkType.RE_CONFIG;
  put16(out, 2, out.length);
  out.set(body, 4);
  return out;
}
