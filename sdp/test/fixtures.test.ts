// Every captured SDP (shared/fixtures/sdp, Chromium 156, Firefox 153, aiortc, pion,
// libdatachannel, werift, wrtc) parses, writes back byte for byte, and reads the values below,
// which were copied by hand from the files.
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { dataChannelParameters, parseSdp, writeSdp, type SessionDescription } from '@tsrtc/sdp';

const dir = new URL('../../../shared/fixtures/sdp/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.sdp')).sort();
const read = (f: string) => readFileSync(new URL(f, dir), 'utf8');

t.test('there are fixtures', async (t) => {
  t.ok(files.length >= 28, `${files.length} SDP fixtures`);
});

t.test('parse → write is byte-identical for every fixture (CRLF, canonical)', async (t) => {
  for (const f of files) {
    const text = read(f);
    t.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), `${f} is CRLF`);
    const desc = parseSdp(text);
    t.equal(writeSdp(desc), text, `${f}: unmodified`);
    // Force the general (line-by-line) writer too.
    void desc.lines;
    for (const m of desc.media) void m.lines;
    t.equal(writeSdp(desc), text, `${f}: materialised`);
    t.equal(String(desc), text, `${f}: toString`);
  }
});

t.test('LF-only input is accepted and written back with CRLF', async (t) => {
  for (const f of files) {
    const text = read(f);
    const lf = text.replaceAll('\r\n', '\n');
    const desc = parseSdp(lf);
    t.equal(writeSdp(desc), text, f);
    t.strictSame(desc.media.map((m) => m.mid), parseSdp(text).media.map((m) => m.mid));
    // Missing final line end as well.
    t.equal(writeSdp(parseSdp(lf.slice(0, -1))), text, `${f} without final LF`);
  }
});

t.test('every typed getter works on every fixture (no SdpError on real SDP)', async (t) => {
  for (const f of files) {
    const d = parseSdp(read(f));
    t.doesNotThrow(() => readEverything(d), f);
  }
});

function readEverything(d: SessionDescription): unknown[] {
  const out: unknown[] = [d.origin, d.sessionName, d.groups, d.bundle, d.iceLite, d.msidSemantic, d.iceUfrag, d.icePwd, d.iceOptions, d.fingerprints, d.setup, d.direction, d.extmapAllowMixed, d.connection];
  for (const m of d.media) {
    out.push(m.mediaLine, m.mid, m.iceUfrag, m.icePwd, m.iceOptions, m.fingerprints, m.setup, m.direction, m.candidates, m.endOfCandidates, m.connection, m.rtcpMux, m.tlsId, m.extmapAllowMixed, m.isDataChannel, m.rejected);
    out.push(m.iceParameters(), m.dtlsParameters(), m.effectiveDirection());
    if (m.isDataChannel) out.push(m.sctpPort, m.sctpmap, m.maxMessageSize, m.sctpParameters());
  }
  return out;
}

t.test('Chromium 156 data-channel offer, mDNS on', async (t) => {
  const d = parseSdp(read('chromium-156.offer.mdns-on.complete.sdp'));
  t.strictSame(d.origin, { username: '-', sessionId: '6551576355720396823', sessionVersion: '2', netType: 'IN', addrType: 'IP4', address: '127.0.0.1' });
  t.equal(d.sessionName, '-');
  t.strictSame(d.groups, [{ semantics: 'BUNDLE', mids: ['0'] }]);
  t.strictSame(d.bundle, ['0']);
  t.equal(d.extmapAllowMixed, true);
  t.strictSame(d.msidSemantic, { semantic: 'WMS', identifiers: [] });
  t.equal(d.iceUfrag, undefined, 'no session-level ufrag');
  t.equal(d.media.length, 1);
  const m = d.media[0];
  t.strictSame(m.mediaLine, { kind: 'application', port: 9, proto: 'UDP/DTLS/SCTP', formats: ['webrtc-datachannel'] });
  t.strictSame(m.connection, { netType: 'IN', addrType: 'IP4', address: '0.0.0.0' });
  t.equal(m.mid, '0');
  t.equal(m.iceUfrag, 'kIJz');
  t.equal(m.icePwd, 'TfphERpH+scP72W4VHclwBcD');
  t.strictSame(m.iceOptions, ['trickle']);
  t.strictSame(m.fingerprints, [{ algorithm: 'sha-256', value: '6B:20:4A:33:8E:48:F9:CC:24:D1:B2:5B:28:51:B4:93:FD:B1:3A:89:F0:27:2F:5C:E2:F0:C2:69:94:F1:B7:0B' }]);
  t.equal(m.setup, 'actpass');
  t.equal(m.direction, undefined, 'Chromium writes no a=sendrecv for data');
  t.equal(m.effectiveDirection(), 'sendrecv');
  t.equal(m.sctpPort, 5000);
  t.equal(m.maxMessageSize, 262144);
  t.equal(m.endOfCandidates, false, 'Chromium writes no a=end-of-candidates');
  t.strictSame(m.candidates, [
    { foundation: '1793800266', component: 1, transport: 'udp', priority: 2113937151, address: '98533546-a9a0-4078-a0d1-9853ea3800ee.local', port: 37805, type: 'host', generation: 0, networkCost: 999 },
  ]);
  t.equal(m.isDataChannel, true);
  t.equal(m.lineNumber(0), 8, 'm= is line 8');
});

