// TURN-over-TCP stream framing (RFC 8656 §12.5): messages split and merged arbitrarily come
// back out whole; ChannelData padding is skipped; garbage breaks the stream.
import t from 'tap';
import fc from 'fast-check';
import { StunClass, StunMethod, StunWriter, encodeChannelData } from '@tsrtc/stun';
import { StreamDeframer, padForStream } from '../src/stream-framing.js';

const writer = new StunWriter(2048);
const frame = fc.oneof(
  fc.tuple(fc.integer({ min: 0x4000, max: 0x4fff }), fc.uint8Array({ maxLength: 300 })).map(([ch, data]) => encodeChannelData(ch, data)),
  fc.tuple(fc.uint8Array({ minLength: 12, maxLength: 12 }), fc.uint8Array({ maxLength: 200 })).map(([tid, data]) =>
    writer.begin(StunMethod.DATA, StunClass.INDICATION, tid).data(data).finish({ fingerprint: true }),
  ),
);

t.test('any split of a stream of frames yields the frames', async (t) => {
  fc.assert(
    fc.property(fc.array(frame, { maxLength: 8 }), fc.array(fc.nat(2000), { maxLength: 10 }), (frames, cuts) => {
      const stream = Buffer.concat(frames.map((f) => padForStream(f)));
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      const d = new StreamDeframer();
      const out: Uint8Array[] = [];
      let prev = 0;
      for (const p of [...points, stream.length]) {
        for (const f of d.push(stream.subarray(prev, p))) out.push(f.slice());
        prev = p;
      }
      return !d.broken && out.length === frames.length && out.every((f, i) => Buffer.compare(f, frames[i]) === 0);
    }),
    { numRuns: 2000, seed: 7 },
  );
});

t.test('padding and garbage', async (t) => {
  t.equal(padForStream(encodeChannelData(0x4000, Uint8Array.of(1))).length, 8);
  t.equal(padForStream(encodeChannelData(0x4000, Uint8Array.of(1, 2, 3, 4))).length, 8);
  const d = new StreamDeframer();
  t.same(d.push(Uint8Array.of(0x80, 0, 0, 0, 1, 2, 3)), []);
  t.ok(d.broken, 'a first byte that is neither STUN nor ChannelData breaks the stream');
  t.same(d.push(encodeChannelData(0x4000, Uint8Array.of(1))), [], 'nothing after that');
});
