// The data-channel offer and answer builders produce what Chromium and Firefox produce
// (compared with their captured SDP), parse back, and answer real offers correctly.
import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  buildDataChannelAnswer,
  buildDataChannelOffer,
  dataChannelParameters,
  parseCandidate,
  parseSdp,
  writeSdp,
  type DataChannelDescriptionOptions,
} from '@tsrtc/sdp';
import { throwsSdpError } from './helpers.js';

const read = (f: string) => readFileSync(new URL(`../../../shared/fixtures/sdp/${f}`, import.meta.url), 'utf8');
/** Chromium's session-level lines a data-only description does not need. */
const withoutMediaOnlyLines = (s: string) => s.replace('a=extmap-allow-mixed\r\n', '').replace('a=msid-semantic: WMS\r\n', '');

/** The values of Chromium's mdns-on offer (chromium-156.offer.mdns-on.trickle.sdp). */
const chromeOffer: DataChannelDescriptionOptions = {
  ufrag: 'kIJz',
  pwd: 'TfphERpH+scP72W4VHclwBcD',
  fingerprints: [{ algorithm: 'sha-256', value: '6B:20:4A:33:8E:48:F9:CC:24:D1:B2:5B:28:51:B4:93:FD:B1:3A:89:F0:27:2F:5C:E2:F0:C2:69:94:F1:B7:0B' }],
  sessionId: '6551576355720396823',
};

t.test('offer: line for line what Chromium 156 offers (trickle form)', async (t) => {
  const text = writeSdp(buildDataChannelOffer(chromeOffer));
  t.equal(text, withoutMediaOnlyLines(read('chromium-156.offer.mdns-on.trickle.sdp')));
});

t.test('offer with a gathered candidate: m= port and c= carry it (Chromium mdns-off complete)', async (t) => {
  const fixture = read('chromium-156.offer.mdns-off.complete.sdp');
  const f = parseSdp(fixture).media[0];
  const text = writeSdp(
    buildDataChannelOffer({
      ufrag: 'HRlX',
      pwd: 'J1C7xuvxgoEBM1ecLrCJx8O9',
      fingerprints: f.fingerprints,
      sessionId: 6275409385725361905n,
      candidates: f.candidates,
    }),
  );
  t.equal(text, withoutMediaOnlyLines(fixture));
});

t.test('offer with only an mDNS candidate keeps 9 / 0.0.0.0 (as Chromium does)', async (t) => {
  const c = parseCandidate('candidate:1793800266 1 udp 2113937151 98533546-a9a0-4078-a0d1-9853ea3800ee.local 37805 typ host generation 0 network-cost 999');
  const d = parseSdp(writeSdp(buildDataChannelOffer({ ...chromeOffer, candidates: [c], endOfCandidates: true })));
  const m = d.media[0];
  t.equal(m.port, 9);
  t.equal(m.connection?.address, '0.0.0.0');
  t.strictSame(m.candidates, [c]);
  t.equal(m.endOfCandidates, true);
  t.equal(writeSdp(d), withoutMediaOnlyLines(read('chromium-156.offer.mdns-on.complete.sdp')).replace('a=ice-ufrag', 'a=end-of-candidates\r\na=ice-ufrag'));
});

t.test('offer has what Firefox 153 offers for a data channel', async (t) => {
  const ff = parseSdp(read('firefox-153.offer.trickle.sdp'));
  const ours = parseSdp(writeSdp(buildDataChannelOffer(chromeOffer)));
  const fm = ff.media[0];
  const om = ours.media[0];
  t.strictSame(om.mediaLine, fm.mediaLine);
  t.strictSame(om.connection, fm.connection);
  t.equal(om.mid, fm.mid);
  t.equal(om.setup, fm.setup);
  t.equal(om.sctpPort, fm.sctpPort);
  t.strictSame(ours.bundle, ff.bundle);
  t.strictSame(om.iceParameters().options, fm.iceParameters().options);
  t.equal(om.isDataChannel && fm.isDataChannel, true);
});

t.test('answer to Chromium offer: what Chromium answers (setup active, same mid, BUNDLE)', async (t) => {
  const offer = parseSdp(read('chromium-156.offer.mdns-on.complete.sdp'));
  const answer = buildDataChannelAnswer({
    offer,
    ufrag: 'af+S',
    pwd: 'hw4j4T0Y/cds76bgukTGY+Nw',
    fingerprints: [{ algorithm: 'sha-256', value: '16:C2:F8:B0:0D:80:C3:29:4E:8D:32:88:1D:FF:5B:6B:2F:A9:43:E2:61:BB:86:0F:A7:EA:39:66:76:42:45:93' }],
    sessionId: '7607528667130406582',
  });
  t.equal(writeSdp(answer), withoutMediaOnlyLines(read('chromium-156.answer.mdns-on.trickle.sdp')));
});

