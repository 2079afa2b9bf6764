// The poll queues hand out reused objects, and let go of the bytes they carried once drained
// (an idle connection answers a check every few seconds: held until the next one, every answer
// would survive young-generation GCs and be promoted).
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TransmitQueue } from '../src/queue.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const addr = (port: number) => ({ family: 4 as const, address: '192.0.2.1', port });

/** Pushes a datagram in a scope of its own; returns a weak reference to it. */
function pushOne(q: TransmitQueue): WeakRef<Uint8Array> {
  const data = new Uint8Array(100).fill(7);
  q.push(data, addr(1), addr(2));
  return new WeakRef(data);
}

t.test('a drained TransmitQueue lets go of its datagrams; slots are reused', async (t) => {
  const q = new TransmitQueue();
  const ref = pushOne(q);
  const out = q.shift()!;
  t.same([...out.data.subarray(0, 3)], [7, 7, 7], 'the transmit carries the datagram');
  t.equal(out.to.port, 2);
  t.equal(q.shift(), undefined, 'drained');
  await new Promise((r) => setTimeout(r, 0));
  gc();
  t.equal(ref.deref(), undefined, 'the datagram is not held after the drain');
  q.push(Uint8Array.of(1), addr(3), addr(4));
  const again = q.shift()!;
  t.equal(again, out, 'the slot object is reused');
  t.same([...again.data], [1]);
  t.equal(again.to.port, 4);
});

t.test('a transmit stays valid until the queue is polled past its end', async (t) => {
  const q = new TransmitQueue();
  q.push(Uint8Array.of(1), addr(1), addr(2));
  q.push(Uint8Array.of(2), addr(1), addr(3));
  const a = q.shift()!;
  t.same([...a.data], [1]);
  const b = q.shift()!;
  t.same([...b.data], [2], 'the second');
  t.equal(b.to.port, 3);
  t.equal(q.length, 0);
});
