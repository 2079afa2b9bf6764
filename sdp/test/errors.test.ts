// Malformed input: each kind gets its SdpError code and the number of the offending line.
// Caps on absurd sizes are configurable.
import t from 'tap';
import { DEFAULT_SDP_PARSE_OPTIONS, parseSdp, writeSdp } from '@tsrtc/sdp';
import { throwsSdpError } from './helpers.js';

const HEAD = ['v=0', 'o=- 6551576355720396823 2 IN IP4 127.0.0.1', 's=-', 't=0 0'];
const DC = ['m=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0', 'a=mid:0'];
const sdp = (...lines: string[]) => lines.map((l) => `${l}\r\n`).join('');

t.test('structure errors at parse time, with line numbers', async (t) => {
  throwsSdpError(t, () => parseSdp(''), 'bad-version', 1, 'empty text');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD.slice(1))), 'bad-version', 1, 'missing v=');
  throwsSdpError(t, () => parseSdp(sdp('v=1', ...HEAD.slice(1))), 'bad-version', 1, 'v=1');
  throwsSdpError(t, () => parseSdp(sdp(' v=0', ...HEAD.slice(1))), 'bad-line', 1, 'leading space');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, 'a')), 'bad-line', 5, 'truncated line "a"');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, 'a:foo')), 'bad-line', 5, 'no "="');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, 'A=foo')), 'bad-line', 5, 'upper-case type');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, '', 'a=foo')), 'bad-line', 5, 'blank line in the middle');
  throwsSdpError(t, () => parseSdp(sdp(HEAD[0], HEAD[2], HEAD[3])), 'missing-line', 0, 'no o=');
  throwsSdpError(t, () => parseSdp(sdp(HEAD[0], HEAD[1], HEAD[3])), 'missing-line', 0, 'no s=');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD.slice(0, 3))), 'missing-line', 0, 'no t=');
  throwsSdpError(t, () => parseSdp(sdp(HEAD[0], 'o=- 1 2 IN IP4', HEAD[2], HEAD[3])), 'bad-origin', 2, 'o= with five fields');
  throwsSdpError(t, () => parseSdp(sdp(HEAD[0], 'o=- x 2 IN IP4 127.0.0.1', HEAD[2], HEAD[3])), 'bad-origin', 2, 'non-numeric sess-id');
  throwsSdpError(t, () => parseSdp(sdp(HEAD[0], 'o=- 1 2 IN IP4 127.0.0.1 extra', HEAD[2], HEAD[3])), 'bad-origin', 2, 'o= with seven fields');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, 'm=application')), 'bad-media', 5, 'truncated m=');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, 'm=application 9 UDP/DTLS/SCTP')), 'bad-media', 5, 'm= without fmt');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, 'm=application 70000 UDP/DTLS/SCTP webrtc-datachannel')), 'bad-media', 5, 'port 70000');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, 'm=application -9 UDP/DTLS/SCTP webrtc-datachannel')), 'bad-media', 5, 'negative port');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, 'm=application 9/x UDP/DTLS/SCTP webrtc-datachannel')), 'bad-media', 5, 'bad port count');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, 'm=application  9 UDP/DTLS/SCTP webrtc-datachannel')), 'bad-media', 5, 'double space');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, 'a=x\0y')), 'bad-character', 5, 'NUL');
  throwsSdpError(t, () => parseSdp(42 as unknown as string), 'not-a-string', 0);
});

t.test('value errors from the typed getters, with line numbers', async (t) => {
  const d = parseSdp(
    sdp(
      ...HEAD,
      'a=group:',
      'a=setup:sideways',
      'a=fingerprint:sha-256 AB:CD',
      ...DC,
      'a=candidate:1 1 udp 99999999999 198.51.100.10 9 typ host',
      'a=max-message-size:lots',
      'a=sctp-port:65536',
      'a=ice-ufrag:€uro',
      'a=mid:',
      'a=sctpmap:x webrtc-datachannel',
    ),
  );
  const m = d.media[0];
  throwsSdpError(t, () => d.groups, 'bad-attribute', 5, 'a=group: without semantics');
  throwsSdpError(t, () => d.setup, 'bad-attribute', 6, 'a=setup:sideways');
  throwsSdpError(t, () => d.fingerprints, 'bad-fingerprint', 7, 'sha-256 of 2 bytes');
  throwsSdpError(t, () => m.candidates, 'bad-candidate', 11, 'priority above 2^32');
  throwsSdpError(t, () => m.maxMessageSize, 'bad-attribute', 12, 'max-message-size:lots');
  throwsSdpError(t, () => m.sctpPort, 'bad-attribute', 13, 'sctp-port 65536');
  throwsSdpError(t, () => m.iceUfrag, 'bad-attribute', 14, 'ufrag outside ice-char');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, DC[0], 'a=mid:')).media[0].mid, 'bad-attribute', 6, 'empty mid');
  throwsSdpError(t, () => m.sctpmap, 'bad-attribute', 16, 'sctpmap port x');
  throwsSdpError(t, () => m.sctpParameters(), 'bad-attribute', 13, 'sctpParameters reads sctp-port first');
  t.equal(m.connection?.address, '0.0.0.0', 'other values are still readable');
  const c = parseSdp(sdp(...HEAD, 'm=application 9 UDP/DTLS/SCTP x', 'c=IN IP4')).media[0];
  throwsSdpError(t, () => c.connection, 'bad-connection', 6, 'c= with two fields');
  for (const fp of ['sha-256', 'sha-256 ', 'sha-256 6B:20:4', 'sha-256 6B-20', 'sha-1 ' + Array(32).fill('AB').join(':'), 'sha-256 GG' + ':AB'.repeat(31)]) {
    throwsSdpError(t, () => parseSdp(sdp(...HEAD, `a=fingerprint:${fp}`)).fingerprints, 'bad-fingerprint', 5, fp);
  }
});

