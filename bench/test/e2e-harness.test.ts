// The e2e bench's own machinery: the impairment relay really carries, delays and drops
// datagrams, candidates are rewritten so nothing bypasses it, and the report reads ratios the
// right way round.
import t from 'tap';
import { createSocket, type Socket } from 'node:dgram';
import { ImpairedPath } from '../src/e2e/path.js';
import { higherIsBetter, median, record, table, type Samples } from '../src/e2e/report.js';

const bound = async (): Promise<Socket> => {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  s.setRecvBufferSize(4 << 20); // a burst of 1000 must not overflow the receiver on a loaded machine
  return s;
};

/** Sends `n` datagrams a → b through the relay; resolves with the arrival delays (ms) seen within `waitMs`. */
async function through(path: ImpairedPath, n: number, waitMs: number): Promise<number[]> {
  const a = await bound();
  const b = await bound();
  const toB = await path.map('127.0.0.1', b.address().port); // relay port standing for b
  const delays: number[] = [];
  b.on('message', (m) => delays.push(performance.now() - m.readDoubleLE(0)));
  for (let i = 0; i < n; i++) {
    const m = Buffer.alloc(16);
    m.writeDoubleLE(performance.now(), 0);
    a.send(m, toB, '127.0.0.1');
    if (i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setTimeout(r, waitMs));
  a.close();
  b.close();
  return delays;
}

t.test('relay without impairment forwards every datagram', async (t) => {
  const path = await ImpairedPath.start({ name: 'clean', delayMs: 0, lossPct: 0 });
  t.teardown(() => path.close());
  const got = await through(path, 200, 300);
  t.equal(got.length, 200);
  const s = await path.stats();
  t.equal(s.dropped, 0);
});

t.test('relay delays each datagram by at least the one-way delay', async (t) => {
  const path = await ImpairedPath.start({ name: 'delay', delayMs: 30, lossPct: 0 });
  t.teardown(() => path.close());
  const got = await through(path, 20, 400);
  t.equal(got.length, 20);
  t.ok(Math.min(...got) >= 29, `earliest arrival after ${Math.min(...got).toFixed(1)} ms`);
});

t.test('relay drops about the configured share, reproducibly for a seed', async (t) => {
  const path = await ImpairedPath.start({ name: 'loss', delayMs: 0, lossPct: 20 }, 7);
  t.teardown(() => path.close());
  const got = await through(path, 1000, 400);
  let s = await path.stats();
  for (let i = 0; i < 30 && s.forwarded + s.dropped < 1000; i++) s = (await new Promise((r) => setTimeout(r, 100)), await path.stats());
  t.equal(s.forwarded + s.dropped, 1000, 'every datagram either forwarded or counted as dropped');
  t.ok(got.length <= s.forwarded && got.length >= s.forwarded - 5, `${got.length} arrived of ${s.forwarded} forwarded`);
  t.ok(s.dropped > 120 && s.dropped < 280, `${s.dropped} of 1000 dropped at 20 %`);
});

t.test('candidates are rewritten to the relay; IPv6, TCP and mDNS candidates are removed', async (t) => {
  const path = await ImpairedPath.start({ name: 'sdp', delayMs: 0, lossPct: 0 });
  t.teardown(() => path.close());
  const udp = await path.candidate('candidate:1 1 udp 2122260223 192.0.2.7 50000 typ host generation 0');
  t.match(udp, /^candidate:1 1 udp 2122260223 127\.0\.0\.1 \d+ typ host generation 0$/);
  t.not(udp!.split(' ')[5], '50000');
  t.equal(await path.candidate('candidate:2 1 udp 2122260223 ::1 50001 typ host'), undefined);
  t.equal(await path.candidate('candidate:3 1 tcp 1518280447 192.0.2.7 9 typ host tcptype active'), undefined);
  t.equal(await path.candidate('candidate:4 1 udp 2122260223 abc.local 50002 typ host'), undefined);
  const d = await path.description({ type: 'offer', sdp: 'v=0\r\na=candidate:1 1 udp 1 192.0.2.7 50000 typ host\r\na=candidate:2 1 udp 1 ::1 5 typ host\r\na=end-of-candidates\r\n' });
  t.equal(d.sdp.match(/a=candidate:/g)?.length, 1);
  t.match(d.sdp, /a=candidate:1 1 udp 1 127\.0\.0\.1 \d+ typ host\r\na=end-of-candidates/);
});

t.test('report: medians, and ratios read as "times better" for rates and for costs', async (t) => {
  t.equal(median([3, 1, 2]), 2);
  t.equal(median([4, 1, 3, 2]), 2.5);
  t.ok(higherIsBetter('throughput-64KiB-MBps'));
  t.notOk(higherIsBetter('cpu-64KiB-ms-per-MB'));
  t.notOk(higherIsBetter('rtt-p50-us'));
  const s: Samples = new Map();
  for (const v of [10, 20, 30]) record(s, 'throughput-64KiB-MBps', 'tsrtc', v);
  record(s, 'throughput-64KiB-MBps', 'anchor', 5);
  record(s, 'rtt-p50-us', 'tsrtc', 50);
  record(s, 'rtt-p50-us', 'anchor', 100);
  record(s, 'rtt-p50-us', 'anchor', NaN); // ignored
  const md = table(s, ['throughput-64KiB-MBps', 'rtt-p50-us'], ['tsrtc', 'anchor'], () => false);
  t.match(md, /\| throughput-64KiB-MBps \| 20\.0 \| 5\.00 · tsrtc ×4\.00 \|/);
  t.match(md, /\| rtt-p50-us \| 50\.0 \| 100 · tsrtc ×2\.00 \|/);
});
