/**
 * INIT and INIT-ACK (RFC 9260 §3.3.2, §3.3.3) with the extension parameters WebRTC uses:
 * Forward-TSN-Supported (RFC 3758 §3.1), Supported Extensions (RFC 5061 §4.2.7),
 * Zero Checksum Acceptable (RFC 9653 §3), and the State Cookie (INIT-ACK only).
 */
import { SctpError } from '../errors.js';
import { put16, put32, u16, u32 } from './bytes.js';
import { ChunkType, ParamType } from './constants.js';
import { concatParameters, encodeParameter, readParameters, unknownParameterAction } from './parameters.js';

export interface InitChunk {
  initiateTag: number;
  aRwnd: number;
  outboundStreams: number;
  inboundStreams: number;
  initialTsn: number;
  forwardTsnSupported: boolean;
  /** chunk types listed in Supported Extensions (0x8008) */
  supportedExtensions: number[];
  /** RFC 9653 error detection method the sender accepts instead of CRC32c (1 = DTLS) */
  zeroChecksumMethod?: number;
  /** INIT-ACK only */
  stateCookie?: Uint8Array;
  /** unknown parameters whose type asks to be reported (bit 0x4000), raw views */
  unrecognized: Uint8Array[];
  /** types of unknown parameters skipped or that stopped processing (for tests/stats) */
  unknownTypes: number[];
}

const FIXED = 16;

/** Decodes an INIT or INIT-ACK value (after the chunk header). Throws SctpError. */
export function decodeInit(value: Uint8Array, isInitAck: boolean): InitChunk {
  if (value.length < FIXED) throw new SctpError('truncated', 'INIT shorter than 20 bytes', 4);
  const init: InitChunk = {
    initiateTag: u32(value, 0),
    aRwnd: u32(value, 4),
    outboundStreams: u16(value, 8),
    inboundStreams: u16(value, 10),
    initialTsn: u32(value, 12),
    forwardTsnSupported: false,
    supportedExtensions: [],
    unrecognized: [],
    unknownTypes: [],
  };
  for (const p of readParameters(value.subarray(FIXED), FIXED + 4)) {
    switch (p.type) {
      case ParamType.FORWARD_TSN_SUPPORTED:
        init.forwardTsnSupported = true;
        break;
      case ParamType.SUPPORTED_EXTENSIONS:
        for (const t of p.value) init.supportedExtensions.push(t);
        break;
      case ParamType.ZERO_CHECKSUM_ACCEPTABLE:
        if (p.value.length >= 4) init.zeroChecksumMethod = u32(p.value, 0);
        break;
      case ParamType.STATE_COOKIE:
        if (isInitAck) init.stateCookie = p.value;
        break;
      // known parameters a single-homed WebRTC endpoint ignores (RFC 8261 §5)
      case ParamType.IPV4_ADDRESS:
      case ParamType.IPV6_ADDRESS:
      case ParamType.COOKIE_PRESERVATIVE:
      case ParamType.HOST_NAME_ADDRESS:
      case ParamType.SUPPORTED_ADDRESS_TYPES:
        break;
      default: {
        const { skip, report } = unknownParameterAction(p.type);
        init.unknownTypes.push(p.type);
        if (report) init.unrecognized.push(p.raw);
        if (!skip) return init; // 00 / 01: stop processing this chunk's parameters
      }
    }
  }
  return init;
}

export interface InitFields {
  initiateTag: number;
  aRwnd: number;
  outboundStreams: number;
  inboundStreams: number;
  initialTsn: number;
  forwardTsnSupported: boolean;
  supportedExtensions: number[];
  zeroChecksumMethod?: number;
  stateCookie?: Uint8Array;
  /** extra encoded parameters appended as is (e.g. Unrecognized Parameter reports) */
  extraParameters?: Uint8Array[];
}

/** Encodes an INIT (type 1) or INIT-ACK (type 2) chunk, header included. */
export function encodeInit(type: typeof ChunkType.INIT | typeof ChunkType.INIT_ACK, f: InitFields): Uint8Array {
  const params: Uint8Array[] = [];
  if (f.stateCookie) params.push(encodeParameter(ParamType.STATE_COOKIE, f.stateCookie));
  if (f.forwardTsnSupported) params.push(encodeParameter(ParamType.FORWARD_TSN_SUPPORTED, new Uint8Array(0)));
  if (f.supportedExtensions.length) params.push(encodeParameter(ParamType.SUPPORTED_EXTENSIONS, Uint8Array.from(f.supportedExtensions)));
  if (f.zeroChecksumMethod !== undefined) {
    const v = new Uint8Array(4);
    put32(v, 0, f.zeroChecksumMethod);
    params.push(encodeParameter(ParamType.ZERO_CHECKSUM_ACCEPTABLE, v));
  }
  if (f.extraParameters) params.push(...f.extraParameters);
  const body = concatParameters(params);
  const out = new Uint8Array(4 + FIXED + body.length);
  out[0] = type;
  // the Chunk Length excludes the last parameter's padding (RFC 9260 §3.2)
  const last = params[params.length - 1];
  put16(out, 2, out.length - (last ? last.length - u16(last, 2) : 0));
  put32(out, 4, f.initiateTag);
  put32(out, 8, f.aRwnd);
  put16(out, 12, f.outboundStreams);
  put16(out, 14, f.inboundStreams);
  put32(out, 16, f.initialTsn);
  out.set(body, 20);
  return out;
}
