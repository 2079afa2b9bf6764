import t from 'tap';
import { RtoEstimator } from '../src/tx/rto.js';
import { CongestionControl } from '../src/tx/congestion-control.js';
import { RetransmissionQueue } from '../src/tx/retransmission-queue.js';
import { SendQueue, type OutMessage } from '../src/tx/send-queue.js';
import { SimNetwork } from './sim.js';

const msg = (streamId: number, size: number, extra: Partial<OutMessage> = {}): OutMessage => ({
  streamId,
  ppid: 53,
  data: new Uint8Array(size),
  offset: 0,
  unordered: false,
  ssn: 0,
  maxRetransmits: undefined,
  expiresAt: undefined,
  abandoned: false,
  firstTsn: -1,
  lastTsn: -1,
  ...extra,
});

t.test('RTO estimator follows RFC 6298 and its clamps', async (t) => {
  const r = new RtoEstimator(1000, 200, 60_000);
  t.equal(r.rto, 1000);
  r.observe(100); // SRTT 100, RTTVAR 50, RTO = 100 + 200 = 300
  t.equal(r.srtt, 100);
  t.equal(r.rttvar, 50);
  t.equal(r.rto, 300);
  r.observe(200); // RTTVAR = 0.75*50 + 0.25*100 = 62.5; SRTT = 112.5; RTO = 112.5 + 250
  t.equal(r.rttvar, 62.5);
  t.equal(r.srtt, 112.5);
  t.equal(r.rto, 362.5);
  for (let i = 0; i < 50; i++) r.observe(1);
  t.equal(r.rto, 200, 'clamped to the minimum');
  for (let i = 0; i < 20; i++) r.backOff();
  t.equal(r.rto, 60_000, 'backs off to the maximum');
});

t.test('congestion control: slow start, congestion avoidance, fast recovery, T3 (RFC 9260 §7.2)', async (t) => {
  const cc = new CongestionControl(1200, 10, 30_000);
  t.equal(cc.cwnd, 12_000);
  cc.onAck(2000, true, true);
  t.equal(cc.cwnd, 14_000, 'slow start: + acked bytes');
  cc.onAck(2400, true, true);
  t.equal(cc.cwnd, 16_400, 'a SACK for two packets: + 2 MTU (L)');
  cc.onAck(12_000, true, true);
  t.equal(cc.cwnd, 28_400, 'a SACK covering ten packets counts as the five SACKs it stands in for');
  cc.onAck(5000, false, true);
  t.equal(cc.cwnd, 28_400, 'no growth when the window was not used');
  while (cc.cwnd <= cc.ssthresh) cc.onAck(2400, true, true);
  const w = cc.cwnd;
  cc.onAck(w, true, true);
  t.equal(cc.cwnd, w + 1200, 'congestion avoidance: one MTU per window acked');
  cc.onFastRetransmit(500);
  t.equal(cc.ssthresh, Math.floor((w + 1200) / 2));
  t.equal(cc.cwnd, cc.ssthresh);
  const inRecovery = cc.cwnd;
  cc.onFastRetransmit(600);
  cc.onAck(10_000, true, true);
  t.equal(cc.cwnd, inRecovery, 'no change during fast recovery');
  cc.onCumulativeAck(500);
  t.notOk(cc.inFastRecovery, 'recovery ends at the exit point');
  cc.onRetransmitTimeout();
  t.equal(cc.cwnd, 1200, 'T3: one MTU');
  t.equal(cc.ssthresh, Math.max(Math.floor(inRecovery / 2), 4800));
});

