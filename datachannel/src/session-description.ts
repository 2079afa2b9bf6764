/**
 * The data-channel session descriptions of a peer connection: what we write (JSEP, RFC 8829
 * §5.2 / §5.3, data-only, one `m=application` section) and what we read from the peer
 * (RFC 8839 ICE, RFC 8842 DTLS, RFC 8841 SCTP attributes of the first data section).
 */
import { DataChannelError } from './errors.js';
import type { FingerprintValue, IceCandidateFields } from './engines.js';

export type SetupRole = 'actpass' | 'active' | 'passive';

export interface LocalDescriptionParams {
  type: 'offer' | 'answer';
  sessionId: string;
  sessionVersion: number;
  iceUfrag: string;
  icePwd: string;
  iceLite: boolean;
  fingerprints: FingerprintValue[];
  setup: SetupRole;
  mid: string;
  sctpPort: number;
  /** our a=max-message-size (what we accept) */
  maxMessageSize: number;
  /** our a=tsrtc-max-datagram (the largest DTLS datagram we accept); omitted when undefined */
  maxDatagram?: number;
  /** answer the pre-RFC 8841 form (`DTLS/SCTP 5000` + a=sctpmap) when the offer used it */
  legacy: boolean;
  /** candidate-attribute values (`candidate:…`) */
  candidates: string[];
  endOfCandidates: boolean;
  /** the address of the default candidate for c= and the m= port (RFC 8839 §4.2.1.3) */
  defaultAddress?: { address: string; port: number; family: 4 | 6 };
  /**
   * answering: every m-section of the offer in order; the data one is `null`, the others are
   * rejected with port 0 (JSEP RFC 8829 §5.3.1: the answer has the offer's m-lines, in order)
   */
  offerSections?: (OfferedSection | null)[];
}

/** An m-section of a remote offer that is not the data channel one (audio, video, a second application). */
export interface OfferedSection {
  kind: string;
  proto: string;
  format: string;
  mid: string | undefined;
}

