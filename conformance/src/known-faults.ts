/**
 * Failures whose cause is on the remote peer, seen and diagnosed on this machine. A failing
 * cell matching one is reported as "peer fault" with the reason instead of as a subject
 * failure. When that peer is itself the subject, the same failure counts as a failure.
 */
export interface KnownFault {
  peer: string;
  /** only with these subjects (default any) */
  subjects?: string[];
  /** scenario id, or '*' */
  scenario: string;
  /** matched against the failure message */
  match: RegExp;
  reason: string;
}

export const KNOWN_FAULTS: KnownFault[] = [
  {
    peer: 'pion', subjects: ['ndc'], scenario: '*', match: /channel "echo" open|datachannel event|not run: (subject|remote)-offered/,
    reason: 'stock pion/sctp 1.8.6 rejects the INIT of libdatachannel (usrsctp) because of the unknown Zero Checksum Acceptable parameter 0x8001 instead of skipping it (RFC 9260 §3.2.1); SCTP never comes up (pion/webrtc#2618, ../shared/peers/README.md)',
  },
  {
    peer: 'pion', scenario: 'string-sizes', match: /65536|64 KiB/,
    reason: 'pion 3.1.56 omits a=max-message-size (RFC 8841 default 64 KiB) but reads at most 65535 bytes and closes the channel on a 65536-byte message (../shared/peers/README.md)',
  },
  {
    peer: 'pion', scenario: 'binary-sizes', match: /65536|64 KiB/,
    reason: 'pion 3.1.56 omits a=max-message-size (RFC 8841 default 64 KiB) but reads at most 65535 bytes and closes the channel on a 65536-byte message (../shared/peers/README.md)',
  },
  {
    peer: 'wrtc', scenario: 'pr-params-subject-created', match: /remote sees (maxRetransmits|maxPacketLifeTime)=65535/,
    reason: '@roamhq/wrtc (libwebrtc M106 bindings) reports 65535 instead of null for maxRetransmits/maxPacketLifeTime that were not set',
  },
  {
    peer: 'aiortc', scenario: 'utf8-label-protocol', match: /subject sees label|the remote's channel announced/,
    reason: 'aiortc 1.4.0 writes the label and protocol lengths of DATA_CHANNEL_OPEN as character counts (len(str), rtcsctptransport.py) instead of UTF-8 byte counts (RFC 8832 §5.1): lenient decoders show a garbled label, strict ones drop the OPEN',
  },
  {
    peer: 'werift', scenario: 'utf8-label-protocol', match: /subject sees label|the remote's channel announced/,
    reason: 'werift 0.24.4 writes the label and protocol lengths of DATA_CHANNEL_OPEN as UTF-16 code-unit counts (label.length, transport/sctp.js) instead of UTF-8 byte counts (RFC 8832 §5.1)',
  },
  {
    peer: 'ndc', scenario: 'pr-params-subject-created', match: /remote sees (ordered|maxRetransmits|maxPacketLifeTime)=/,
    reason: 'node-datachannel 0.33.4 polyfill builds RTCDataChannel for incoming channels without their parameters: ordered always true, maxRetransmits/maxPacketLifeTime null',
  },
  {
    peer: 'werift', scenario: 'pr-params-remote-created', match: /subject sees ordered=true on/,
    reason: 'werift 0.24.4 sends DATA_CHANNEL_OPEN with an ordered channel type for unordered partially reliable channels (pion and tsrtc both see ordered=true)',
  },
  {
    peer: 'wrtc', scenario: 'ordered-1000', match: /out of order or lost\); the remote counted 1000 of 1000/,
    reason: '@roamhq/wrtc delivers the first messages of an incoming channel after later ones (e.g. 42..999 before 0..41, message events before its "open" event) when data follows the DATA_CHANNEL_OPEN at once, which RFC 8832 allows; seen in about half the runs with tsrtc as sender. The wire order was checked through werift\'s SCTP receive path: OPEN ssn 0, message 0 ssn 1, message 1 ssn 2, … with consecutive TSNs, the same as libwebrtc sends',
  },
  ...(['libdatachannel', 'ndc'] as const).map((peer): KnownFault => ({
    peer, scenario: 'ordered-1000', match: /out of order or lost\); the remote counted 1000 of 1000/,
    reason: 'libdatachannel 0.24.5 now and then (about 1 run in 10) delivers one of the first messages of an incoming channel after later ones when data follows the DATA_CHANNEL_OPEN at once (allowed by RFC 8832; the wire order is OPEN ssn 0, message 0 ssn 1, … as libwebrtc sends it)',
  })),
  ...(['string-sizes', 'binary-sizes'] as const).map((scenario): KnownFault => ({
    peer: 'werift', scenario, match: /echo of a 0 B (string|binary)/,
    reason: 'werift 0.24.4 does not send empty messages (PPID 56/57 with one zero byte, RFC 8831 §6.6): as the subject its 0 B messages come back from no peer (Chromium, Firefox, aiortc, pion, libdatachannel, wrtc), as the remote it never echoes one',
  })),
  {
    peer: 'libdatachannel', scenario: 'close-channel-subject', match: /remote sees "b" closed \(remote: .*b#\d+ connecting/,
    reason: 'libdatachannel 0.24.5 now and then (1 run in 6) leaves an incoming channel "connecting" when the opener resets it right after its DATA_CHANNEL_OPEN: the echo peer never gets open or closed for it',
  },
  {
    peer: 'wrtc', scenario: 'trickle-subject', match: /Expected a 32-bit integer/,
    reason: '@roamhq/wrtc addIceCandidate() rejects a candidate whose sdpMLineIndex is null (node-datachannel gives sdpMid "0" and no index), which webrtc-pc §4.8.1 allows when sdpMid is set',
  },
];

export function knownFault(peer: string, scenario: string, message: string, subject?: string): KnownFault | undefined {
  return KNOWN_FAULTS.find((f) => f.peer === peer
    && (f.scenario === '*' || f.scenario === scenario)
    && (!f.subjects || (subject !== undefined && f.subjects.includes(subject)))
    && f.match.test(message));
}
