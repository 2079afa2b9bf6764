/**
 * ICE candidates in SDP (RFC 8839 §5.1):
 *
 *   candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP priority SP
 *                         connection-address SP port SP "typ" SP cand-type
 *                         [SP "raddr" SP connection-address] [SP "rport" SP port]
 *                         *(SP extension-att-name SP extension-att-value)
 *
 * The extensions browsers use are typed: `tcptype` (RFC 6544 §4.5), and libwebrtc's
 * `generation`, `ufrag`, `network-id`, `network-cost`. Any other extension is kept, in order.
 */
import { SdpError } from './errors.js';
import { clip, equalsAt, equalsIgnoreCaseAt, isIceChars, nextSpace, readUint, skipSpaces } from './scan.js';

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
export type TcpType = 'active' | 'passive' | 'so';

/** An extension this package does not type, as written (`name value`). */
export interface CandidateExtension {
  name: string;
  value: string;
}

export interface Candidate {
  /** 1*32 ice-char; equal foundations mean "same type, base and server" (RFC 8445 §5.1.1.3). */
  foundation: string;
  /** 1 (RTP, the only one a data channel uses) .. 256. */
  component: number;
  /** Lower-cased: 'udp' or 'tcp' (SDP writers use either case; RFC 8839 tokens are case-insensitive). */
  transport: string;
  /** 0 .. 2^32 - 1. */
  priority: number;
  /** An IPv4 or IPv6 literal, or an FQDN such as an mDNS `<uuid>.local` name (RFC 8839 §5.1). */
  address: string;
  port: number;
  type: CandidateType;
  /** raddr / rport: the base of a srflx/prflx candidate, the mapped address of a relay one. */
  relatedAddress?: string;
  relatedPort?: number;
  /** RFC 6544 `tcptype`. */
  tcpType?: TcpType;
  /** libwebrtc `generation` (ICE restart count). */
  generation?: number;
  /** libwebrtc `ufrag` (the ICE ufrag the candidate belongs to; trickled strings carry it). */
  ufrag?: string;
  /** libwebrtc `network-id`. */
  networkId?: number;
  /** libwebrtc `network-cost` (10 ethernet, 50 Wi-Fi/veth, 900 cellular, 999 unknown). */
  networkCost?: number;
  /** Extensions not typed above, in their order. Absent when there are none. */
  extensions?: CandidateExtension[];
}

const U32 = 0xffffffff;
const PREFIX_A = 'a=';
const PREFIX_CANDIDATE = 'candidate:';

/**
 * Parses a candidate attribute value: `candidate:<foundation> ...` with or without the `a=`
 * prefix, or the bare value after `candidate:` (as an SDP a= line carries it).
 * Throws `SdpError('bad-candidate')` when the value does not follow RFC 8839 §5.1.
 */
export function parseCandidate(value: string): Candidate {
  if (typeof value !== 'string') throw new SdpError('bad-candidate', 'candidate is not a string');
  let start = 0;
  if (value.startsWith(PREFIX_A)) start = 2;
  if (value.startsWith(PREFIX_CANDIDATE, start)) start += PREFIX_CANDIDATE.length;
  let end = value.length;
  // Signalling channels sometimes keep the line end.
  while (end > start && (value.charCodeAt(end - 1) === 13 || value.charCodeAt(end - 1) === 10)) end--;
  return parseCandidateAt(value, start, end, 0);
}

/**
 * Parses the candidate in src[start, end) (the part after `candidate:`); `line` is the SDP line
 * number for errors.
 */