t.test('HyStart++ (RFC 9406): a round whose minimum RTT rose turns slow start conservative, then ends it; a lower round resumes it', async (t) => {
  const cc = new CongestionControl(1200, 10, 1e9);
  let tsn = 0;
  /** one round: `samples` RTT samples, then the SACK that acks the round's last TSN */
  const round = (samples: number[]) => {
    for (const r of samples) cc.onRttSample(r);
    cc.onRound(tsn, tsn + 10);
    tsn += 10;
  };
  round([10, 10, 10, 10, 10, 10, 10, 10]);
  round(Array(8).fill(13));
  t.equal(cc.cssBaselineRtt, undefined, 'within the last round minimum + 4 ms: slow start goes on');
  round([10, 10, 10, 10, 10, 10, 10, 10]);
  round([40, 40, 40, 40, 40, 40, 40, 11]);
  t.equal(cc.cssBaselineRtt, undefined, 'jitter: most samples late, but the round minimum did not rise');
  round(Array(8).fill(10));
  for (let i = 0; i < 7; i++) cc.onRttSample(15);
  t.equal(cc.cssBaselineRtt, undefined, 'fewer than N_RTT_SAMPLE samples: no verdict yet');
  cc.onRttSample(15);
  t.equal(cc.cssBaselineRtt, 15, 'eight samples, minimum ≥ 10 + 4 ms: Conservative Slow Start');
  cc.onRound(tsn, tsn + 10);
  tsn += 10;
  cc.onAck(2400, true, true);
  t.equal(cc.cwnd, 12_600, 'CSS grows a quarter as fast');
  round(Array(8).fill(12));
  t.equal(cc.cssBaselineRtt, undefined, 'a round minimum below the baseline: the exit was spurious');
  cc.onAck(2400, true, true);
  t.equal(cc.cwnd, 15_000, 'full slow start again');
  round(Array(8).fill(20));
  t.equal(cc.cssBaselineRtt, 20);
  for (let i = 0; i < 4; i++) round(Array(8).fill(21));
  t.equal(cc.cssBaselineRtt, undefined);
  t.equal(cc.ssthresh, 15_000, 'after five rounds: congestion avoidance from here');
  cc.onAck(2400, true, true);
  t.equal(cc.cwnd, 17_400, 'cwnd = ssthresh is still slow start (RFC 9260 §7.2.1: "less than or equal")');
  cc.onAck(2400, true, true);
  t.equal(cc.cwnd, 17_400, 'congestion avoidance: no growth before a whole window is acked');
  const lossy = new CongestionControl(1200, 10, 1e9);
  for (const r of [10, 20]) {
    for (let i = 0; i < 8; i++) lossy.onRttSample(r);
    lossy.onRound(r, r + 10);
  }
  t.equal(lossy.cssBaselineRtt, 20);
  lossy.onFastRetransmit(100);
  t.equal(lossy.cssBaselineRtt, undefined, 'a loss ends CSS');
});

t.test('retransmission queue: SACK with gaps, three miss indications, fast retransmit once, Karn', async (t) => {
  const q = new RetransmissionQueue(100);
  const m = msg(1, 12_000);
  for (let i = 0; i < 10; i++) q.add(m, m.data.subarray(i * 1200, (i + 1) * 1200), 0, i);
  t.equal(q.flightBytes, 12_000);
  const gaps = new Int32Array(8);
  // TSN 100 lost; 101..103 arrive one by one: 3 SACKs with cum 99 and growing gap
  let out;
  for (let k = 1; k <= 3; k++) {
    gaps[0] = 2;
    gaps[1] = 1 + k;
    out = q.handleSack(99, gaps, 1);
    t.equal(out.fastRetransmit, k === 3, `SACK ${k}: fast retransmit ${k === 3}`);
  }
  t.equal(q.peekRetransmit()?.tsn, 100);
  t.equal(q.flightBytes, 12_000 - 1200 * 4, 'acked and marked chunks left the flight');
  q.retransmitted(q.peekRetransmit()!, 50);
  for (let k = 4; k <= 8; k++) {
    gaps[1] = 1 + k;
    out = q.handleSack(99, gaps, 1);
    t.notOk(out.fastRetransmit, 'not fast retransmitted twice');
  }
  out = q.handleSack(109, gaps, 0);
  t.ok(out.cumulativeAdvanced);
  t.equal(q.outstandingCount, 0);
  t.equal(q.flightBytes, 0);
  t.equal(out.rttSentAt, 9, "RTT from the newest chunk sent once, never from the retransmitted TSN 100 (Karn)");
});

t.test('retransmission queue: T3 marks everything unacked; PR-SCTP abandonment and Advanced.Peer.Ack.Point', async (t) => {
  const q = new RetransmissionQueue(0xfffffffe); // wraps past 2^32
  const a = msg(1, 2400, { maxRetransmits: 0, ssn: 7 });
  const b = msg(2, 1200, { unordered: true });
  const c = msg(1, 1200, { ssn: 8 });
  for (const [m, n] of [
    [a, 2],
    [b, 1],
    [c, 1],
  ] as const) {
    for (let i = 0; i < n; i++) {
      const ch = q.add(m, m.data.subarray(i * 1200, (i + 1) * 1200), m.unordered ? 4 : 0, 0);
      if (m.firstTsn < 0) m.firstTsn = ch.tsn;
      m.lastTsn = ch.tsn;
    }
  }
  q.markAllForRetransmit();
  t.equal(q.flightBytes, 0);
  t.equal(q.peekRetransmit()?.tsn, 0xfffffffe);
  t.ok(q.abandon(a), 'the ack point moved past the abandoned message');
  t.equal(q.advancedPeerAckPoint, 0xfffffffe + 1);
  t.same(q.forwardTsnStreams(), [{ streamId: 1, ssn: 7 }]);
  t.equal(q.peekRetransmit()?.tsn, 0xfffffffe + 2, 'abandoned chunks are skipped');
});

