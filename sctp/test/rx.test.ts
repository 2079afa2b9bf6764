import t from 'tap';
import fc from 'fast-check';
import { DataTracker } from '../src/rx/data-tracker.js';
import { Reassembly, type DeliveredMessage } from '../src/rx/reassembly.js';

t.test('DataTracker: any arrival order gives the right cumulative TSN and gap blocks', async (t) => {
  fc.assert(
    fc.property(fc.nat({ max: 0xffffffff }), fc.uniqueArray(fc.nat({ max: 200 }), { maxLength: 120 }), (initial, offsets) => {
      const tr = new DataTracker(initial, 1000);
      const base = tr.cumulativeTsn;
      for (const o of offsets) {
        const u = tr.unwrap((initial + o) >>> 0);
        if (tr.isDuplicate(u)) return false;
        tr.add(u);
        if (!tr.isDuplicate(u)) return false;
      }
      const got = new Set(offsets);
      let cum = -1;
      while (got.has(cum + 1)) cum++;
      if (tr.cumulativeTsn !== base + 1 + cum) return false;
      const gaps: number[] = [];
      const n = tr.gapBlocks(gaps, 1000);
      // expected blocks: runs of received offsets above cum
      const want: number[] = [];
      for (let o = cum + 2; o <= 200; o++) {
        if (got.has(o) && !got.has(o - 1)) want.push(o - cum);
        if (got.has(o) && !got.has(o + 1)) want.push(o - cum);
      }
      return n * 2 === want.length && gaps.slice(0, 2 * n).every((v, i) => v === want[i]);
    }),
    { numRuns: 400, seed: 21 },
  );
});

t.test('DataTracker: FORWARD-TSN moves the cumulative TSN and swallows ranges below it', async (t) => {
  const tr = new DataTracker(100);
  for (const x of [105, 106, 110]) tr.add(x);
  tr.forwardTo(104);
  t.equal(tr.cumulativeTsn, 106, 'merged with the range that followed');
  t.equal(tr.gapCount, 1);
  tr.forwardTo(200);
  t.equal(tr.cumulativeTsn, 200);
  t.equal(tr.hasGaps, false);
});

t.test('Reassembly: fragments in any order rebuild every message; ordered streams keep SSN order', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ size: fc.integer({ min: 1, max: 5000 }), stream: fc.integer({ min: 0, max: 2 }), unordered: fc.boolean() }), { minLength: 1, maxLength: 30 }),
      fc.integer({ min: 100, max: 1500 }),
      fc.nat(),
      (msgs, frag, seed) => {
        // fragment every message into consecutive TSNs
        const chunks: Array<{ tsn: number; stream: number; ssn: number; flags: number; payload: Uint8Array; msg: number }> = [];
        const ssn = [0, 0, 0];
        let tsn = 1000;
        msgs.forEach((m, i) => {
          const data = Uint8Array.from({ length: m.size }, (_, j) => (i * 7 + j) & 0xff);
          const s = m.unordered ? 0 : ssn[m.stream]++;
          for (let off = 0; off < m.size; off += frag) {
            const end = Math.min(m.size, off + frag);
            chunks.push({ tsn: tsn++, stream: m.stream, ssn: s, flags: (m.unordered ? 4 : 0) | (off === 0 ? 2 : 0) | (end === m.size ? 1 : 0), payload: data.subarray(off, end), msg: i });
          }
        });
        // deterministic shuffle
        let x = seed | 1;
        for (let i = chunks.length - 1; i > 0; i--) {
          x = (x * 1103515245 + 12345) >>> 0;
          const j = x % (i + 1);
          [chunks[i], chunks[j]] = [chunks[j], chunks[i]];
        }
        const out: DeliveredMessage[] = [];
        const r = new Reassembly(out, 10_000_000, 1_000_000);
        for (const c of chunks) if (r.add(c.tsn, c.stream, c.ssn, 53, c.flags, c.payload) !== 'ok') return false;
        if (out.length !== msgs.length || r.bufferedBytes !== 0) return false;
        // every message intact
        const seen = new Set<number>();
        for (const d of out) {
          const i = d.data.length > 0 ? msgs.findIndex((m, k) => !seen.has(k) && m.size === d.data.length && d.data.every((v, j) => v === ((k * 7 + j) & 0xff))) : -1;
          if (i < 0) return false;
          seen.add(i);
        }
        // ordered messages per stream in SSN order
        for (let st = 0; st < 3; st++) {
          const idx = out.filter((d) => d.streamId === st).map((d) => msgs.findIndex((m, k) => m.size === d.data.length && !m.unordered && m.stream === st && d.data.every((v, j) => v === ((k * 7 + j) & 0xff))));
          const ordered = idx.filter((i) => i >= 0);
          if (!ordered.every((v, k) => k === 0 || v > ordered[k - 1])) return false;
        }
        return true;
      },
    ),
    { numRuns: 300, seed: 22 },
  );
});

