// The driver's pieces that can be tested without sockets, and the rule that only driver/ does IO.
import t from 'tap';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { secureRandom } from '../src/driver/clock.js';
import { DeadlineHeap } from '../src/driver/deadline-heap.js';
import { parseIceServerUrl } from '../src/driver/resolve.js';

t.test('secureRandom: pooled bytes are handed out once; large requests come from the OS directly', (t) => {
  const seen = new Set<string>();
  let zero = 0;
  for (let i = 0; i < 2000; i++) { // several pool refills
    const out = new Uint8Array(1 + (i % 24));
    secureRandom(out);
    if (out.length >= 8) seen.add(Buffer.from(out).toString('hex'));
    if (out.length >= 8 && out.every((b) => b === 0)) zero++;
  }
  t.equal(zero, 0, 'no all-zero output (a consumed pool byte is never reused)');
  t.equal(seen.size, [...Array(2000).keys()].filter((i) => 1 + (i % 24) >= 8).length, 'every output of 8+ bytes distinct');
  const big = new Uint8Array(1024);
  secureRandom(big);
  t.ok(big.some((b) => b !== 0));
  secureRandom(new Uint8Array(0));
  t.end();
});

t.test('deadline heap pops live entries in deadline order (property, against a sorted model)', (t) => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(9), fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined })), { maxLength: 200 }), fc.integer({ min: 0, max: 1000 }), (ops, now) => {
      const heap = new DeadlineHeap<{ id: number; scheduledAt: number | undefined }>();
      const items = Array.from({ length: 10 }, (_, id) => ({ id, scheduledAt: undefined as number | undefined }));
      const model = new Map<number, number>();
      for (const [id, deadline] of ops) {
        heap.schedule(items[id], deadline);
        if (deadline === undefined) model.delete(id);
        else model.set(id, deadline);
      }
      const expected = [...model.entries()].filter(([, d]) => d <= now).sort((a, b) => a[1] - b[1]).map(([, d]) => d);
      const got: number[] = [];
      for (let item = heap.popDue(now); item !== undefined; item = heap.popDue(now)) got.push(model.get(item.id)!);
      const rest = [...model.values()].filter((d) => d > now);
      return JSON.stringify(got) === JSON.stringify(expected) && (rest.length === 0 ? heap.peek() === undefined : heap.peek() === Math.min(...rest));
    }),
    { numRuns: 2000, seed: 99 },
  );
  t.pass('2000 random schedules');
  t.end();
});

t.test('deadline heap stays compact when deadlines move on every packet', (t) => {
  const heap = new DeadlineHeap<{ scheduledAt: number | undefined }>();
  const conns = Array.from({ length: 10 }, () => ({ scheduledAt: undefined as number | undefined }));
  for (let i = 0; i < 100_000; i++) heap.schedule(conns[i % 10], 1_000_000 - i); // always earlier: never surfaces as stale
  t.equal(heap.scheduled, 10);
  t.ok(heap.size <= 4 * 10 + 64 + 1, `heap nodes ${heap.size} for 10 live entries`);
  const order: number[] = [];
  for (let c = heap.popDue(Infinity); c !== undefined; c = heap.popDue(Infinity)) order.push(c.scheduledAt === undefined ? 1 : 0);
  t.equal(order.length, 10, 'each live entry pops once');
  t.equal(heap.scheduled, 0);
  t.end();
});

t.test('ICE server URLs (RFC 7064 / RFC 7065)', (t) => {
  t.same(parseIceServerUrl('stun:stun.example.org'), { scheme: 'stun', host: 'stun.example.org', port: 3478, transport: 'udp' });
  t.same(parseIceServerUrl('turn:127.0.0.1:3479?transport=udp'), { scheme: 'turn', host: '127.0.0.1', port: 3479, transport: 'udp' });
  t.same(parseIceServerUrl('turns:[::1]:443?transport=tcp'), { scheme: 'turns', host: '::1', port: 443, transport: 'tcp' });
  t.equal(parseIceServerUrl('turns:example.org').port, 5349);
  for (const bad of ['http://x', 'stun:', 'stun:host:99999', 'turn:host?transport=sctp', 'stun://host']) {
    t.throws(() => parseIceServerUrl(bad), SyntaxError, bad);
  }
  t.end();
});

t.test('only src/driver/ touches sockets, timers, clocks and the OS random source', (t) => {
  const src = fileURLToPath(new URL('../src/', import.meta.url));
  const forbidden = [/\bsetTimeout\s*\(/, /\bsetInterval\s*\(/, /\bsetImmediate\s*\(/, /\bperformance\.now\s*\(/, /\bDate\.now\s*\(/,
    /['"](node:)?dgram['"]/, /\brandomFillSync\s*\(/, /\brandomBytes\s*\(/, /\bgetRandomValues\s*\(/, /\bMath\.random\s*\(/];
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const rel = p.slice(src.length);
      if (statSync(p).isDirectory()) {
        // driver/ is the IO layer; signaling/ and demo/ are servers built on top of the stack
        if (!['driver', 'signaling', 'demo'].includes(rel)) walk(p);
      } else if (p.endsWith('.ts')) {
        readFileSync(p, 'utf8').split('\n').forEach((line, i) => {
          if (!line.trim().startsWith('//') && !line.trim().startsWith('*') && forbidden.some((re) => re.test(line))) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
      }
    }
  };
  walk(src);
  t.same(offenders, [], 'no IO outside driver/');
  t.end();
});
