import t from 'tap';
import fc from 'fast-check';
import { HandshakeReassembler, type HandshakeFragment } from '@tsrtc/dtls';

function fragmentsOf(msgType: number, messageSeq: number, body: Uint8Array, cuts: number[]): HandshakeFragment[] {
  const points = [...new Set([0, ...cuts.map((c) => c % (body.length + 1)), body.length])].sort((a, b) => a - b);
  const out: HandshakeFragment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    out.push({ msgType, length: body.length, messageSeq, fragmentOffset: points[i], fragmentLength: points[i + 1] - points[i], fragment: body.subarray(points[i], points[i + 1]) });
  }
  if (out.length === 0) out.push({ msgType, length: 0, messageSeq, fragmentOffset: 0, fragmentLength: 0, fragment: body });
  return out;
}

t.test('messages split anyhow, shuffled, duplicated and overlapping come out whole and in order', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ body: fc.uint8Array({ maxLength: 3000 }), cuts: fc.array(fc.nat(), { maxLength: 12 }), type: fc.integer({ min: 1, max: 20 }) }), { minLength: 1, maxLength: 5 }),
      fc.nat(),
      (messages, seed) => {
        const r = new HandshakeReassembler(1 << 16);
        let frags = messages.flatMap((m, seq) => fragmentsOf(m.type, seq, m.body, m.cuts));
        // duplicate some, add overlapping copies, then shuffle deterministically
        frags = [...frags, ...frags.filter((_, i) => (i + seed) % 3 === 0)];
        for (let i = frags.length - 1; i > 0; i--) {
          const j = (seed * 31 + i * 17) % (i + 1);
          [frags[i], frags[j]] = [frags[j], frags[i]];
        }
        const out = [];
        for (const f of frags) {
          if (r.add(f, 0) === 'dropped') return false;
          for (let m = r.pop(); m !== undefined; m = r.pop()) out.push(m);
        }
        return (
          out.length === messages.length &&
          out.every((m, i) => m.messageSeq === i && m.msgType === messages[i].type && Buffer.compare(Buffer.from(m.body), Buffer.from(messages[i].body)) === 0)
        );
      },
    ),
    { numRuns: 500, seed: 11 },
  );
  t.pass('500 runs');
  t.end();
});

t.test('caps: oversize messages and messages beyond the window are dropped; old ones are reported', (t) => {
  const r = new HandshakeReassembler(1000, 4);
  const body = new Uint8Array(10);
  t.equal(r.add({ msgType: 1, length: 2000, messageSeq: 0, fragmentOffset: 0, fragmentLength: 10, fragment: body }, 0), 'dropped', 'larger than maxMessageSize');
  t.equal(r.add({ msgType: 1, length: 10, messageSeq: 4, fragmentOffset: 0, fragmentLength: 10, fragment: body }, 0), 'dropped', 'beyond the 4-message window');
  t.equal(r.add({ msgType: 1, length: 10, messageSeq: 0, fragmentOffset: 0, fragmentLength: 10, fragment: body }, 0), 'stored');
  t.ok(r.pop());
  t.equal(r.add({ msgType: 1, length: 10, messageSeq: 0, fragmentOffset: 0, fragmentLength: 10, fragment: body }, 0), 'old');
  // A conflicting header for an incomplete message restarts it from the newer fragment.
  t.equal(r.add({ msgType: 2, length: 10, messageSeq: 1, fragmentOffset: 0, fragmentLength: 5, fragment: body.subarray(0, 5) }, 0), 'stored');
  t.equal(r.add({ msgType: 11, length: 8, messageSeq: 1, fragmentOffset: 0, fragmentLength: 8, fragment: body.subarray(0, 8) }, 0), 'stored');
  const m = r.pop();
  t.equal(m?.msgType, 11);
  t.equal(m?.body.length, 8);
  t.end();
});