t.test('ice-lite server answer: a=ice-lite at session level, setup passive, no trickle', async (t) => {
  const offer = parseSdp(read('firefox-153.offer.complete.sdp'));
  const answer = parseSdp(writeSdp(buildDataChannelAnswer({ ...chromeOffer, offer, iceLite: true, endOfCandidates: true, maxMessageSize: 65536 })));
  t.equal(answer.iceLite, true);
  const p = dataChannelParameters(answer);
  t.equal(p.iceLite, true);
  t.equal(p.setup, 'passive');
  t.strictSame(p.iceOptions, []);
  t.equal(p.maxMessageSize, 65536);
  t.equal(p.endOfCandidates, true);
  t.equal(answer.media[0].lineNumber(0), 7, 'm= after v o s t group ice-lite');
});

t.test('answer setup is the opposite of an active or passive offer (RFC 8842 §5.3)', async (t) => {
  for (const [offered, expected] of [
    ['active', 'passive'],
    ['passive', 'active'],
    ['actpass', 'active'],
  ] as const) {
    const offer = buildDataChannelOffer({ ...chromeOffer, setup: offered });
    t.equal(buildDataChannelAnswer({ ...chromeOffer, offer }).media[0].setup, expected, offered);
  }
  t.equal(buildDataChannelAnswer({ ...chromeOffer, setup: 'passive' }).media[0].setup, 'passive', 'explicit setup wins');
});

t.test('answer to an audio + video + data offer rejects audio and video (JSEP §5.3.1)', async (t) => {
  const offer = parseSdp(read('chromium-156.offer.av-data.mdns-on.complete.sdp'));
  const answer = parseSdp(writeSdp(buildDataChannelAnswer({ ...chromeOffer, offer })));
  t.strictSame(answer.media.map((m) => [m.kind, m.port, m.mid]), [
    ['audio', 0, '0'],
    ['video', 0, '1'],
    ['application', 9, '2'],
  ]);
  t.strictSame(answer.media.map((m) => m.rejected), [true, true, false]);
  t.strictSame(answer.media[0].formats, offer.media[0].formats, 'a rejected section keeps its fmt list');
  t.strictSame(answer.bundle, ['2']);
  t.equal(dataChannelParameters(answer).mid, '2');
});

t.test('answer to aiortc 1.4 legacy offer answers in the legacy form', async (t) => {
  const offer = parseSdp(read('aiortc-1.4.0.offer.sdp'));
  const answer = parseSdp(writeSdp(buildDataChannelAnswer({ ...chromeOffer, offer })));
  const m = answer.media[0];
  t.equal(m.proto, 'DTLS/SCTP');
  t.strictSame(m.formats, ['5000']);
  t.strictSame(m.sctpmap, { port: 5000, protocol: 'webrtc-datachannel', streams: 65535 });
  t.strictSame(m.sctpParameters(), { port: 5000, maxMessageSize: 262144, legacy: true });
});

t.test('answers to every captured offer parse back with the offer mid', async (t) => {
  for (const f of ['firefox-153.offer.complete.sdp', 'pion-3.1.56.offer.sdp', 'libdatachannel-0.24.5.offer.sdp', 'werift-0.24.4.offer.sdp', 'wrtc-0.10.0.offer.sdp', 'aiortc-1.4.0.offer.sdp']) {
    const offer = parseSdp(read(f));
    const p = dataChannelParameters(parseSdp(writeSdp(buildDataChannelAnswer({ ...chromeOffer, offer }))));
    t.equal(p.mid, offer.dataChannelMedia?.mid, f);
    t.equal(p.setup, 'active', f);
  }
});

t.test('options: sctpPort, maxMessageSize, mid, iceOptions, tlsId, sessionVersion, random', async (t) => {
  const d = parseSdp(
    writeSdp(
      buildDataChannelOffer({ ...chromeOffer, sctpPort: 5001, maxMessageSize: 0, mid: 'data', iceOptions: ['trickle', 'ice2'], tlsId: 'abcdefghijklmnopqrstuv', sessionVersion: 7 }),
    ),
  );
  const m = d.media[0];
  t.strictSame(m.sctpParameters(), { port: 5001, maxMessageSize: Infinity, legacy: false });
  t.equal(m.mid, 'data');
  t.strictSame(d.bundle, ['data']);
  t.strictSame(m.iceOptions, ['trickle', 'ice2']);
  t.equal(m.tlsId, 'abcdefghijklmnopqrstuv');
  t.equal(d.origin?.sessionVersion, '7');
  const r = buildDataChannelOffer({ ...chromeOffer, sessionId: undefined, random: (out) => out.fill(0xff) }).origin;
  t.equal(r?.sessionId, String((1n << 63n) - 1n), 'random sess-id with the top bit clear');
});

t.test('bad options are SdpError bad-argument', async (t) => {
  const bad: [string, Partial<DataChannelDescriptionOptions>][] = [
    ['short ufrag', { ufrag: 'abc' }],
    ['ufrag with a space', { ufrag: 'ab cd' }],
    ['short pwd', { pwd: 'x'.repeat(21) }],
    ['no fingerprint', { fingerprints: [] }],
    ['bad fingerprint', { fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] }],
    ['mid with CRLF', { mid: '0\r\na=ice-lite' }],
    ['sctp port 0', { sctpPort: 0 }],
    ['negative max-message-size', { maxMessageSize: -1 }],
    ['no session id', { sessionId: undefined }],
    ['bad session id', { sessionId: '12x' }],
    ['ice option with space', { iceOptions: ['a b'] }],
    ['short tls-id', { tlsId: 'abc' }],
  ];
  for (const [name, o] of bad) throwsSdpError(t, () => buildDataChannelOffer({ ...chromeOffer, ...o }), 'bad-argument', 0, name);
  throwsSdpError(t, () => buildDataChannelAnswer({ ...chromeOffer, offer: parseSdp('v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n') }), 'missing-attribute', 0, 'offer without SCTP');
});

