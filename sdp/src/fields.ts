/**
 * The structured lines and attribute values WebRTC reads, each parsed from [start, end)
 * offsets into the text: o= (RFC 8866 §5.2), c= (§5.7), m= (§5.14), a=group (RFC 5888 §5,
 * RFC 9143), a=setup (RFC 4145 §4, RFC 8842), a=ice-options (RFC 8839 §5.6),
 * a=msid-semantic (draft-ietf-mmusic-msid-05, what browsers still send), a=sctpmap
 * (draft-ietf-mmusic-sctp-sdp-05, the pre-RFC 8841 form).
 */
import { SdpError, type SdpErrorCode } from './errors.js';
import { clip, equalsAt, isDigits, nextSpace, readUint, skipSpaces, SP } from './scan.js';

export interface Origin {
  username: string;
  /** A decimal string: browsers use 63-bit ids, beyond Number precision. */
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

export interface Connection {
  netType: string;
  addrType: string;
  /** The connection-address as written (an IP literal, possibly with /ttl, or an FQDN). */
  address: string;
}

export interface MediaLine {
  /** 'audio', 'video', 'application', ... */
  kind: string;
  port: number;
  /** The `/<number of ports>` suffix when present. */
  numberOfPorts?: number;
  /** e.g. 'UDP/DTLS/SCTP', 'DTLS/SCTP', 'UDP/TLS/RTP/SAVPF'. */
  proto: string;
  /** fmt list: payload types for RTP, 'webrtc-datachannel' (RFC 8841) or the SCTP port (legacy). */
  formats: string[];
}

export interface Group {
  /** e.g. 'BUNDLE' (RFC 9143), 'LS'. */
  semantics: string;
  /** Identification tags (mids) in order. */
  mids: string[];
}

export interface MsidSemantic {
  semantic: string;
  identifiers: string[];
}

export interface Sctpmap {
  port: number;
  protocol: string;
  streams?: number;
}

export type Setup = 'actpass' | 'active' | 'passive' | 'holdconn';
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

const MAX_ID_DIGITS = 32;

/**
 * Token boundaries of the last line split by `splitFields` (start/end pairs). One shared
 * scratch: parsing is synchronous and the values are copied out before the next split.
 */
const fieldBounds = new Int32Array(16);

/**
 * Splits src[start, end) at single spaces into at least `min` fields (at most 8 recorded; the
 * last recorded field runs to the end when `restInLast`). Returns the number of fields.
 */
function splitFields(src: string, start: number, end: number, min: number, max: number, code: SdpErrorCode, line: number, what: string): number {
  let n = 0;
  let p = start;
  while (p < end && n < max) {
    const q = n === max - 1 ? end : nextSpace(src, p, end);
    if (q === p) throw new SdpError(code, `empty field in ${what} "${clip(src, start, end)}"`, line);
    fieldBounds[2 * n] = p;
    fieldBounds[2 * n + 1] = q;
    n++;
    p = q + 1;
    if (q < end && p === end) throw new SdpError(code, `trailing space in ${what}`, line);
  }
  if (n < min) throw new SdpError(code, `${what} needs ${min} fields: "${clip(src, start, end)}"`, line);
  return n;
}

/** Trailing spaces on o=, c= and m= lines are tolerated (some gateways write them) and ignored. */
function trimEnd(src: string, start: number, end: number): number {
  while (end > start && src.charCodeAt(end - 1) === SP) end--;
  return end;
}

function field(src: string, i: number): string {
  return src.slice(fieldBounds[2 * i], fieldBounds[2 * i + 1]);
}

/** Checks an o= value (called by the parser, allocation-free). */
export function checkOrigin(src: string, start: number, end: number, line: number): void {
  end = trimEnd(src, start, end);
  splitFields(src, start, end, 6, 6, 'bad-origin', line, 'o=');
  if (!isDigits(src, fieldBounds[2], fieldBounds[3], MAX_ID_DIGITS)) throw new SdpError('bad-origin', 'sess-id is not a decimal number', line);
  if (!isDigits(src, fieldBounds[4], fieldBounds[5], MAX_ID_DIGITS)) throw new SdpError('bad-origin', 'sess-version is not a decimal number', line);
  if (src.indexOf(' ', fieldBounds[10]) !== -1 && src.indexOf(' ', fieldBounds[10]) < end) throw new SdpError('bad-origin', 'o= has more than six fields', line);
}

export function parseOriginAt(src: string, start: number, end: number, line: number): Origin {
  checkOrigin(src, start, end, line);
  return { username: field(src, 0), sessionId: field(src, 1), sessionVersion: field(src, 2), netType: field(src, 3), addrType: field(src, 4), address: field(src, 5) };
}

export function parseConnectionAt(src: string, start: number, end: number, line: number): Connection {
  end = trimEnd(src, start, end);
  splitFields(src, start, end, 3, 3, 'bad-connection', line, 'c=');
  if (src.indexOf(' ', fieldBounds[4]) !== -1 && src.indexOf(' ', fieldBounds[4]) < end) throw new SdpError('bad-connection', 'c= has more than three fields', line);
  return { netType: field(src, 0), addrType: field(src, 1), address: field(src, 2) };
}

/** Checks an m= value: `<media> <port>[/<number of ports>] <proto> 1*(SP <fmt>)`. Allocation-free. */
export function checkMediaLine(src: string, start: number, end: number, line: number): void {
  end = trimEnd(src, start, end);
  splitFields(src, start, end, 4, 4, 'bad-media', line, 'm=');
  const ps = fieldBounds[2];
  const pe = fieldBounds[3];
  const slash = src.indexOf('/', ps);
  if (slash !== -1 && slash < pe) {
    readUint(src, ps, slash, 65535, 'bad-media', line);
    readUint(src, slash + 1, pe, 65535, 'bad-media', line);
  } else {
    readUint(src, ps, pe, 65535, 'bad-media', line);
  }
  // fmt list: single spaces, no empty fmt.
  const fs = fieldBounds[6];
  for (let p = fs; p < end; ) {
    const q = nextSpace(src, p, end);
    if (q === p || (q < end && q + 1 === end)) throw new SdpError('bad-media', 'empty fmt', line);
    p = q + 1;
  }
}

export function parseMediaLineAt(src: string, start: number, end: number, line: number): MediaLine {
  checkMediaLine(src, start, end, line);
  const ps = fieldBounds[2];
  const pe = fieldBounds[3];
  const slash = src.indexOf('/', ps);
  const m: MediaLine = { kind: field(src, 0), port: 0, proto: field(src, 2), formats: splitTokens(src, fieldBounds[6], end) };
  if (slash !== -1 && slash < pe) {
    m.port = readUint(src, ps, slash, 65535, 'bad-media', line);
    m.numberOfPorts = readUint(src, slash + 1, pe, 65535, 'bad-media', line);
  } else {
    m.port = readUint(src, ps, pe, 65535, 'bad-media', line);
  }
  return m;
}

/** Tokens separated by spaces (runs of spaces tolerated). */
export function splitTokens(src: string, start: number, end: number): string[] {
  const out: string[] = [];
  let p = skipSpaces(src, start, end);
  while (p < end) {
    const q = nextSpace(src, p, end);
    out.push(src.slice(p, q));
    p = skipSpaces(src, q, end);
  }
  return out;
}

export function parseGroupAt(src: string, start: number, end: number, line: number): Group {
  const p = skipSpaces(src, start, end);
  const q = nextSpace(src, p, end);
  if (p === q) throw new SdpError('bad-attribute', 'a=group without semantics', line);
  return { semantics: src.slice(p, q), mids: splitTokens(src, q, end) };
}

/** ice-options (RFC 8839 §5.6) are space-separated; libdatachannel writes `ice2,trickle`, so commas separate too. */
export function parseIceOptionsAt(src: string, start: number, end: number): string[] {
  const out: string[] = [];
  let p = start;
  while (p < end) {
    let q = p;
    while (q < end && src.charCodeAt(q) !== SP && src.charCodeAt(q) !== 0x2c) q++;
    if (q > p) out.push(src.slice(p, q));
    p = q + 1;
  }
  return out;
}

export function parseSetupAt(src: string, start: number, end: number, line: number): Setup {
  if (equalsAt(src, start, end, 'actpass')) return 'actpass';
  if (equalsAt(src, start, end, 'active')) return 'active';
  if (equalsAt(src, start, end, 'passive')) return 'passive';
  if (equalsAt(src, start, end, 'holdconn')) return 'holdconn';
  throw new SdpError('bad-attribute', `a=setup:${clip(src, start, end)} is not actpass, active, passive or holdconn`, line);
}

export function parseMsidSemanticAt(src: string, start: number, end: number, line: number): MsidSemantic {
  const tokens = splitTokens(src, start, end);
  if (tokens.length === 0) throw new SdpError('bad-attribute', 'a=msid-semantic without semantic', line);
  return { semantic: tokens[0], identifiers: tokens.slice(1) };
}

export function parseSctpmapAt(src: string, start: number, end: number, line: number): Sctpmap {
  const p = skipSpaces(src, start, end);
  const q = nextSpace(src, p, end);
  const port = readUint(src, p, q, 65535, 'bad-attribute', line);
  const ps = skipSpaces(src, q, end);
  const pe = nextSpace(src, ps, end);
  if (ps === pe) throw new SdpError('bad-attribute', 'a=sctpmap without protocol', line);
  const out: Sctpmap = { port, protocol: src.slice(ps, pe) };
  const ss = skipSpaces(src, pe, end);
  if (ss < end) out.streams = readUint(src, ss, nextSpace(src, ss, end), 65535, 'bad-attribute', line);
  return out;
}