t.test('Chromium 156 data-channel offer, mDNS off: c= and port follow the candidate', async (t) => {
  const m = parseSdp(read('chromium-156.offer.mdns-off.complete.sdp')).media[0];
  t.equal(m.port, 48179);
  t.equal(m.connection?.address, '198.51.100.10');
  t.strictSame(
    m.candidates.map((c) => [c.address, c.port, c.type]),
    [['198.51.100.10', 48179, 'host']],
  );
  t.equal(m.iceUfrag, 'HRlX');
});

t.test('Chromium 156 answer: setup active', async (t) => {
  const p = dataChannelParameters(parseSdp(read('chromium-156.answer.mdns-on.complete.sdp')));
  t.equal(p.setup, 'active');
  t.equal(p.ufrag, 'af+S');
  t.equal(p.pwd, 'hw4j4T0Y/cds76bgukTGY+Nw');
  t.equal(p.candidates[0].address, '98533546-a9a0-4078-a0d1-9853ea3800ee.local');
  t.equal(p.candidates[0].port, 36513);
  t.equal(p.maxMessageSize, 262144);
});

t.test('Chromium 156 audio + video + data offer (174 lines)', async (t) => {
  const text = read('chromium-156.offer.av-data.mdns-on.complete.sdp');
  t.equal(text.split('\r\n').length - 1, 174);
  const d = parseSdp(text);
  t.strictSame(d.bundle, ['0', '1', '2']);
  t.strictSame(d.msidSemantic, { semantic: 'WMS', identifiers: ['a06035d8-a02b-472e-8a68-d5955ff56eb8'] });
  t.strictSame(d.media.map((m) => m.kind), ['audio', 'video', 'application']);
  t.strictSame(d.media.map((m) => m.mid), ['0', '1', '2']);
  const [audio, video, data] = d.media;
  t.strictSame(audio.formats, ['111', '63', '9', '0', '8', '13', '110', '126']);
  t.equal(audio.proto, 'UDP/TLS/RTP/SAVPF');
  t.equal(audio.rtcpMux, true);
  t.equal(audio.direction, 'sendrecv');
  t.strictSame(video.formats.slice(-11), ['39', '40', '45', '46', '98', '99', '100', '101', '118', '119', '120']);
  t.strictSame(audio.attributes('rtpmap').slice(0, 2), ['111 opus/48000/2', '63 red/48000/2']);
  t.equal(video.attribute('ssrc-group'), 'FID 2463369727 3289279575');
  t.equal(audio.attribute('rtcp'), '9 IN IP4 0.0.0.0');
  t.strictSame(d.media.map((m) => m.candidates[0].port), [39647, 34278, 48108], 'one .local candidate per section, each on its own port');
  t.ok(d.media.every((m) => m.candidates[0].address === '98533546-a9a0-4078-a0d1-9853ea3800ee.local'));
  t.equal(data.isDataChannel, true);
  t.equal(audio.isDataChannel, false);
  t.equal(d.dataChannelMedia, data);
  t.equal(data.lineNumber(0), 164, 'the application m= line');
  const p = dataChannelParameters(d);
  t.equal(p.mid, '2');
  t.equal(p.ufrag, 'LuGY');
  t.equal(p.sctpPort, 5000);
});

t.test('Firefox 153 offer: session-level fingerprint, pwd before ufrag, UDP + TCP active, end-of-candidates', async (t) => {
  const d = parseSdp(read('firefox-153.offer.complete.sdp'));
  t.equal(d.origin?.username, 'mozilla...THIS_IS_SDPARTA-99.0');
  t.equal(d.origin?.sessionId, '3856032820732267191');
  t.equal(d.origin?.sessionVersion, '0');
  t.equal(d.direction, 'sendrecv');
  t.strictSame(d.msidSemantic, { semantic: 'WMS', identifiers: ['*'] });
  t.strictSame(d.iceOptions, ['trickle']);
  const fp = { algorithm: 'sha-256', value: '14:4C:48:EE:25:CB:C4:48:87:AC:AD:2C:E7:09:4D:AF:19:94:4B:09:63:33:75:30:A2:F7:7D:C5:6D:5D:7C:0E' };
  t.strictSame(d.fingerprints, [fp]);
  const m = d.media[0];
  t.strictSame(m.fingerprints, [], 'no media-level fingerprint');
  t.strictSame(m.dtlsParameters().fingerprints, [fp], 'resolved from session level');
  t.strictSame(m.iceOptions, []);
  t.strictSame(m.iceParameters(), { ufrag: '0432406e', pwd: '81a8ccaabc7c130729aa854a013d6133', options: ['trickle'], lite: false });
  t.equal(m.maxMessageSize, 1073741823);
  t.equal(m.endOfCandidates, true);
  t.strictSame(m.candidates, [
    { foundation: '0', component: 1, transport: 'udp', priority: 2122252543, address: '198.51.100.10', port: 48116, type: 'host' },
    { foundation: '1', component: 1, transport: 'tcp', priority: 2105524479, address: '198.51.100.10', port: 9, type: 'host', tcpType: 'active' },
  ]);
});