t.test('Reassembly: FORWARD-TSN delivers held messages up to the skipped SSN, then what follows (RFC 3758 §3.6)', async (t) => {
  const out: DeliveredMessage[] = [];
  const r = new Reassembly(out, 1_000_000, 100_000);
  const one = (n: number) => Uint8Array.of(n);
  // SSN 0 lost (abandoned, TSN 10-11), SSN 1 and 3 complete, SSN 2 abandoned (TSN 13)
  r.add(12, 5, 1, 51, 3, one(1));
  r.add(14, 5, 3, 51, 3, one(3));
  r.add(10, 5, 0, 51, 2, one(0)); // first fragment of the abandoned SSN 0
  t.equal(out.length, 0, 'blocked behind SSN 0');
  r.forward(11, [{ streamId: 5, ssn: 0 }]);
  t.same(out.map((m) => m.data[0]), [1], 'SSN 1 delivered after skipping SSN 0');
  r.forward(13, [{ streamId: 5, ssn: 2 }]);
  t.same(out.map((m) => m.data[0]), [1, 3], 'then SSN 3 after skipping SSN 2');
  t.equal(r.bufferedBytes, 0, 'the abandoned partial message was dropped');
  // held messages at or below the skipped SSN are delivered, not dropped
  const out2: DeliveredMessage[] = [];
  const r2 = new Reassembly(out2, 1_000_000, 100_000);
  r2.add(21, 1, 1, 51, 3, one(1));
  r2.add(22, 1, 2, 51, 3, one(2));
  r2.add(24, 1, 4, 51, 3, one(4));
  r2.forward(23, [{ streamId: 1, ssn: 3 }]); // SSN 0 and 3 abandoned
  t.same(out2.map((m) => m.data[0]), [1, 2, 4]);
});

t.test('Reassembly: caps and max message size', async (t) => {
  const out: DeliveredMessage[] = [];
  const r = new Reassembly(out, 10_000, 3000);
  t.equal(r.add(1, 0, 0, 53, 2, new Uint8Array(1000)), 'ok');
  t.equal(r.add(2, 0, 0, 53, 0, new Uint8Array(1000)), 'ok');
  t.equal(r.add(3, 0, 0, 53, 0, new Uint8Array(1001)), 'too-large', 'a message growing past max-message-size');
  const r2 = new Reassembly(out, 5000, 100_000);
  let full = 0;
  for (let i = 0; i < 100; i++) if (r2.add(100 + 2 * i, 0, 0, 53, 0, new Uint8Array(500)) === 'full') full++;
  t.ok(r2.bufferedBytes <= 5000 && full > 80, `held ${r2.bufferedBytes} bytes, refused ${full}`);
  t.equal(r2.add(1, 0, 0, 53, 3, new Uint8Array(200_000)), 'too-large');
});

t.test('Reassembly: a stream of equal-sized messages gets buffers of exactly that size (large fragments)', async (t) => {
  const out: DeliveredMessage[] = [];
  const r = new Reassembly(out, 10_000_000, 262_144);
  const size = 16_384;
  const frag = 16_356; // a 16 KiB PLPMTUD packet's DATA payload
  let tsn = 1;
  for (let m = 0; m < 4; m++) {
    t.equal(r.add(tsn++, 1, m, 53, 2, new Uint8Array(frag).fill(m)), 'ok');
    t.equal(r.add(tsn++, 1, m, 53, 1, new Uint8Array(size - frag).fill(m)), 'ok');
  }
  t.equal(out.length, 4);
  t.ok(out.every((o, m) => o.data.length === size && o.data[0] === m && o.data[size - 1] === m), 'intact');
  t.same(out.slice(1).map((o) => o.data.buffer.byteLength), [size, size, size], 'after the first, no over-allocation');
});
