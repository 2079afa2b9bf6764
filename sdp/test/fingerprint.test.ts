// a=fingerprint values (RFC 8122 §5): the hash functions WebRTC uses, normalisation, lengths.
import t from 'tap';
import { FINGERPRINT_BYTES, parseFingerprint, parseSdp, writeFingerprint } from '@tsrtc/sdp';
import { throwsSdpError } from './helpers.js';

const hex = (n: number, start = 0) => Array.from({ length: n }, (_, i) => ((start + i * 37) & 0xff).toString(16).padStart(2, '0')).join(':');

t.test('sha-1, sha-224, sha-256, sha-384, sha-512', async (t) => {
  t.strictSame(FINGERPRINT_BYTES, { 'sha-1': 20, 'sha-224': 28, 'sha-256': 32, 'sha-384': 48, 'sha-512': 64 });
  for (const [alg, n] of Object.entries(FINGERPRINT_BYTES)) {
    const value = hex(n, n);
    const f = parseFingerprint(`${alg.toUpperCase()} ${value}`);
    t.equal(f.algorithm, alg, 'algorithm lower-cased');
    t.equal(f.value, value.toUpperCase(), 'value upper-cased');
    t.equal(writeFingerprint(f), `${alg} ${value.toUpperCase()}`);
    throwsSdpError(t, () => parseFingerprint(`${alg} ${hex(n - 1)}`), 'bad-fingerprint', 0, `${alg} one byte short`);
    throwsSdpError(t, () => parseFingerprint(`${alg} ${hex(n + 1)}`), 'bad-fingerprint', 0, `${alg} one byte long`);
  }
});

t.test('other RFC 8122 hash names are kept; several fingerprints in order', async (t) => {
  t.strictSame(parseFingerprint('md5 ' + hex(16)), { algorithm: 'md5', value: hex(16).toUpperCase() });
  const d = parseSdp(`v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 ${hex(32)}\r\na=fingerprint:sha-384 ${hex(48)}\r\n`);
  t.strictSame(d.fingerprints.map((f) => f.algorithm), ['sha-256', 'sha-384']);
  throwsSdpError(t, () => writeFingerprint({ algorithm: 'sha-256', value: 'AB:CD' }), 'bad-argument');
  throwsSdpError(t, () => writeFingerprint({ algorithm: 'sha-256', value: `${hex(32)}\r\na=x` }), 'bad-argument');
});