t.test('dataChannelParameters: missing credentials or fingerprint', async (t) => {
  const head = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n';
  throwsSdpError(t, () => dataChannelParameters(parseSdp(head)), 'missing-attribute', 0, 'no data section');
  throwsSdpError(t, () => dataChannelParameters(parseSdp(head + 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n')), 'missing-attribute', 5, 'no ICE credentials');
  throwsSdpError(
    t,
    () => dataChannelParameters(parseSdp(head + 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=ice-ufrag:abcd\r\na=ice-pwd:' + 'p'.repeat(22) + '\r\n')),
    'missing-attribute',
    5,
    'no fingerprint',
  );
});

t.test('dataChannelParameters: a bundle-only data section takes the tagged section transport (RFC 9143 §7)', async (t) => {
  const fp = 'sha-256 6B:20:4A:33:8E:48:F9:CC:24:D1:B2:5B:28:51:B4:93:FD:B1:3A:89:F0:27:2F:5C:E2:F0:C2:69:94:F1:B7:0B';
  const text = [
    'v=0', 'o=- 1 1 IN IP4 0.0.0.0', 's=-', 't=0 0', 'a=group:BUNDLE a d',
    'm=audio 50000 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 198.51.100.10', 'a=mid:a',
    'a=ice-ufrag:tagd', 'a=ice-pwd:' + 'q'.repeat(22), `a=fingerprint:${fp}`, 'a=setup:actpass',
    'a=candidate:1 1 udp 2130706431 198.51.100.10 50000 typ host', 'a=end-of-candidates',
    'm=application 0 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0', 'a=bundle-only', 'a=mid:d', 'a=sctp-port:5000',
    '',
  ].join('\r\n');
  const d = parseSdp(text);
  t.equal(d.media[1].rejected, false, 'port 0 with bundle-only is not a rejection');
  const p = dataChannelParameters(d);
  t.equal(p.mid, 'd');
  t.equal(p.ufrag, 'tagd');
  t.equal(p.setup, 'actpass');
  t.equal(p.candidates[0].port, 50000);
  t.equal(p.endOfCandidates, true);
  t.equal(p.maxMessageSize, 65536);
});

t.test('addCandidate puts trickled candidates where Chromium puts them', async (t) => {
  const fixture = read('chromium-156.offer.mdns-on.complete.sdp');
  const trickle = parseSdp(read('chromium-156.offer.mdns-on.trickle.sdp'));
  trickle.media[0].addCandidate(parseCandidate('candidate:1793800266 1 udp 2113937151 98533546-a9a0-4078-a0d1-9853ea3800ee.local 37805 typ host generation 0 network-cost 999'));
  t.equal(writeSdp(trickle), fixture, 'trickle offer + its candidate = the complete offer');
  const c2 = parseCandidate('candidate:842163049 1 udp 1677729535 203.0.113.54 37805 typ srflx raddr 0.0.0.0 rport 0 generation 0 network-cost 999');
  trickle.media[0].addCandidate(c2);
  t.strictSame(trickle.media[0].candidates.map((c) => c.type), ['host', 'srflx'], 'after the last candidate');
  t.throws(() => trickle.media[0].addCandidate({ ...c2, address: 'a\r\nb' }), { code: 'bad-argument' });
});

t.test('builders refuse non-objects and foreign offers with SdpError', async (t) => {
  throwsSdpError(t, () => buildDataChannelOffer(undefined as never), 'bad-argument');
  throwsSdpError(t, () => buildDataChannelAnswer({ ...chromeOffer, offer: { media: [] } as never }), 'bad-argument');
  throwsSdpError(t, () => buildDataChannelOffer({ ...chromeOffer, fingerprints: 'x' as never }), 'bad-argument');
});

t.test('answer BUNDLEs the data section only if the offer did', async (t) => {
  const head = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n';
  const dcs = 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:d\r\n';
  const audio = 'm=audio 9 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=mid:a\r\n';
  t.strictSame(buildDataChannelAnswer({ ...chromeOffer, offer: parseSdp(head + dcs) }).bundle, undefined, 'no BUNDLE offered');
  t.strictSame(buildDataChannelAnswer({ ...chromeOffer, offer: parseSdp(head + 'a=group:BUNDLE a\r\n' + audio + dcs) }).bundle, undefined, 'data section not in the offered group');
  t.strictSame(buildDataChannelAnswer({ ...chromeOffer, offer: parseSdp(head + 'a=group:BUNDLE a d\r\n' + audio + dcs) }).bundle, ['d']);
});
