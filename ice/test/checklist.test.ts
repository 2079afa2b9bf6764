// Candidate priorities and foundations (RFC 8445 §5.1.2, §5.1.1.3), pair priorities (§6.1.2.3)
// and the checklist's frozen/waiting/triggered ordering (§6.1.2.6, §6.1.4).
import t from 'tap';
import fc from 'fast-check';
import { candidatePriority, computeFoundation, localPreference, pairPriority, TYPE_PREFERENCE, type LocalCandidate, type RemoteCandidate } from '../src/index.js';
import { Checklist } from '../src/checklist.js';

t.test('candidate priority formula', async (t) => {
  // 2^24 * 126 + 2^8 * 65535 + (256 - 1): the familiar host priority of single-homed agents
  t.equal(candidatePriority(TYPE_PREFERENCE.host, 65535), 2130706431);
  t.equal(candidatePriority(TYPE_PREFERENCE.srflx, 65535), 1694498815);
  t.equal(candidatePriority(TYPE_PREFERENCE.prflx, 65535), 1862270975);
  t.equal(candidatePriority(TYPE_PREFERENCE.relay, 65535), 16777215);
  t.equal(candidatePriority(126, 65535, 2), 2130706430, 'component 2 is one lower');
  t.equal(localPreference(0), 65535);
  t.equal(localPreference(1), 65534);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 126 }), fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 1, max: 256 }), (tp, lp, comp) => {
      const p = candidatePriority(tp, lp, comp);
      return p >= 0 && p <= 0xffffffff && Math.floor(p / 2 ** 24) === tp && Math.floor(p / 256) % 65536 === lp && p % 256 === 256 - comp;
    }),
  );
});

t.test('type order: host > prflx > srflx > relay at equal local preference', async (t) => {
  const p = (k: keyof typeof TYPE_PREFERENCE) => candidatePriority(TYPE_PREFERENCE[k], 100);
  t.ok(p('host') > p('prflx') && p('prflx') > p('srflx') && p('srflx') > p('relay'));
});

t.test('foundations: equal iff same type, base IP, server IP and transport', async (t) => {
  t.equal(computeFoundation('host', '10.0.0.1', undefined), computeFoundation('host', '10.0.0.1', undefined));
  t.not(computeFoundation('host', '10.0.0.1', undefined), computeFoundation('host', '10.0.0.2', undefined));
  t.not(computeFoundation('host', '10.0.0.1', undefined), computeFoundation('srflx', '10.0.0.1', undefined));
  t.not(computeFoundation('srflx', '10.0.0.1', '192.0.2.1'), computeFoundation('srflx', '10.0.0.1', '192.0.2.2'));
  t.not(computeFoundation('host', '10.0.0.1', undefined, 'udp'), computeFoundation('host', '10.0.0.1', undefined, 'tcp'));
  t.match(computeFoundation('relay', '10.0.0.1', '192.0.2.1'), /^\d{1,10}$/, 'an ice-char string of at most 32 chars');
});

t.test('pair priority (§6.1.2.3) is symmetric between the two agents and ordered', async (t) => {
  t.equal(pairPriority(true, 10, 20), (10n << 32n) + 40n + 0n);
  t.equal(pairPriority(true, 20, 10), (10n << 32n) + 40n + 1n);
  fc.assert(
    fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), (g, d) => {
      // both agents compute the same value for the same pair
      return pairPriority(true, g, d) === pairPriority(false, d, g);
    }),
  );
  fc.assert(
    fc.property(fc.nat(0xfffffffe), fc.nat(0xffffffff), (x, y) => {
      // raising the lower candidate's priority never lowers the pair's priority
      return pairPriority(true, x + 1, y) >= pairPriority(true, x, y);
    }),
  );
});

const addr = (a: string, port: number) => ({ family: 4 as const, address: a, port });
function local(ip: string, type: 'host' | 'relay' = 'host', pref = 65535): LocalCandidate {
  const a = addr(ip, 5000);
  return { type, foundation: computeFoundation(type, ip, undefined), priority: candidatePriority(TYPE_PREFERENCE[type], pref), address: a, base: a, socket: a, localPreference: pref };
}
function remote(ip: string, port: number, type: 'host' | 'srflx' = 'host', foundation = ip): RemoteCandidate {
  return { type, foundation, priority: candidatePriority(TYPE_PREFERENCE[type], 65535), address: addr(ip, port) };
}

