import t from 'tap';
import { binaryPayload, stringPayload, formatBytes } from '../src/payload.js';
import { maxMessageSize } from '../src/sdp-facts.js';
import { parseArgs } from '../src/cli.js';
import { knownFault } from '../src/known-faults.js';
import { count, markdown, type Report } from '../src/report.js';
import { SCENARIOS } from '../src/scenarios/index.js';
import type { Cell } from '../src/matrix.js';

t.test('stringPayload has exactly the asked UTF-8 length and uses multi-byte sequences', async (t) => {
  for (const n of [0, 1, 9, 10, 11, 1200, 65_535, 65_536, 262_144]) {
    t.equal(Buffer.byteLength(stringPayload(n), 'utf8'), n, `${n} bytes`);
  }
  t.ok(/[\u{1F600}]/u.test(stringPayload(100)), 'has a 4-byte sequence');
});

t.test('binaryPayload is deterministic per seed and differs between seeds', async (t) => {
  t.same(binaryPayload(64, 7), binaryPayload(64, 7));
  t.not(Buffer.from(binaryPayload(64, 7)).toString('hex'), Buffer.from(binaryPayload(64, 8)).toString('hex'));
  t.equal(binaryPayload(0).byteLength, 0);
});

t.test('formatBytes', async (t) => {
  t.equal(formatBytes(65_536), '64 KiB');
  t.equal(formatBytes(65_535), '65535 B');
  t.equal(formatBytes(1 << 20), '1 MiB');
});

t.test('max-message-size per RFC 8841 §6', async (t) => {
  t.equal(maxMessageSize('v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n'), 65_536, 'absent: 64 KiB');
  t.equal(maxMessageSize('a=max-message-size:0\r\n'), Infinity, '0: any size');
  t.equal(maxMessageSize('a=sctp-port:5000\r\na=max-message-size:262144\r\n'), 262_144);
});

t.test('command line', async (t) => {
  const o = parseArgs(['--quick', '--peers', 'chromium,aiortc', '--scenarios=rtt', '--subject', 'wrtc']);
  t.equal(o.quick, true);
  t.same(o.peers, ['chromium', 'aiortc']);
  t.same(o.scenarios, ['rtt']);
  t.same(o.subjects, ['wrtc']);
  t.throws(() => parseArgs(['--peers', 'netscape']), /unknown peer/);
  t.throws(() => parseArgs(['--subject', 'chromium']), /unknown subject/);
  t.throws(() => parseArgs(['--frobnicate']), /unknown flag/);
  t.equal(parseArgs([]).repeat, 1);
  t.equal(parseArgs(['--repeat', '3']).repeat, 3);
  t.throws(() => parseArgs(['--repeat', '0']), /positive integer/);
});

t.test('every scenario id is unique and documented', async (t) => {
  const ids = SCENARIOS.map((s) => s.id);
  t.equal(new Set(ids).size, ids.length);
  for (const s of SCENARIOS) t.ok(s.checks.length > 40 && s.timeoutMs > 0, s.id);
});

t.test('known peer faults match only their peer and symptom', async (t) => {
  t.ok(knownFault('pion', 'binary-sizes', 'timeout waiting for the echo of a 64 KiB binary message'));
  t.notOk(knownFault('pion', 'binary-sizes', 'timeout waiting for the echo of a 1200 B binary message'));
  t.notOk(knownFault('aiortc', 'binary-sizes', 'timeout waiting for the echo of a 64 KiB binary message'));
  t.ok(knownFault('pion', 'rtt', 'timeout after 15000 ms: channel "echo" open', 'ndc'), 'stock pion vs libdatachannel');
  t.notOk(knownFault('pion', 'rtt', 'timeout after 15000 ms: channel "echo" open', 'tsrtc'), 'only for the libdatachannel subject');
});

t.test('markdown report: one row per scenario, marks per cell, reasons listed', async (t) => {
  const cells: Cell[] = [
    { subject: 's', peer: 'p1', scenario: 'rtt', status: 'pass', figures: { 'RTT p50 ms': 0.2 }, notes: [], ms: 1 },
    { subject: 's', peer: 'p2', scenario: 'rtt', status: 'fail', reason: 'pong 3 differs', figures: {}, notes: [], ms: 1 },
  ];
  const report: Report = {
    generatedAt: 'now', durationS: 1, quick: false, versions: { node: 'v20' },
    subjects: [{ name: 's', description: 'subject s', counts: count(cells) }],
    peers: [{ name: 'p1', description: 'one' }, { name: 'p2', description: 'two' }],
    scenarios: [], cells,
  };
  const md = markdown(report, SCENARIOS.filter((s) => s.id === 'rtt'));
  t.match(md, /\| round-trip time[^\n]*\| ✅ 0\.2 ms \| ❌ \|/);
  t.match(md, /\*\*rtt × p2\*\*: pong 3 differs/);
  t.same(count(cells), { pass: 1, fail: 1, 'peer-fault': 0, skip: 0 });
});
