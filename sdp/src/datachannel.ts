/**
 * What the stack emits: a data-channel-only offer or answer (JSEP RFC 8829 §5.2, §5.3;
 * RFC 8841 for the m=application section), shaped like Chromium's, and the one-call reader of
 * everything a data channel needs from the remote description.
 */
import { writeCandidate, type Candidate } from './candidate.js';
import { SdpError } from './errors.js';
import { writeFingerprint, type Fingerprint } from './fingerprint.js';
import type { Setup } from './fields.js';
import { DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_SCTP_PORT, MediaDescription } from './media.js';
import { isIceChars } from './scan.js';
import { SessionDescription } from './session.js';

export interface DataChannelDescriptionOptions {
  /** Local ICE credentials (RFC 8839 §5.4: ufrag 4..256, pwd 22..256 ice-char). */
  ufrag: string;
  pwd: string;
  /** Our certificate fingerprints (at least one). */
  fingerprints: Fingerprint[];
  /** a=setup. Offer default 'actpass'; answer default: the opposite of the offer's active/passive, else 'active' ('passive' for ice-lite). */
  setup?: Setup;
  /** a=sctp-port. Default 5000. */
  sctpPort?: number;
  /** a=max-message-size. Default 262144 (what Chromium announces). */
  maxMessageSize?: number;
  /** Candidates to include (non-trickle, or those gathered so far). Default none. */
  candidates?: Candidate[];
  /** Add a=end-of-candidates (gathering complete). Default false. */
  endOfCandidates?: boolean;
  /** a=ice-lite at session level (RFC 8839 §5.3), for servers. Default false. */
  iceLite?: boolean;
  /** a=ice-options. Default ['trickle'], or [] with iceLite. */
  iceOptions?: string[];
  /** o= sess-id (decimal, up to 63 bits as browsers use). Required unless `random` is given. */
  sessionId?: string | bigint;
  /** o= sess-version. Default 2 (as Chromium's first description). */
  sessionVersion?: string | bigint | number;
  /** Fills `out` with random bytes; used for a sess-id when `sessionId` is absent. */
  random?: (out: Uint8Array) => void;
  /** a=mid of the data-channel section. Default '0' (an answer takes the offer's). */
  mid?: string;
  /** a=tls-id (RFC 8842 §5.2), optional. */
  tlsId?: string;
}

export interface DataChannelAnswerOptions extends DataChannelDescriptionOptions {
  /** The offer being answered: its data-channel mid, form (RFC 8841 or legacy sctpmap), BUNDLE, and other m= sections (rejected with port 0). */
  offer?: SessionDescription;
}

/** A data-channel offer: `m=application 9 UDP/DTLS/SCTP webrtc-datachannel`, BUNDLE, a=setup:actpass by default. */
export function buildDataChannelOffer(opts: DataChannelDescriptionOptions): SessionDescription {
  checkOptions(opts);
  const mid = opts.mid ?? '0';
  checkMid(mid);
  const media = dataChannelSection(opts, mid, opts.setup ?? 'actpass', false);
  return description(sessionLines(opts, [mid]), [media]);
}

/**
 * An answer to a data-channel offer (JSEP RFC 8829 §5.3.1): the offer's data-channel section is
 * accepted, every other m= section is rejected (port 0, same mid), BUNDLE lists the accepted mid.
 */
export function buildDataChannelAnswer(opts: DataChannelAnswerOptions): SessionDescription {
  checkOptions(opts);
  const offer = opts.offer;
  if (offer !== undefined && !(offer instanceof SessionDescription)) throw new SdpError('bad-argument', 'offer must be a SessionDescription (from parseSdp)');
  if (offer === undefined) {
    const mid = opts.mid ?? '0';
    checkMid(mid);
    return description(sessionLines(opts, [mid]), [dataChannelSection(opts, mid, opts.setup ?? defaultAnswerSetup(undefined, opts), false)]);
  }
  const dc = offer.dataChannelMedia;
  if (dc === undefined) throw new SdpError('missing-attribute', 'the offer has no SCTP data-channel section');
  const media: MediaDescription[] = [];
  let accepted: string | undefined;
  for (const m of offer.media) {
    const mid = m.mid;
    if (m === dc) {
      accepted = mid ?? opts.mid ?? '0';
      checkMid(accepted);
      const setup = opts.setup ?? defaultAnswerSetup(m.setup ?? offer.setup, opts);
      media.push(dataChannelSection(opts, accepted, setup, m.proto === 'DTLS/SCTP'));
    } else {
      // JSEP §5.3.1: a rejected section keeps its media type and proto, with port 0.
      const line = m.mediaLine;
      const lines = [`m=${line.kind} 0 ${line.proto} ${line.formats.join(' ')}`, 'c=IN IP4 0.0.0.0'];
      if (mid !== undefined) lines.push(`a=mid:${mid}`);
      media.push(new MediaDescription()._setTrustedLines(lines));
    }
  }
  // RFC 9143 §7.3: the answer's BUNDLE group holds the accepted sections the offer bundled.
  const offered = offer.bundle;
  const bundled = offered !== undefined && (dc.mid === undefined || offered.includes(dc.mid)) ? [accepted!] : [];
  return description(sessionLines(opts, bundled), media);
}

