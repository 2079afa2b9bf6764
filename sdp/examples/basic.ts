// Run from the repo root: node --conditions=tsrtc-source --import tsx sdp/examples/basic.ts
import { randomFillSync } from 'node:crypto';
import { buildDataChannelAnswer, dataChannelParameters, parseCandidate, parseSdp, writeSdp } from '@tsrtc/sdp';

// The data-channel offer Chromium 156 sent (shared/fixtures/sdp/chromium-156.offer.mdns-on.complete.sdp).
const offerText = [
  'v=0',
  'o=- 6551576355720396823 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=candidate:1793800266 1 udp 2113937151 98533546-a9a0-4078-a0d1-9853ea3800ee.local 37805 typ host generation 0 network-cost 999',
  'a=ice-ufrag:kIJz',
  'a=ice-pwd:TfphERpH+scP72W4VHclwBcD',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 6B:20:4A:33:8E:48:F9:CC:24:D1:B2:5B:28:51:B4:93:FD:B1:3A:89:F0:27:2F:5C:E2:F0:C2:69:94:F1:B7:0B',
  'a=setup:actpass',
  'a=mid:0',
  'a=sctp-port:5000',
  'a=max-message-size:262144',
  '',
].join('\r\n');

const offer = parseSdp(offerText);
console.log(writeSdp(offer) === offerText); // true: byte-identical round trip

// Typed access, session and media level...
const m = offer.media[0];
console.log(offer.bundle, m.mid, m.iceUfrag, m.setup, m.maxMessageSize); // [ '0' ] 0 kIJz actpass 262144
console.log(m.candidates[0].address, m.candidates[0].port); // 98533546-a9a0-4078-a0d1-9853ea3800ee.local 37805
// ...or everything a data channel needs, session-level fallbacks and RFC 8841 defaults applied.
const remote = dataChannelParameters(offer);
console.log(remote.ufrag, remote.pwd, remote.fingerprints[0].algorithm, remote.sctpPort); // kIJz TfphERpH+scP72W4VHclwBcD sha-256 5000

// An ICE-lite server's answer (non-trickle: its one candidate and end-of-candidates).
const answer = buildDataChannelAnswer({
  offer,
  ufrag: 'Wq1A',
  pwd: 'x7Rk2mQpZ9vB4nL8cT3sYw',
  fingerprints: [{ algorithm: 'sha-256', value: '56:24:7B:A0:93:B5:5B:3A:20:0C:79:72:78:13:B8:B1:54:F0:F6:B3:01:6F:5E:42:C2:06:A2:40:88:85:02:F7' }],
  random: randomFillSync, // for the o= session id; or pass sessionId
  iceLite: true,
  candidates: [parseCandidate('candidate:1 1 udp 2130706431 198.51.100.20 3478 typ host')],
  endOfCandidates: true,
});
console.log(writeSdp(answer));