t.test('LF-only and mixed line ends; trailing blank lines', async (t) => {
  const lf = [...HEAD, ...DC].join('\n') + '\n';
  t.equal(parseSdp(lf).media[0].mid, '0');
  const mixed = [...HEAD, ...DC].join('\r\n').replace('s=-\r\n', 's=-\n');
  t.equal(parseSdp(mixed).sessionName, '-');
  t.equal(parseSdp(sdp(...HEAD, ...DC) + '\r\n\r\n').media[0].lineCount, 3, 'trailing blank lines are padding');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, ...DC) + '\r\n \r\n'), 'bad-line', 8, 'but not when junk follows them');
});

t.test('caps: defaults documented and configurable', async (t) => {
  t.strictSame({ ...DEFAULT_SDP_PARSE_OPTIONS }, { maxLength: 262144, maxLines: 8192, maxLineLength: 4096, maxMediaSections: 512 });
  const ok = sdp(...HEAD, ...DC);
  throwsSdpError(t, () => parseSdp(ok, { maxLength: 50 }), 'too-large', 0, 'maxLength');
  throwsSdpError(t, () => parseSdp(ok, { maxLines: 5 }), 'too-many-lines', 6, 'maxLines');
  throwsSdpError(t, () => parseSdp(ok, { maxLineLength: 40 }), 'line-too-long', 2, 'maxLineLength');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, ...DC, ...DC), { maxMediaSections: 1 }), 'too-many-media', 8, 'maxMediaSections');
  throwsSdpError(t, () => parseSdp('v=0\r\n' + 'a=x\r\n'.repeat(10000)), 'too-many-lines', 8193, 'default maxLines');
  throwsSdpError(t, () => parseSdp(sdp(...HEAD, 'a=' + 'x'.repeat(5000))), 'line-too-long', 5, 'default maxLineLength');
  throwsSdpError(t, () => parseSdp('v=0\r\n' + 'x'.repeat(300000)), 'too-large', 0, 'default maxLength');
  t.equal(parseSdp(ok, { maxLines: 7 }).media.length, 1, 'exactly at the cap is fine');
});

t.test('caps options are checked', async (t) => {
  throwsSdpError(t, () => parseSdp('v=0\r\n', { maxLength: -1 }), 'bad-argument', 0, 'negative');
  throwsSdpError(t, () => parseSdp('v=0\r\n', { maxLines: 1.5 }), 'bad-argument', 0, 'fraction');
  throwsSdpError(t, () => parseSdp('v=0\r\n', { maxLineLength: Number.NaN }), 'bad-argument', 0, 'NaN');
  t.equal(parseSdp(sdp(...HEAD), { maxLines: undefined }).lineCount, 4, 'undefined keeps the default');
});

t.test('trailing spaces on o=, c= and m= are tolerated', async (t) => {
  const d = parseSdp(sdp(HEAD[0], HEAD[1] + ' ', HEAD[2], HEAD[3], 'm=audio 9 RTP/AVP 0 8  ', 'c=IN IP4 0.0.0.0 '));
  t.equal(d.origin?.address, '127.0.0.1');
  t.strictSame(d.media[0].formats, ['0', '8']);
  t.equal(d.media[0].connection?.address, '0.0.0.0');
  t.equal(writeSdp(d), sdp(HEAD[0], HEAD[1] + ' ', HEAD[2], HEAD[3], 'm=audio 9 RTP/AVP 0 8  ', 'c=IN IP4 0.0.0.0 '), 'and kept as written');
});