/** Everything the data-channel layer needs from a remote description, resolved and checked. */
export interface RemoteDataChannelParameters {
  mid: string | undefined;
  ufrag: string;
  pwd: string;
  iceLite: boolean;
  iceOptions: string[];
  fingerprints: Fingerprint[];
  setup: Setup | undefined;
  candidates: Candidate[];
  endOfCandidates: boolean;
  sctpPort: number;
  /** What the peer accepts (RFC 8841 §6.1: 65536 when absent, Infinity for 0). */
  maxMessageSize: number;
  /** Pre-RFC 8841 form (DTLS/SCTP + a=sctpmap). */
  legacy: boolean;
}

/**
 * Reads the data-channel section of a (remote) description. Throws `SdpError('missing-attribute')`
 * when there is none or it lacks ICE credentials or a fingerprint, and the getters' SdpErrors
 * for malformed values.
 */
export function dataChannelParameters(desc: SessionDescription): RemoteDataChannelParameters {
  const m = desc.dataChannelMedia;
  if (m === undefined) throw new SdpError('missing-attribute', 'no m=application section with DTLS/SCTP');
  const t = transportSection(desc, m);
  const ice = t.iceParameters(desc);
  if (ice.ufrag === undefined || ice.pwd === undefined) throw new SdpError('missing-attribute', 'no a=ice-ufrag / a=ice-pwd for the data-channel section', m.lineNumber(0));
  const dtls = t.dtlsParameters(desc);
  if (dtls.fingerprints.length === 0) throw new SdpError('missing-attribute', 'no a=fingerprint for the data-channel section', m.lineNumber(0));
  const sctp = m.sctpParameters();
  return {
    mid: m.mid,
    ufrag: ice.ufrag,
    pwd: ice.pwd,
    iceLite: ice.lite,
    iceOptions: ice.options,
    fingerprints: dtls.fingerprints,
    setup: dtls.setup,
    candidates: t.candidates,
    endOfCandidates: t.endOfCandidates,
    sctpPort: sctp.port,
    maxMessageSize: sctp.maxMessageSize,
    legacy: sctp.legacy,
  };
}

/**
 * The section describing `m`'s transport. RFC 9143 §7: sections of a BUNDLE group share the
 * transport of the group's tagged (first) m= section, and a bundle-only section may carry no
 * ICE attributes of its own. Browsers repeat them in every section; other peers need not.
 */
function transportSection(desc: SessionDescription, m: MediaDescription): MediaDescription {
  if (m.hasAttribute('ice-ufrag') || desc.hasAttribute('ice-ufrag')) return m;
  const mid = m.mid;
  if (mid === undefined) return m;
  for (const g of desc.groups) {
    if (g.semantics !== 'BUNDLE' || g.mids[0] === mid || !g.mids.includes(mid)) continue;
    for (const x of desc.media) if (x.mid === g.mids[0]) return x;
  }
  return m;
}

/** RFC 8842 §5.3 / JSEP §5.3.1: answer `active` to actpass, the opposite role otherwise; lite servers prefer `passive`. */
function defaultAnswerSetup(offered: Setup | undefined, opts: DataChannelDescriptionOptions): Setup {
  if (offered === 'active') return 'passive';
  if (offered === 'passive') return 'active';
  return opts.iceLite ? 'passive' : 'active';
}

/** A description from lines the builders assembled out of checked parts. */
function description(session: string[], media: MediaDescription[]): SessionDescription {
  return new SessionDescription(undefined, media)._setTrustedLines(session);
}

function sessionLines(opts: DataChannelDescriptionOptions, bundle: string[]): string[] {
  const lines = ['v=0', `o=- ${sessionId(opts)} ${sessionVersion(opts.sessionVersion)} IN IP4 127.0.0.1`, 's=-', 't=0 0'];
  if (bundle.length > 0) lines.push(`a=group:BUNDLE ${bundle.join(' ')}`);
  if (opts.iceLite) lines.push('a=ice-lite');
  return lines;
}

