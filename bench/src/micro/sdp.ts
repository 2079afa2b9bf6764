/**
 * SDP micro-benchmarks: @tsrtc/sdp against sdp-transform, the `sdp` package (SDPUtils) and
 * werift's SDP code, each on the same checked-in inputs (bench/fixtures/sdp/):
 *
 * - chromium-156.offer.4-candidates.sdp — Chromium 156's data-channel offer
 *   (shared/fixtures/sdp/chromium-156.offer.mdns-on.complete.sdp, 1 real `.local` candidate) with
 *   three real-shaped candidate lines ADDED after it so it has the issue's 4 candidates: a UDP host
 *   IPv6 (2001:db8:: documentation prefix), a srflx with raddr/rport (203.0.113.0/24 documentation
 *   address) and a TCP host `tcptype passive` on the same `.local` name. 21 lines, 975 bytes.
 * - chromium-156.offer.av-data.mdns-on.complete.sdp — unmodified Chromium 156 audio + video + data
 *   offer, 174 lines, 6121 bytes.
 * - wrtc-0.10.0.trickled-candidate.txt — a trickled libwebrtc candidate string (ufrag, network-id,
 *   network-cost) from shared/fixtures/sdp/trickled-candidates.json.
 *
 * tsrtc's parse is zero-copy and lazy (line offsets + structural checks; values are read when
 * asked), while sdp-transform and werift build a full object tree. The "parse + read
 * data-channel parameters" group makes the comparison like for like: every implementation ends
 * holding the ICE credentials, fingerprint, setup, candidates, SCTP port and max-message-size.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as SDPUtilsModule from 'sdp';
import { SessionDescription as WeriftSession, candidateFromSdp, candidateToSdp } from 'werift';
import { buildDataChannelAnswer, dataChannelParameters, parseCandidate, parseSdp, writeCandidate, writeSdp } from '@tsrtc/sdp';
import type { MicroCase, MicroSuite } from './types.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/sdp/${name}`, import.meta.url), 'utf8');

const dcOffer = fixture('chromium-156.offer.4-candidates.sdp');
const avOffer = fixture('chromium-156.offer.av-data.mdns-on.complete.sdp');
// As a signalling message delivers it: a flat string out of JSON.parse (not a slice of the file).
const trickled = JSON.parse(JSON.stringify(fixture('wrtc-0.10.0.trickled-candidate.txt').trim())) as string;

// sdp-transform ships no type declarations (and @types/sdp-transform is not installed).
const sdpTransform = createRequire(import.meta.url)('sdp-transform') as { parse(sdp: string): object; write(session: object): string };
// The `sdp` package is CommonJS with a default export object.
const SDPUtils = ((SDPUtilsModule as unknown as { default?: unknown }).default ?? SDPUtilsModule) as typeof import('sdp');

/** The models each writer starts from, built once (write benchmarks measure writing only). */
function materialised(text: string) {
  const d = parseSdp(text);
  void d.lines; // copy every line out of the source: the writer takes its general path
  for (const m of d.media) void m.lines;
  if (writeSdp(d) !== text) throw new Error('tsrtc round trip is not byte-identical');
  return d;
}
const dcModel = materialised(dcOffer);
const avModel = materialised(avOffer);
const dcTransform = sdpTransform.parse(dcOffer);
const avTransform = sdpTransform.parse(avOffer);
const dcWerift = WeriftSession.parse(dcOffer);
const avWerift = WeriftSession.parse(avOffer);
const candidate = parseCandidate(trickled);
const sdpUtilsCandidate = SDPUtils.parseCandidate(trickled);
const weriftCandidate = candidateFromSdp(trickled);

/** What SDPUtils users do for a data channel: split, then read ICE, DTLS, candidates and SCTP. */
function sdpUtilsDataChannel(text: string) {
  const sections = SDPUtils.splitSections(text);
  const session = sections[0];
  const media = sections[sections.length - 1];
  return {
    ice: SDPUtils.getIceParameters(media, session),
    dtls: SDPUtils.getDtlsParameters(media, session),
    candidates: SDPUtils.matchPrefix(media, 'a=candidate:').map((l) => SDPUtils.parseCandidate(l)),
    sctp: SDPUtils.parseSctpDescription(media),
  };
}

