/**
 * The body of a WHIP trickle PATCH (RFC 9725 §4.3.1): an SDP fragment, media type
 * `application/trickle-ice-sdpfrag` (RFC 8840 §9), carrying candidates per media section:
 *
 *   a=ice-ufrag:EsAw
 *   a=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1
 *   m=application 9 UDP/DTLS/SCTP webrtc-datachannel
 *   a=mid:0
 *   a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0
 *   a=end-of-candidates
 */
import { SignalingError } from './errors.js';
import { MAX_CANDIDATE_LENGTH } from './validate.js';

/** One trickled candidate, shaped as the W3C `RTCIceCandidateInit`; `candidate: ''` = end. */
export interface TrickleCandidate {
  candidate: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
}

/** Most candidates one fragment may carry. */
export const MAX_FRAGMENT_CANDIDATES = 64;

export function parseTrickleSdpFrag(text: string): TrickleCandidate[] {
  const out: TrickleCandidate[] = [];
  let ufrag: string | null = null;
  let mid: string | null = null;
  let mLineIndex = -1;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') continue;
    if (line.startsWith('m=')) {
      mLineIndex++;
      mid = null;
    } else if (line.startsWith('a=ice-ufrag:')) {
      ufrag = line.slice('a=ice-ufrag:'.length);
    } else if (line.startsWith('a=mid:')) {
      mid = line.slice('a=mid:'.length);
    } else if (line.startsWith('a=candidate:')) {
      const candidate = line.slice(2);
      if (candidate.length > MAX_CANDIDATE_LENGTH) throw new SignalingError(400, 'bad-sdpfrag', 'candidate line too long');
      out.push(init(candidate, mid, mLineIndex, ufrag));
    } else if (line === 'a=end-of-candidates') {
      out.push(init('', mid, mLineIndex, ufrag));
    } else if (!/^[a-z]=/.test(line)) {
      throw new SignalingError(400, 'bad-sdpfrag', `not an SDP line: ${JSON.stringify(line.slice(0, 40))}`);
    }
    if (out.length > MAX_FRAGMENT_CANDIDATES) throw new SignalingError(400, 'bad-sdpfrag', `more than ${MAX_FRAGMENT_CANDIDATES} candidates`);
  }
  return out;
}

function init(candidate: string, mid: string | null, mLineIndex: number, ufrag: string | null): TrickleCandidate {
  return { candidate, sdpMid: mid, sdpMLineIndex: mLineIndex >= 0 ? mLineIndex : null, usernameFragment: ufrag };
}