function dataChannelSection(opts: DataChannelDescriptionOptions, mid: string, setup: Setup, legacy: boolean): MediaDescription {
  if (typeof opts.ufrag !== 'string' || opts.ufrag.length < 4 || opts.ufrag.length > 256 || !isIceChars(opts.ufrag, 0, opts.ufrag.length)) {
    throw new SdpError('bad-argument', 'ufrag must be 4..256 ice-char (RFC 8839 §5.4)');
  }
  if (typeof opts.pwd !== 'string' || opts.pwd.length < 22 || opts.pwd.length > 256 || !isIceChars(opts.pwd, 0, opts.pwd.length)) {
    throw new SdpError('bad-argument', 'pwd must be 22..256 ice-char (RFC 8839 §5.4)');
  }
  if (!Array.isArray(opts.fingerprints) || opts.fingerprints.length === 0) throw new SdpError('bad-argument', 'at least one fingerprint is required');
  if (!['actpass', 'active', 'passive', 'holdconn'].includes(setup)) throw new SdpError('bad-argument', `setup ${String(setup)}`);
  const sctpPort = checkInt(opts.sctpPort ?? DEFAULT_SCTP_PORT, 1, 65535, 'sctpPort');
  const maxMessageSize = checkInt(opts.maxMessageSize ?? 262144, 0, Number.MAX_SAFE_INTEGER, 'maxMessageSize');
  const candidates = opts.candidates ?? [];
  // JSEP §5.2.1 / RFC 8839 §4.2.1.2: port and c= carry the default candidate, else 9 / 0.0.0.0.
  const dflt = candidates.find((c) => c.component === 1 && isIpLiteral(c.address));
  const port = dflt?.port ?? 9;
  const conn = dflt === undefined ? 'IN IP4 0.0.0.0' : `IN ${dflt.address.includes(':') ? 'IP6' : 'IP4'} ${dflt.address}`;
  const lines = legacy
    ? [`m=application ${port} DTLS/SCTP ${sctpPort}`, `c=${conn}`]
    : [`m=application ${port} UDP/DTLS/SCTP webrtc-datachannel`, `c=${conn}`];
  for (const c of candidates) lines.push(`a=${writeCandidate(c)}`);
  if (opts.endOfCandidates) lines.push('a=end-of-candidates');
  lines.push(`a=ice-ufrag:${opts.ufrag}`, `a=ice-pwd:${opts.pwd}`);
  const iceOptions = opts.iceOptions ?? (opts.iceLite ? [] : ['trickle']);
  for (const o of iceOptions) if (typeof o !== 'string' || !/^[A-Za-z0-9+/\-_.!%*~]+$/.test(o)) throw new SdpError('bad-argument', `ice option ${String(o)}`);
  if (iceOptions.length > 0) lines.push(`a=ice-options:${iceOptions.join(' ')}`);
  for (const f of opts.fingerprints) lines.push(`a=fingerprint:${writeFingerprint(f)}`);
  lines.push(`a=setup:${setup}`, `a=mid:${mid}`);
  if (opts.tlsId !== undefined) {
    if (!/^[A-Za-z0-9+/\-_]{20,255}$/.test(opts.tlsId)) throw new SdpError('bad-argument', 'tlsId must be 20..255 tls-id-char (RFC 8842 §5.2)');
    lines.push(`a=tls-id:${opts.tlsId}`);
  }
  if (legacy) lines.push(`a=sctpmap:${sctpPort} webrtc-datachannel 65535`);
  else lines.push(`a=sctp-port:${sctpPort}`);
  if (maxMessageSize !== DEFAULT_MAX_MESSAGE_SIZE || !legacy) lines.push(`a=max-message-size:${maxMessageSize}`);
  return new MediaDescription()._setTrustedLines(lines);
}

function sessionId(opts: DataChannelDescriptionOptions): string {
  if (opts.sessionId !== undefined) {
    const s = String(opts.sessionId);
    if (!/^[0-9]{1,20}$/.test(s)) throw new SdpError('bad-argument', 'sessionId must be a decimal number');
    return s;
  }
  if (opts.random === undefined) throw new SdpError('bad-argument', 'give sessionId or random');
  // RFC 8829 §5.2.1: a 64-bit random sess-id with the top bit clear (so it fits a signed int64).
  const b = new Uint8Array(8);
  opts.random(b);
  b[0] &= 0x7f;
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return v.toString();
}

function sessionVersion(v: string | bigint | number | undefined): string {
  const s = String(v ?? 2);
  if (!/^[0-9]{1,20}$/.test(s)) throw new SdpError('bad-argument', 'sessionVersion must be a decimal number');
  return s;
}

function checkOptions(opts: unknown): void {
  if (typeof opts !== 'object' || opts === null) throw new SdpError('bad-argument', 'options must be an object');
}

function checkMid(mid: string): void {
  // RFC 5888 §4: identification-tag = token.
  if (typeof mid !== 'string' || !/^[!#$%&'*+\-.^_`{|}~0-9A-Za-z]{1,255}$/.test(mid)) throw new SdpError('bad-argument', `mid ${String(mid)} is not a token`);
}

function checkInt(v: number, min: number, max: number, what: string): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new SdpError('bad-argument', `${what} must be an integer in ${min}..${max}`);
  return v;
}

function isIpLiteral(address: string): boolean {
  return address.includes(':') || /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(address);
}