t.test('Firefox 153 mDNS offer: .local UDP and TCP candidates', async (t) => {
  const m = parseSdp(read('firefox-153.offer.mdns.complete.sdp')).media[0];
  t.strictSame(
    m.candidates.map((c) => [c.transport, c.address, c.port, c.tcpType]),
    [
      ['udp', '1e72fb1c-5c7b-41af-9c22-939f4766c01b.local', 55977, undefined],
      ['tcp', '1e72fb1c-5c7b-41af-9c22-939f4766c01b.local', 9, 'active'],
    ],
  );
  t.equal(m.port, 9);
  t.equal(m.connection?.address, '0.0.0.0');
});

t.test('aiortc 1.4.0 legacy offer: DTLS/SCTP 5000 + a=sctpmap', async (t) => {
  const d = parseSdp(read('aiortc-1.4.0.offer.sdp'));
  const m = d.media[0];
  t.equal(m.proto, 'DTLS/SCTP');
  t.strictSame(m.formats, ['5000']);
  t.equal(m.sctpPort, undefined);
  t.strictSame(m.sctpmap, { port: 5000, protocol: 'webrtc-datachannel', streams: 65535 });
  t.strictSame(m.sctpParameters(), { port: 5000, maxMessageSize: 65536, legacy: true });
  t.equal(m.isDataChannel, true);
  t.equal(d.origin?.sessionId, '4004289751');
  t.equal(m.setup, 'actpass');
  t.equal(m.fingerprints[0].value, '36:4D:26:00:38:37:79:44:88:BD:2A:C2:36:31:64:A2:C5:7D:1B:C7:F2:DF:0F:49:66:6C:D2:B2:39:F7:DF:B8');
  t.equal(m.candidates[0].foundation, '16572de626da4e5384a0ce2d0d93678a', '32-hex-digit foundation');
  t.equal(m.endOfCandidates, true);
});

t.test('pion 3.1.56 offer: no max-message-size (RFC 8841 default), component 2 candidates', async (t) => {
  const d = parseSdp(read('pion-3.1.56.offer.sdp'));
  const m = d.media[0];
  t.equal(m.maxMessageSize, undefined);
  t.strictSame(m.sctpParameters(), { port: 5000, maxMessageSize: 65536, legacy: false });
  t.strictSame(m.candidates.map((c) => c.component), [1, 2]);
  t.equal(d.fingerprints[0].value, 'E9:1E:B0:5F:C7:7B:FD:F4:27:EA:75:AB:0F:98:7F:57:00:91:57:55:5E:4A:E3:45:33:1E:BC:5B:FD:9C:2A:5C');
  t.equal(d.extmapAllowMixed, true);
  t.equal(m.iceUfrag, 'uqyueHXGfAXVaAqY');
  t.equal(d.origin?.sessionVersion, '1795300951');
});

t.test('libdatachannel 0.24.5 offer: ice-options:ice2,trickle at session level', async (t) => {
  const d = parseSdp(read('libdatachannel-0.24.5.offer.sdp'));
  t.strictSame(d.iceOptions, ['ice2', 'trickle']);
  const p = dataChannelParameters(d);
  t.strictSame(p.iceOptions, ['ice2', 'trickle']);
  t.equal(p.fingerprints[0].value, 'C0:DB:63:15:D3:15:5D:C6:39:56:45:5C:95:64:AF:29:82:17:4C:11:7A:21:CF:F4:6E:8A:0F:18:D5:A9:CB:55');
  t.equal(p.candidates[0].transport, 'udp');
  t.equal(p.candidates[0].priority, 2114977791);
  t.equal(d.origin?.username, 'rtc');
});

t.test('werift 0.24.4 offer: ufrag extension in the SDP candidate', async (t) => {
  const m = parseSdp(read('werift-0.24.4.offer.sdp')).media[0];
  t.strictSame(m.candidates, [
    { foundation: '3f6e9054f40d01c709b01eab5', component: 1, transport: 'udp', priority: 2116026367, address: '198.51.100.10', port: 42820, type: 'host', generation: 0, ufrag: '9037' },
  ]);
  t.equal(m.icePwd, '4c868f37625a6b43be9521');
  t.equal(m.maxMessageSize, 65536);
});

t.test('wrtc 0.10.0 offer: network-id, IPv6 loopback', async (t) => {
  const m = parseSdp(read('wrtc-0.10.0.offer.sdp')).media[0];
  t.strictSame(
    m.candidates.map((c) => [c.address, c.networkId, c.networkCost]),
    [
      ['198.51.100.10', 1, 50],
      ['::1', 3, undefined],
      ['127.0.0.1', 2, undefined],
    ],
  );
});