/** Writes a data-only description, CRLF line ends. */
export function writeLocalDescription(p: LocalDescriptionParams): string {
  const d = p.defaultAddress;
  const ip = d ? `IN IP${d.family} ${d.address}` : 'IN IP4 0.0.0.0';
  const port = d ? d.port : 9;
  const lines = [
    'v=0',
    `o=- ${p.sessionId} ${p.sessionVersion} IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    `a=group:BUNDLE ${p.mid}`,
    'a=msid-semantic: WMS',
  ];
  if (p.iceLite) lines.push('a=ice-lite');
  const sections = p.offerSections ?? [null];
  for (const section of sections) {
    if (section === null) writeDataSection(lines, p, ip, port);
    else writeRejectedSection(lines, section);
  }
  return lines.join('\r\n') + '\r\n';
}

/** RFC 8829 §5.3.1 / RFC 8866 §5.14: a rejected m-section keeps its kind, proto, a format and its mid. */
function writeRejectedSection(lines: string[], s: OfferedSection): void {
  lines.push(`m=${s.kind} 0 ${s.proto} ${s.format}`, 'c=IN IP4 0.0.0.0');
  if (s.mid !== undefined) lines.push(`a=mid:${s.mid}`);
  lines.push('a=inactive');
}

function writeDataSection(lines: string[], p: LocalDescriptionParams, ip: string, port: number): void {
  if (p.legacy) {
    lines.push(`m=application ${port} DTLS/SCTP ${p.sctpPort}`);
  } else {
    lines.push(`m=application ${port} UDP/DTLS/SCTP webrtc-datachannel`);
  }
  lines.push(`c=${ip}`);
  for (const c of p.candidates) lines.push(`a=${c}`);
  if (p.endOfCandidates) lines.push('a=end-of-candidates');
  lines.push(`a=ice-ufrag:${p.iceUfrag}`, `a=ice-pwd:${p.icePwd}`);
  if (!p.iceLite) lines.push('a=ice-options:trickle');
  for (const f of p.fingerprints) lines.push(`a=fingerprint:${f.algorithm} ${f.value}`);
  lines.push(`a=setup:${p.setup}`, `a=mid:${p.mid}`);
  if (p.legacy) {
    lines.push(`a=sctpmap:${p.sctpPort} webrtc-datachannel 65535`);
  } else {
    lines.push(`a=sctp-port:${p.sctpPort}`);
  }
  lines.push(`a=max-message-size:${p.maxMessageSize}`);
  // not a registered attribute: others ignore it (RFC 8866 §5.13); it tells a tsrtc peer that
  // SCTP path MTU discovery may probe it (libwebrtc and aiortc break on large datagrams)
  if (p.maxDatagram !== undefined) lines.push(`a=tsrtc-max-datagram:${p.maxDatagram}`);
}

/** What we need of the peer's description. */
export interface RemoteDescriptionInfo {
  iceUfrag: string;
  icePwd: string;
  iceLite: boolean;
  iceOptions: string[];
  fingerprints: FingerprintValue[];
  setup: SetupRole | undefined;
  mid: string;
  /** index of the data m-section (for RTCIceCandidate.sdpMLineIndex) */
  mLineIndex: number;
  sctpPort: number;
  /** a=max-message-size; 65536 when absent (RFC 8841 §6.1); 0 = no limit */
  maxMessageSize: number;
  /** a=tsrtc-max-datagram: the largest DTLS datagram the peer accepts; undefined when absent (not tsrtc) */
  maxDatagram: number | undefined;
  legacy: boolean;
  candidates: IceCandidateFields[];
  endOfCandidates: boolean;
  /** every m-section in order; the data channel one is null */
  sections: (OfferedSection | null)[];
}

const fail = (message: string): never => {
  throw new DataChannelError('bad-sdp', message);
};

/**
 * Reads the first `application … DTLS/SCTP` section of a description, with session-level
 * fallbacks for ICE credentials, fingerprints and setup. Throws `DataChannelError('bad-sdp')`
 * when a piece data channels need is missing; candidates that do not parse are skipped.
 */
export function readRemoteDescription(sdp: string, parseCandidate: (text: string) => IceCandidateFields): RemoteDescriptionInfo {
  if (typeof sdp !== 'string' || !sdp.startsWith('v=')) fail('not an SDP description (must start with v=)');
  const session = new Map<string, string[]>();
  let media: Map<string, string[]> | undefined;
  let mLine = '';
  let mLineIndex = -1;
  let index = -1;
  let current = session;
  let found = false;
  const sections: (OfferedSection | null)[] = [];
  let other: OfferedSection | undefined;
  for (const raw of sdp.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length < 2 || line[1] !== '=') continue;
    if (line[0] === 'm') {
      index++;
      const parts = line.slice(2).split(' ');
      other = undefined;
      if (!found && parts[0] === 'application' && (parts[2] ?? '').endsWith('DTLS/SCTP')) {
        found = true;
        mLine = line;
        mLineIndex = index;
        media = new Map();
        current = media;
        sections.push(null);
      } else {
        // another section (media, or a second data section): answered as rejected
        other = { kind: parts[0] ?? 'application', proto: parts[2] ?? 'UDP/TLS/RTP/SAVPF', format: parts[3] ?? '0', mid: undefined };
        sections.push(other);
        current = new Map();
      }
      continue;
    }
    if (line[0] !== 'a') continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line.slice(2) : line.slice(2, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1);
    if (other !== undefined && name === 'mid') other.mid = value;
    let list = current.get(name);
    if (list === undefined) current.set(name, (list = []));
    list.push(value);
  }
  if (media === undefined) return fail('no m=application section with a DTLS/SCTP transport');
  const get = (name: string): string | undefined => media!.get(name)?.[0] ?? session.get(name)?.[0];
  const iceUfrag = (get('ice-ufrag') ?? fail('a=ice-ufrag is missing')).trim();
  const icePwd = (get('ice-pwd') ?? fail('a=ice-pwd is missing')).trim();
  // RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/"; ufrag 4..256, pwd 22..256 characters
  if (!/^[A-Za-z0-9+/]{4,256}$/.test(iceUfrag)) fail(`a=ice-ufrag "${iceUfrag.slice(0, 40)}" is not 4-256 ice-chars (RFC 8839 §5.4)`);
  if (!/^[A-Za-z0-9+/]{22,256}$/.test(icePwd)) fail('a=ice-pwd is not 22-256 ice-chars (RFC 8839 §5.4)');
  const fingerprintLines = media.get('fingerprint') ?? session.get('fingerprint') ?? [];
  const fingerprints: FingerprintValue[] = [];
  for (const f of fingerprintLines) {
    const [algorithm, value] = f.trim().split(/\s+/);
    if (algorithm && value) fingerprints.push({ algorithm: algorithm.toLowerCase(), value: value.toUpperCase() });
  }
  if (fingerprints.length === 0) fail('a=fingerprint is missing');
  const setupText = get('setup');
  const setup = setupText === 'actpass' || setupText === 'active' || setupText === 'passive' ? setupText : undefined;
  const mParts = mLine.slice(2).split(' ');
  const legacy = mParts[2] === 'DTLS/SCTP';
  let sctpPort = 5000;
  const sctpPortText = get('sctp-port');
  const sctpmap = media.get('sctpmap')?.[0];
  if (sctpPortText !== undefined) sctpPort = Number(sctpPortText);
  else if (sctpmap !== undefined) sctpPort = Number(sctpmap.split(' ')[0]);
  else if (legacy) sctpPort = Number(mParts[3]);
  if (!Number.isInteger(sctpPort) || sctpPort < 0 || sctpPort > 65535) fail(`bad SCTP port ${sctpPort}`);
  const mmsText = get('max-message-size');
  let maxMessageSize = 65536;
  if (mmsText !== undefined) {
    maxMessageSize = Number(mmsText);
    if (!Number.isInteger(maxMessageSize) || maxMessageSize < 0) fail(`bad a=max-message-size ${mmsText}`);
  }
  const maxDatagramText = media.get('tsrtc-max-datagram')?.[0];
  const maxDatagramValue = maxDatagramText === undefined ? NaN : Number(maxDatagramText);
  // a bad value is ignored (an attribute only we define is no reason to refuse a description)
  const maxDatagram = Number.isInteger(maxDatagramValue) && maxDatagramValue >= 1200 && maxDatagramValue <= 65535 ? maxDatagramValue : undefined;
  const candidates: IceCandidateFields[] = [];
  for (const c of media.get('candidate') ?? []) {
    try {
      candidates.push(parseCandidate('candidate:' + c));
    } catch {
      // RFC 8839 §5.1: an unparsable candidate is ignored, not fatal
    }
  }
  const options = get('ice-options');
  return {
    iceUfrag,
    icePwd,
    iceLite: session.has('ice-lite'),
    iceOptions: options === undefined ? [] : options.trim().split(/\s+/),
    fingerprints,
    setup,
    mid: media.get('mid')?.[0] ?? String(mLineIndex),
    mLineIndex,
    sctpPort,
    maxMessageSize,
    maxDatagram,
    legacy,
    candidates,
    endOfCandidates: media.has('end-of-candidates'),
    sections,
  };
}
