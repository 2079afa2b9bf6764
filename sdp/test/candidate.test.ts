// Candidates (RFC 8839 §5.1): the strings browsers and libraries trickled
// (shared/fixtures/sdp/trickled-candidates.json), round trips, and malformed values.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t from 'tap';
import { isMdnsAddress, parseCandidate, writeCandidate, type Candidate } from '@tsrtc/sdp';
import { throwsSdpError } from './helpers.js';

interface TrickleEvent {
  candidate: string;
  usernameFragment?: string;
}
const trickled = JSON.parse(readFileSync(new URL('../../../shared/fixtures/sdp/trickled-candidates.json', import.meta.url), 'utf8')) as {
  entries: { source: string; events: (TrickleEvent | string | null)[] }[];
};

t.test('every trickled candidate string parses; ufrag matches usernameFragment', async (t) => {
  let n = 0;
  for (const entry of trickled.entries) {
    for (const ev of entry.events) {
      if (ev === null) continue;
      const text = typeof ev === 'string' ? ev : ev.candidate;
      if (text === '') {
        // Firefox's end-of-candidates marker: not a candidate.
        throwsSdpError(t, () => parseCandidate(text), 'bad-candidate', 0, `${entry.source}: "" is not a candidate`);
        continue;
      }
      const c = parseCandidate(text);
      n++;
      if (typeof ev !== 'string' && c.ufrag !== undefined) t.equal(c.ufrag, ev.usernameFragment, `${entry.source} ufrag`);
      // Written back in libwebrtc's order it is the same string, up to the transport's case.
      t.equal(writeCandidate(c).toLowerCase(), text.replace(/^a=/, '').toLowerCase(), `${entry.source} round trip`);
    }
  }
  t.equal(n, 11, 'Chromium 2, Firefox 4, werift 1, wrtc 3, node-datachannel 1');
});

t.test('Chromium trickled string with ufrag and network-cost', async (t) => {
  const s = 'candidate:1793800266 1 udp 2113937151 98533546-a9a0-4078-a0d1-9853ea3800ee.local 37805 typ host generation 0 ufrag kIJz network-cost 999';
  const c = parseCandidate(s);
  t.strictSame(c, {
    foundation: '1793800266',
    component: 1,
    transport: 'udp',
    priority: 2113937151,
    address: '98533546-a9a0-4078-a0d1-9853ea3800ee.local',
    port: 37805,
    type: 'host',
    generation: 0,
    ufrag: 'kIJz',
    networkCost: 999,
  });
  t.equal(isMdnsAddress(c.address), true);
  t.equal(isMdnsAddress('198.51.100.10'), false);
  t.equal(writeCandidate(c), s);
});

t.test('wrtc: network-id and network-cost; IPv6', async (t) => {
  const c = parseCandidate('candidate:651017923 1 udp 2122260223 198.51.100.10 55527 typ host generation 0 ufrag caAS network-id 1 network-cost 50');
  t.equal(c.networkId, 1);
  t.equal(c.networkCost, 50);
  const v6 = parseCandidate('candidate:559267639 1 udp 2122202367 ::1 46931 typ host generation 0 ufrag caAS network-id 3');
  t.equal(v6.address, '::1');
  t.equal(v6.networkId, 3);
  t.equal(v6.networkCost, undefined);
});

t.test('node-datachannel polyfill: a=candidate: prefix accepted', async (t) => {
  const c = parseCandidate('a=candidate:1 1 UDP 2114977791 198.51.100.10 52112 typ host');
  t.equal(c.foundation, '1');
  t.equal(c.transport, 'udp');
  t.equal(c.port, 52112);
  t.strictSame(parseCandidate('1 1 UDP 2114977791 198.51.100.10 52112 typ host'), c, 'bare value');
  t.strictSame(parseCandidate('candidate:1 1 UDP 2114977791 198.51.100.10 52112 typ host\r\n'), c, 'line end kept by signalling');
});

t.test('srflx / relay with raddr rport, tcptype, unknown extensions kept in order', async (t) => {
  const s = 'candidate:842163049 1 udp 1677729535 203.0.113.54 37805 typ srflx raddr 198.51.100.10 rport 37805 generation 0 network-cost 999';
  const c = parseCandidate(s);
  t.equal(c.type, 'srflx');
  t.equal(c.relatedAddress, '198.51.100.10');
  t.equal(c.relatedPort, 37805);
  t.equal(writeCandidate(c), s);
  const r = parseCandidate('candidate:3 1 udp 41885439 203.0.113.9 50000 typ relay raddr 203.0.113.54 rport 3478 foo bar x-y 1');
  t.strictSame(r.extensions, [
    { name: 'foo', value: 'bar' },
    { name: 'x-y', value: '1' },
  ]);
  t.equal(writeCandidate(r), 'candidate:3 1 udp 41885439 203.0.113.9 50000 typ relay raddr 203.0.113.54 rport 3478 foo bar x-y 1');
  const tcp = parseCandidate('candidate:3930474762 1 tcp 1518280447 198.51.100.10 9 typ host tcptype passive generation 0');
  t.equal(tcp.tcpType, 'passive');
  t.equal(tcp.transport, 'tcp');
  t.equal(parseCandidate('candidate:1 1 tcp 1 198.51.100.10 9 typ host tcptype so').tcpType, 'so');
  t.equal(parseCandidate('candidate:1 1 udp 1 198.51.100.10 9 typ prflx').type, 'prflx');
  t.equal(parseCandidate('candidate:1 1 udp 4294967295 198.51.100.10 65535 typ host').priority, 4294967295);
});