export function parseCandidateAt(src: string, start: number, end: number, line: number): Candidate {
  let p = skipSpaces(src, start, end);
  let q = nextSpace(src, p, end);
  if (q - p > 32 || !isIceChars(src, p, q)) fail(src, start, end, line, 'foundation is not 1*32 ice-char');
  const foundation = src.slice(p, q);

  p = skipSpaces(src, q, end);
  q = nextSpace(src, p, end);
  const component = readUint(src, p, q, 256, 'bad-candidate', line);
  if (component < 1) fail(src, start, end, line, 'component-id 0');

  p = skipSpaces(src, q, end);
  q = nextSpace(src, p, end);
  let transport: string;
  if (equalsIgnoreCaseAt(src, p, q, 'udp')) transport = 'udp';
  else if (equalsIgnoreCaseAt(src, p, q, 'tcp')) transport = 'tcp';
  else if (p < q) transport = src.slice(p, q).toLowerCase();
  else return fail(src, start, end, line, 'missing transport');

  p = skipSpaces(src, q, end);
  q = nextSpace(src, p, end);
  const priority = readUint(src, p, q, U32, 'bad-candidate', line);

  p = skipSpaces(src, q, end);
  q = nextSpace(src, p, end);
  if (p === q) fail(src, start, end, line, 'missing connection-address');
  const address = src.slice(p, q);

  p = skipSpaces(src, q, end);
  q = nextSpace(src, p, end);
  const port = readUint(src, p, q, 65535, 'bad-candidate', line);

  p = skipSpaces(src, q, end);
  q = nextSpace(src, p, end);
  if (!equalsAt(src, p, q, 'typ')) fail(src, start, end, line, 'missing "typ"');
  p = skipSpaces(src, q, end);
  q = nextSpace(src, p, end);
  let type: CandidateType;
  if (equalsAt(src, p, q, 'host')) type = 'host';
  else if (equalsAt(src, p, q, 'srflx')) type = 'srflx';
  else if (equalsAt(src, p, q, 'prflx')) type = 'prflx';
  else if (equalsAt(src, p, q, 'relay')) type = 'relay';
  else return fail(src, start, end, line, 'cand-type is not host, srflx, prflx or relay');

  const c: Candidate = { foundation, component, transport, priority, address, port, type };
  // The rest is name/value pairs: raddr, rport, then extensions (RFC 8839 §5.1).
  p = skipSpaces(src, q, end);
  while (p < end) {
    const nameEnd = nextSpace(src, p, end);
    const vs = skipSpaces(src, nameEnd, end);
    const ve = nextSpace(src, vs, end);
    if (vs === ve) fail(src, start, end, line, `"${clip(src, p, nameEnd)}" has no value`);
    if (equalsAt(src, p, nameEnd, 'raddr')) c.relatedAddress = src.slice(vs, ve);
    else if (equalsAt(src, p, nameEnd, 'rport')) c.relatedPort = readUint(src, vs, ve, 65535, 'bad-candidate', line);
    else if (equalsAt(src, p, nameEnd, 'tcptype')) {
      if (equalsAt(src, vs, ve, 'active')) c.tcpType = 'active';
      else if (equalsAt(src, vs, ve, 'passive')) c.tcpType = 'passive';
      else if (equalsAt(src, vs, ve, 'so')) c.tcpType = 'so';
      else fail(src, start, end, line, 'tcptype is not active, passive or so');
    } else if (equalsAt(src, p, nameEnd, 'generation')) c.generation = readUint(src, vs, ve, U32, 'bad-candidate', line);
    else if (equalsAt(src, p, nameEnd, 'ufrag')) c.ufrag = src.slice(vs, ve);
    else if (equalsAt(src, p, nameEnd, 'network-id')) c.networkId = readUint(src, vs, ve, U32, 'bad-candidate', line);
    else if (equalsAt(src, p, nameEnd, 'network-cost')) c.networkCost = readUint(src, vs, ve, U32, 'bad-candidate', line);
    else (c.extensions ??= []).push({ name: src.slice(p, nameEnd), value: src.slice(vs, ve) });
    p = skipSpaces(src, ve, end);
  }
  return c;
}

function fail(src: string, start: number, end: number, line: number, why: string): never {
  throw new SdpError('bad-candidate', `${why} in "${clip(src, start, end)}"`, line);
}

/**
 * Writes a candidate as `candidate:<foundation> ...` (the W3C `RTCIceCandidate.candidate` form;
 * an SDP line is `a=` + this). Fields are written in libwebrtc's order: raddr, rport, tcptype,
 * generation, ufrag, network-id, network-cost, then the other extensions.
 * Throws `SdpError('bad-argument')` for a field that would not parse back.
 */
export function writeCandidate(c: Candidate): string {
  checkToken(c.foundation, 'foundation');
  checkToken(c.transport, 'transport');
  checkToken(c.address, 'address');
  checkInt(c.component, 1, 256, 'component');
  checkInt(c.priority, 0, U32, 'priority');
  checkInt(c.port, 0, 65535, 'port');
  let s = `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined) s += ` raddr ${checkToken(c.relatedAddress, 'relatedAddress')}`;
  if (c.relatedPort !== undefined) s += ` rport ${checkInt(c.relatedPort, 0, 65535, 'relatedPort')}`;
  if (c.tcpType !== undefined) s += ` tcptype ${c.tcpType}`;
  if (c.generation !== undefined) s += ` generation ${checkInt(c.generation, 0, U32, 'generation')}`;
  if (c.ufrag !== undefined) s += ` ufrag ${checkToken(c.ufrag, 'ufrag')}`;
  if (c.networkId !== undefined) s += ` network-id ${checkInt(c.networkId, 0, U32, 'networkId')}`;
  if (c.networkCost !== undefined) s += ` network-cost ${checkInt(c.networkCost, 0, U32, 'networkCost')}`;
  if (c.extensions) for (const e of c.extensions) s += ` ${checkToken(e.name, 'extension name')} ${checkToken(e.value, 'extension value')}`;
  return s;
}

/** True for an mDNS host name (`<uuid>.local`, RFC 8839 §5.1 / draft-ietf-mmusic-mdns-ice-candidates). */
export function isMdnsAddress(address: string): boolean {
  return address.length > 6 && address.endsWith('.local');
}

/** A field must be one token: non-empty, no SP, TAB, CR, LF or NUL (RFC 8839 §5.1 fields are SP-separated). */
function checkToken(v: string, what: string): string {
  if (typeof v !== 'string' || v.length === 0) return badToken(what);
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c <= 0x20) return badToken(what);
  }
  return v;
}

function badToken(what: string): never {
  throw new SdpError('bad-argument', `candidate ${what} must be a non-empty token without spaces or control characters`);
}

function checkInt(v: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new SdpError('bad-argument', `candidate ${what} must be an integer in ${min}..${max}`);
  return v;
}