/** A server's answer: what `datachannel` does per incoming offer (no anchor has such a builder). */
const dcOfferModel = parseSdp(dcOffer);
const serverAnswer = {
  offer: dcOfferModel,
  ufrag: 'Wq1A',
  pwd: 'x7Rk2mQpZ9vB4nL8cT3sYw',
  fingerprints: [{ algorithm: 'sha-256', value: '56:24:7B:A0:93:B5:5B:3A:20:0C:79:72:78:13:B8:B1:54:F0:F6:B3:01:6F:5E:42:C2:06:A2:40:88:85:02:F7' }],
  sessionId: '6551576355720396823',
  iceLite: true,
  candidates: [parseCandidate('candidate:1 1 udp 2130706431 198.51.100.20 3478 typ host')],
  endOfCandidates: true,
};

const cases: MicroCase[] = [
  // parse the 21-line Chromium data-channel offer
  { group: 'parse Chrome DC offer (21 lines, 4 cand)', impl: 'tsrtc', fn: () => parseSdp(dcOffer), targetNs: 1000 },
  { group: 'parse Chrome DC offer (21 lines, 4 cand)', impl: 'sdp (splitSections+splitLines)', fn: () => SDPUtils.splitSections(dcOffer).map(SDPUtils.splitLines) },
  { group: 'parse Chrome DC offer (21 lines, 4 cand)', impl: 'sdp-transform', fn: () => sdpTransform.parse(dcOffer) },
  { group: 'parse Chrome DC offer (21 lines, 4 cand)', impl: 'werift', fn: () => WeriftSession.parse(dcOffer) },

  // parse + read everything a data channel needs
  { group: 'parse + read DC parameters (4 cand)', impl: 'tsrtc', fn: () => dataChannelParameters(parseSdp(dcOffer)) },
  { group: 'parse + read DC parameters (4 cand)', impl: 'sdp', fn: () => sdpUtilsDataChannel(dcOffer) },
  { group: 'parse + read DC parameters (4 cand)', impl: 'sdp-transform', fn: () => sdpTransform.parse(dcOffer) },
  { group: 'parse + read DC parameters (4 cand)', impl: 'werift', fn: () => WeriftSession.parse(dcOffer) },

  // write the same offer from each implementation's model
  { group: 'write Chrome DC offer (21 lines)', impl: 'tsrtc', fn: () => writeSdp(dcModel), targetNs: 500 },
  { group: 'write Chrome DC offer (21 lines)', impl: 'sdp-transform', fn: () => sdpTransform.write(dcTransform) },
  { group: 'write Chrome DC offer (21 lines)', impl: 'werift', fn: () => dcWerift.string },

  // the 174-line audio + video + data offer
  { group: 'parse A/V+data offer (174 lines)', impl: 'tsrtc', fn: () => parseSdp(avOffer), targetNs: 10000 },
  { group: 'parse A/V+data offer (174 lines)', impl: 'sdp (splitSections+splitLines)', fn: () => SDPUtils.splitSections(avOffer).map(SDPUtils.splitLines) },
  { group: 'parse A/V+data offer (174 lines)', impl: 'sdp-transform', fn: () => sdpTransform.parse(avOffer) },
  { group: 'parse A/V+data offer (174 lines)', impl: 'werift', fn: () => WeriftSession.parse(avOffer) },

  { group: 'write A/V+data offer (174 lines)', impl: 'tsrtc', fn: () => writeSdp(avModel) },
  { group: 'write A/V+data offer (174 lines)', impl: 'sdp-transform', fn: () => sdpTransform.write(avTransform) },
  { group: 'write A/V+data offer (174 lines)', impl: 'werift', fn: () => avWerift.string },

  { group: 'build + write ICE-lite answer', impl: 'tsrtc', fn: () => writeSdp(buildDataChannelAnswer(serverAnswer)) },

  // one trickled candidate string
  { group: 'parse trickled candidate', impl: 'tsrtc', fn: () => parseCandidate(trickled) },
  { group: 'parse trickled candidate', impl: 'sdp', fn: () => SDPUtils.parseCandidate(trickled) },
  { group: 'parse trickled candidate', impl: 'werift', fn: () => candidateFromSdp(trickled) },

  { group: 'write candidate', impl: 'tsrtc', fn: () => writeCandidate(candidate) },
  { group: 'write candidate', impl: 'sdp', fn: () => SDPUtils.writeCandidate(sdpUtilsCandidate) },
  { group: 'write candidate', impl: 'werift', fn: () => candidateToSdp(weriftCandidate) },
];

export const suite: MicroSuite = { name: 'sdp', cases };
