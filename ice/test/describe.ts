// Minimal data-channel descriptions for ICE interop tests: our agent's ICE parameters and
// candidates in an SDP a browser or library accepts (the DTLS fingerprint is a placeholder:
// these tests stop at ICE), and the remote's ICE parameters read back.
import { parseCandidate, writeCandidate, type Candidate } from '@tsrtc/sdp';
import type { IceAgent } from '../src/index.js';

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':');

export function description(agent: IceAgent, setup: 'actpass' | 'active' | 'passive'): string {
  const lines = [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    ...(agent.lite ? ['a=ice-lite'] : []),
    'a=group:BUNDLE 0',
    'a=msid-semantic: WMS',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 0.0.0.0',
    `a=ice-ufrag:${agent.localUfrag}`,
    `a=ice-pwd:${agent.localPwd}`,
    `a=fingerprint:sha-256 ${FINGERPRINT}`,
    `a=setup:${setup}`,
    'a=mid:0',
    'a=sctp-port:5000',
    'a=max-message-size:262144',
    ...agent.localCandidates().map((c) => 'a=' + writeCandidate({ ...c, ufrag: undefined })),
    'a=end-of-candidates',
  ];
  return lines.join('\r\n') + '\r\n';
}

export function remoteParams(sdp: string): { ufrag: string; pwd: string; candidates: Candidate[] } {
  return {
    ufrag: /a=ice-ufrag:(\S+)/.exec(sdp)![1],
    pwd: /a=ice-pwd:(\S+)/.exec(sdp)![1],
    candidates: sdp
      .split(/\r?\n/)
      .filter((l) => l.startsWith('a=candidate:'))
      .map((l) => parseCandidate(l)),
  };
}
