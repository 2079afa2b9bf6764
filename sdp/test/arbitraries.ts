// fast-check generators of session descriptions as line lists (the model), shared by the
// round-trip and fuzz tests.
import fc from 'fast-check';

const tok = fc.stringMatching(/^[A-Za-z0-9+/]{4,24}$/);
const mid = fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/);
const hexPair = fc.integer({ min: 0, max: 255 }).map((b) => b.toString(16).toUpperCase().padStart(2, '0'));
const fingerprint = fc
  .constantFrom(['sha-1', 20], ['sha-256', 32], ['sha-384', 48], ['sha-512', 64])
  .chain(([alg, n]) => fc.array(hexPair, { minLength: n as number, maxLength: n as number }).map((b) => `${alg} ${b.join(':')}`));
const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.uuid().map((u) => `${u}.local`));
const port = fc.integer({ min: 0, max: 65535 });
/** Free text for values: any characters but LF and NUL (what a line can hold). */
const text = fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => s.replace(/[\n\0]/g, ''));

const candidateLine = fc
  .tuple(tok, fc.integer({ min: 1, max: 2 }), fc.constantFrom('udp', 'UDP', 'tcp'), fc.integer({ min: 0, max: 0xffffffff }), address, port, fc.constantFrom('host', 'srflx', 'relay'), fc.boolean())
  .map(([f, c, tr, pr, a, p, ty, ext]) => `a=candidate:${f.slice(0, 32)} ${c} ${tr} ${pr} ${a} ${p} typ ${ty}${ty !== 'host' ? ` raddr 0.0.0.0 rport 0` : ''}${ext ? ' generation 0 network-cost 999' : ''}`);

const sharedAttribute = fc.oneof(
  tok.map((u) => `a=ice-ufrag:${u}`),
  fc.stringMatching(/^[A-Za-z0-9+/]{22,32}$/).map((p) => `a=ice-pwd:${p}`),
  fc.constantFrom('a=ice-options:trickle', 'a=ice-options:ice2,trickle', 'a=ice-options:trickle ice2'),
  fingerprint.map((f) => `a=fingerprint:${f}`),
  fc.constantFrom('actpass', 'active', 'passive').map((s) => `a=setup:${s}`),
  fc.constantFrom('a=sendrecv', 'a=recvonly', 'a=sendonly', 'a=inactive', 'a=extmap-allow-mixed'),
  fc.tuple(fc.stringMatching(/^x-[a-z-]{1,10}$/), text).map(([n, v]) => `a=${n}:${v}`),
  fc.stringMatching(/^x-[a-z-]{1,10}$/).map((n) => `a=${n}`),
);

const sessionLines = fc
  .tuple(
    fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
    fc.integer({ min: 0, max: 1e6 }),
    text.map((s) => s.replace(/ /g, '') || '-'),
    fc.array(mid, { minLength: 1, maxLength: 3 }),
    fc.boolean(),
    fc.array(sharedAttribute, { maxLength: 6 }),
    fc.option(fc.constantFrom('i=a session', 'u=https://example.com/', 'e=a@example.com', 'b=AS:30'), { nil: undefined }),
  )
  .map(([id, ver, user, bundle, lite, attrs, extra]) => [
    'v=0',
    `o=${user} ${id} ${ver} IN IP4 127.0.0.1`,
    's=-',
    ...(extra ? [extra] : []),
    't=0 0',
    `a=group:BUNDLE ${bundle.join(' ')}`,
    ...(lite ? ['a=ice-lite'] : []),
    'a=msid-semantic: WMS',
    ...attrs,
  ]);

const dataSection = fc
  .tuple(port, mid, fc.array(candidateLine, { maxLength: 4 }), fc.array(sharedAttribute, { maxLength: 6 }), fc.integer({ min: 0, max: 1 << 30 }), fc.boolean())
  .map(([p, m, cands, attrs, mms, eoc]) => [
    `m=application ${p} UDP/DTLS/SCTP webrtc-datachannel`,
    'c=IN IP4 0.0.0.0',
    ...cands,
    ...(eoc ? ['a=end-of-candidates'] : []),
    ...attrs,
    `a=mid:${m}`,
    'a=sctp-port:5000',
    `a=max-message-size:${mms}`,
  ]);

const rtpSection = fc
  .tuple(fc.constantFrom('audio', 'video'), port, fc.array(fc.integer({ min: 0, max: 127 }), { minLength: 1, maxLength: 6 }), mid, fc.array(sharedAttribute, { maxLength: 6 }), fc.array(candidateLine, { maxLength: 2 }))
  .map(([kind, p, pts, m, attrs, cands]) => [
    `m=${kind} ${p} UDP/TLS/RTP/SAVPF ${pts.join(' ')}`,
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    ...cands,
    ...attrs,
    `a=mid:${m}`,
    'a=rtcp-mux',
    ...pts.map((pt) => `a=rtpmap:${pt} opus/48000/2`),
  ]);

/** A description: session lines and media sections (each starting with m=). */
export interface Model {
  session: string[];
  media: string[][];
}

export const modelArb: fc.Arbitrary<Model> = fc.record({
  session: sessionLines,
  media: fc.array(fc.oneof(dataSection, rtpSection), { maxLength: 4 }),
});

export const modelText = (m: Model) => [...m.session, ...m.media.flat()].map((l) => `${l}\r\n`).join('');