t.test('send queue: round-robin by whole message, fragments are views, buffered amounts and reset barriers', async (t) => {
  const sq = new SendQueue();
  sq.enqueue(msg(1, 3000));
  sq.enqueue(msg(2, 100));
  sq.enqueue(msg(1, 50));
  t.equal(sq.totalBuffered, 3150);
  const order: string[] = [];
  for (let m = sq.next(1200, 0); m; m = sq.next(1200, 0)) order.push(`${m.streamId}:${sq.fragmentPayload.length}:${sq.fragmentFlags & 3}`);
  t.same(order, ['1:1200:2', '1:1200:0', '1:600:1', '2:100:3', '1:50:3'], 'message 1 finishes before stream 2 gets a turn');
  t.equal(sq.totalBuffered, 0);
  sq.enqueue(msg(3, 10));
  sq.markReset(3);
  sq.enqueue(msg(3, 20)); // after the reset: held
  t.notOk(sq.readyForReset(3));
  t.equal(sq.next(1200, 0)?.data.length, 10);
  t.ok(sq.readyForReset(3), 'the reset may go once the earlier message is out');
  t.equal(sq.next(1200, 0), undefined, 'the later message waits');
  sq.resetDone(3, true);
  const m = sq.next(1200, 0);
  t.equal(m?.data.length, 20);
  t.equal(m?.ssn, 0, 'SSN restarted at 0');
  // expired before its first fragment: dropped, not sent
  sq.enqueue(msg(4, 10, { expiresAt: 5 }));
  t.equal(sq.next(1200, 10), undefined);
  t.equal(sq.totalBuffered, 0);
});

t.test('abandoning a partially sent message gives its unsent end a TSN, so FORWARD-TSN can skip it (dcSCTP)', async (t) => {
  const sq = new SendQueue();
  const q = new RetransmissionQueue(500);
  const m = msg(6, 5000, { maxRetransmits: 0 });
  sq.enqueue(m);
  for (let i = 0; i < 2; i++) {
    const got = sq.next(1200, 0)!;
    const c = q.add(got, sq.fragmentPayload, sq.fragmentFlags, 0);
    if (got.firstTsn < 0) got.firstTsn = c.tsn;
    got.lastTsn = c.tsn;
  }
  // both fragments reached the peer (cumulative ack 501): only the unsent rest is left
  t.equal(sq.discardRest(m), true, 'partially sent');
  q.handleSack(501, new Int32Array(0), 0);
  q.addAbandonedEnd(m);
  t.ok(q.abandon(m), 'the ack point moves past the placeholder');
  t.equal(q.advancedPeerAckPoint, 502);
  t.same(q.forwardTsnStreams(), [{ streamId: 6, ssn: m.ssn }]);
  t.equal(sq.totalBuffered, 0, 'the rest left the buffer');
  t.equal(sq.next(1200, 0), undefined);
  t.equal(sq.discardRest(msg(7, 10)), false, 'a message never started needs no placeholder');
});

t.test('Max.Burst (RFC 9260 §6.1 D): new DATA per transmission opportunity, beyond what a SACK took out of flight', async (t) => {
  const dataChunks = (p: Uint8Array) => {
    let n = 0;
    for (let o = 12; o + 4 <= p.length; o += (((p[o + 2] << 8) | p[o + 3]) + 3) & ~3) if (p[o] === 0) n++;
    return n;
  };
  for (const maxBurst of [4, 8, 100]) {
    const net = new SimNetwork(3, { maxBurst }, {}, [{ delay: 10 }, { delay: 10 }]);
    t.ok(net.connect());
    const [a, b] = net.peers;
    for (let i = 0; i < 4; i++) a.send(1, 53, new Uint8Array(50_000), {}, net.now);
    const burst: Uint8Array[] = [];
    for (let p = a.pollTransmit(); p; p = a.pollTransmit()) burst.push(p.slice());
    // the initial window is 10 MTUs: Max.Burst binds below that, the window above
    if (maxBurst < 10) t.equal(burst.length, maxBurst, `maxBurst ${maxBurst}: ${burst.length} packets on an idle send`);
    else t.ok(burst.length > 8 && burst.length < 15, `maxBurst ${maxBurst}: the window binds (${burst.length} packets)`);
    t.ok(burst.every((p) => dataChunks(p) >= 1));
    for (const p of burst) b.handlePacket(p, net.now);
    const sacks: Uint8Array[] = [];
    for (let p = b.pollTransmit(); p; p = b.pollTransmit()) sacks.push(p.slice());
    t.equal(sacks.length, 1, 'the receiver answers the batch with one SACK');
    a.handlePacket(sacks[0], net.now);
    let next = 0;
    for (let p = a.pollTransmit(); p; p = a.pollTransmit()) next++;
    // the SACK freed burst.length packets, slow start added up to as much, Max.Burst adds maxBurst
    t.ok(next <= burst.length + maxBurst, `after the SACK: ${next} ≤ ${burst.length} acked + ${maxBurst}`);
    t.ok(next >= Math.min(burst.length, maxBurst), 'and at least what left the flight');
  }
  t.throws(() => new SimNetwork(3, { maxBurst: 0 }, {}, [{}, {}]), /maxBurst/);
});