t.test('malformed candidates give SdpError bad-candidate', async (t) => {
  const bad = [
    '',
    'candidate:',
    'candidate:1',
    'candidate:1 1 udp 2113937151 198.51.100.10 37805',
    'candidate:1 1 udp 2113937151 198.51.100.10 37805 typ',
    'candidate:1 1 udp 2113937151 198.51.100.10 37805 typ bogus',
    'candidate:1 1 udp 2113937151 198.51.100.10 37805 host',
    'candidate:1 0 udp 2113937151 198.51.100.10 37805 typ host',
    'candidate:1 257 udp 2113937151 198.51.100.10 37805 typ host',
    'candidate:1 1 udp 4294967296 198.51.100.10 37805 typ host',
    'candidate:1 1 udp -1 198.51.100.10 37805 typ host',
    'candidate:1 1 udp 12x 198.51.100.10 37805 typ host',
    'candidate:1 1 udp 1 198.51.100.10 65536 typ host',
    'candidate:1 1 udp 1 198.51.100.10 99999999999999999999999 typ host',
    'candidate:1 1 udp 1 198.51.100.10 9 typ host raddr',
    'candidate:1 1 udp 1 198.51.100.10 9 typ host rport x',
    'candidate:1 1 tcp 1 198.51.100.10 9 typ host tcptype sideways',
    'candidate:1 1 udp 1 198.51.100.10 9 typ host generation',
    'candidate:1 1 udp 1 198.51.100.10 9 typ host network-id -3',
    'candidate:' + 'a'.repeat(33) + ' 1 udp 1 198.51.100.10 9 typ host',
    'candidate:f@o 1 udp 1 198.51.100.10 9 typ host',
  ];
  for (const s of bad) {
    throwsSdpError(t, () => parseCandidate(s), 'bad-candidate', 0, JSON.stringify(s));
  }
  throwsSdpError(t, () => parseCandidate(42 as unknown as string), 'bad-candidate');
});

const token = fc.stringMatching(/^[A-Za-z0-9+/]{1,32}$/);
const host = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.uuid().map((u) => `${u}.local`),
);
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const candidateArb: fc.Arbitrary<Candidate> = fc
  .record(
    {
      foundation: token,
      component: fc.integer({ min: 1, max: 256 }),
      transport: fc.constantFrom('udp', 'tcp'),
      priority: u32,
      address: host,
      port: fc.integer({ min: 0, max: 65535 }),
      type: fc.constantFrom('host', 'srflx', 'prflx', 'relay'),
      relatedAddress: host,
      relatedPort: fc.integer({ min: 0, max: 65535 }),
      tcpType: fc.constantFrom('active', 'passive', 'so'),
      generation: u32,
      ufrag: token,
      networkId: u32,
      networkCost: u32,
      extensions: fc.array(fc.record({ name: fc.stringMatching(/^x-[a-z]{1,8}$/), value: token }), { minLength: 1, maxLength: 3 }),
    },
    { requiredKeys: ['foundation', 'component', 'transport', 'priority', 'address', 'port', 'type'] },
  )
  // Plain objects (fast-check may build null-prototype records).
  .map((c) => ({ ...c, ...(c.extensions ? { extensions: c.extensions.map((e) => ({ name: e.name, value: e.value })) } : {}) }) as Candidate);

t.test('property: parseCandidate(writeCandidate(c)) equals c', async (t) => {
  fc.assert(
    fc.property(candidateArb, (c) => {
      const s = writeCandidate(c);
      const back = parseCandidate(s);
      if (!isDeepStrictEqual(back, c)) throw new Error(`${s}\n${JSON.stringify(back)}\n${JSON.stringify(c)}`);
      return writeCandidate(back) === s && parseCandidate(`a=${s}`).port === c.port;
    }),
    { numRuns: 2000, seed: 8839 },
  );
});

t.test('writeCandidate refuses values that would not parse back', async (t) => {
  const c = parseCandidate('candidate:1 1 udp 1 198.51.100.10 9 typ host');
  throwsSdpError(t, () => writeCandidate({ ...c, address: 'a b' }), 'bad-argument');
  throwsSdpError(t, () => writeCandidate({ ...c, port: 70000 }), 'bad-argument');
  throwsSdpError(t, () => writeCandidate({ ...c, component: 0 }), 'bad-argument');
  throwsSdpError(t, () => writeCandidate({ ...c, ufrag: 'x\r\na=evil' }), 'bad-argument');
});