t.test('checklist: sorted by priority, one Waiting pair per foundation, others Frozen', async (t) => {
  const cl = new Checklist(100);
  const l1 = local('10.0.0.1');
  const f1 = cl.add(l1, remote('10.0.0.9', 2, 'host', 'F'), true)!;
  const f2 = cl.add(l1, remote('10.0.0.9', 1, 'srflx', 'F'), true)!;
  const g = cl.add(l1, remote('10.0.0.8', 3, 'host', 'G'), true)!;
  t.equal(cl.pairs.length, 3);
  t.ok(cl.pairs[0].priority >= cl.pairs[1].priority && cl.pairs[1].priority >= cl.pairs[2].priority, 'sorted');
  t.equal(cl.pairs[2], f2, 'the srflx pair sorts last');
  t.same([f1.state, f2.state, g.state], ['waiting', 'frozen', 'waiting'], 'second pair of foundation F starts frozen');
  t.equal(cl.add(l1, remote('10.0.0.9', 2), true), f1, 'redundant pair (same base, same remote) is not added');
  t.equal(cl.add(l1, { ...remote('::1', 2), address: { family: 6, address: '::1', port: 2 } }, true), undefined, 'no cross-family pairs');
});

t.test('checklist: triggered queue first, then Waiting by priority, then unfreezing', async (t) => {
  const cl = new Checklist(100);
  const l1 = local('10.0.0.1');
  const hi = cl.add(l1, remote('10.0.0.9', 1, 'host', 'A'), true)!;
  const lo = cl.add(l1, remote('10.0.0.9', 2, 'srflx', 'A'), true)!;
  const other = cl.add(l1, remote('10.0.0.7', 3, 'srflx', 'B'), true)!;
  cl.trigger(other);
  t.equal(cl.next(), other, 'triggered check goes first');
  other.state = 'in-progress';
  t.equal(cl.next(), hi, 'then the highest-priority Waiting pair');
  hi.state = 'in-progress';
  t.equal(cl.next(), undefined, 'frozen pair of an active foundation stays frozen');
  hi.state = 'failed';
  t.equal(cl.next(), lo, 'unfrozen once its foundation has nothing Waiting/In-Progress');
  t.equal(lo.state, 'waiting');
  t.ok(cl.hasWork());
  t.notOk(cl.finished());
});

t.test('checklist: success unfreezes the foundation; allFailed; role change re-sorts', async (t) => {
  const cl = new Checklist(100);
  const l1 = local('10.0.0.1');
  const a = cl.add(l1, remote('10.0.0.9', 1, 'host', 'A'), true)!;
  const b = cl.add(l1, remote('10.0.0.9', 2, 'srflx', 'A'), true)!;
  t.equal(b.state, 'frozen');
  cl.unfreeze(a.foundation);
  t.equal(b.state, 'waiting');
  a.state = 'failed';
  t.notOk(cl.allFailed());
  b.state = 'failed';
  t.ok(cl.allFailed());
  cl.recomputePriorities(false);
  t.same(
    cl.pairs.map((p) => p.priority),
    cl.pairs.map((p) => pairPriority(false, p.local.priority, p.remote.priority)),
    'priorities recomputed for the controlled role',
  );
  t.ok(cl.pairs[0].priority >= cl.pairs[1].priority, 'and re-sorted');
});

t.test('checklist: the pair limit drops the lowest-priority pairs (§6.1.2.5)', async (t) => {
  const cl = new Checklist(5);
  const l1 = local('10.0.0.1');
  for (let i = 0; i < 20; i++) cl.add(l1, { ...remote('10.0.1.' + i, 1000 + i), priority: 1000 + i }, true);
  t.equal(cl.pairs.length, 5);
  t.same(
    cl.pairs.map((p) => p.remote.priority),
    [1019, 1018, 1017, 1016, 1015],
  );
});
