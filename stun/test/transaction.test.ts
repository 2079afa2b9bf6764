// StunClientTransaction on a virtual clock: RFC 8489 §6.2.1 retransmission schedule.
import t from 'tap';
import { StunClass, StunClientTransaction, StunMethod, StunWriter, decodeStun } from '@tsrtc/stun';

const tid = (n: number) => Uint8Array.from({ length: 12 }, (_, i) => (n * 31 + i * 7) & 0xff);
const request = (id: Uint8Array) => new StunWriter().begin(StunMethod.BINDING, StunClass.REQUEST, id).priority(1).finish({ fingerprint: true });
const response = (id: Uint8Array, cls: number = StunClass.SUCCESS_RESPONSE, method: number = StunMethod.BINDING) =>
  decodeStun(new StunWriter().begin(method, cls, id).xorMappedAddress({ family: 4, address: '192.0.2.1', port: 9 }).finish());

/** Runs the transaction the way a driver would: jump to each deadline, drain, record send times. */
function run(tx: StunClientTransaction, start: number, until = Infinity, onSend?: (now: number) => void) {
  const sends: number[] = [];
  let now = start;
  for (;;) {
    for (let d = tx.pollTransmit(); d; d = tx.pollTransmit()) {
      sends.push(now);
      onSend?.(now);
    }
    const next = tx.nextDeadline();
    if (next === undefined || next > until) return { sends, end: now };
    now = next;
    tx.handleTimeout(now);
  }
}

t.test('default RTO 500 ms: 7 requests, then Rm·RTO, then timeout at 39500 ms', async (t) => {
  const req = request(tid(1));
  const tx = new StunClientTransaction(req, 0);
  t.equal(tx.state, 'in-progress');
  const { sends, end } = run(tx, 0);
  t.same(sends, [0, 500, 1500, 3500, 7500, 15500, 31500]);
  t.equal(end, 39500);
  t.equal(tx.state, 'timed-out');
  t.equal(tx.transmissions, 7);
  t.equal(tx.nextDeadline(), undefined);
  t.equal(tx.pollTransmit(), undefined);
});

t.test('the retransmitted bytes are the request', async (t) => {
  const req = request(tid(2));
  const tx = new StunClientTransaction(req, 1000);
  t.equal(tx.pollTransmit(), req);
  t.equal(tx.pollTransmit(), undefined, 'one send per due time');
  tx.handleTimeout(1499.9);
  t.equal(tx.pollTransmit(), undefined, 'not before the deadline');
  tx.handleTimeout(1500);
  t.equal(tx.pollTransmit(), req);
});

t.test('configurable RTO, Rc and Rm (ICE uses smaller values)', async (t) => {
  const tx = new StunClientTransaction(request(tid(3)), 100, { rto: 50, rc: 4, rm: 8 });
  const { sends, end } = run(tx, 100);
  t.same(sends, [100, 150, 250, 450]);
  t.equal(end, 450 + 8 * 50);
  t.equal(tx.state, 'timed-out');
  const one = new StunClientTransaction(request(tid(4)), 0, { rto: 100, rc: 1, rm: 3 });
  const r1 = run(one, 0);
  t.same(r1.sends, [0]);
  t.equal(r1.end, 300, 'Rc = 1: a single request, then Rm·RTO');
});

t.test('a matching success response stops retransmissions', async (t) => {
  const id = tid(5);
  const tx = new StunClientTransaction(request(id), 0);
  const { sends } = run(tx, 0, 1500);
  t.same(sends, [0, 500, 1500]);
  t.notOk(tx.handleResponse(response(tid(6))), 'another transaction id is ignored');
  t.notOk(tx.handleResponse(response(id, StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE)), 'another method is ignored');
  t.notOk(tx.handleResponse(decodeStun(request(id))), 'a request with the same id is not a response');
  t.equal(tx.state, 'in-progress');
  t.equal(tx.nextDeadline(), 3500);
  const res = response(id);
  t.ok(tx.handleResponse(res));
  t.equal(tx.state, 'succeeded');
  t.equal(tx.response, res);
  t.equal(tx.nextDeadline(), undefined);
  tx.handleTimeout(1e9);
  t.equal(tx.pollTransmit(), undefined);
  t.equal(tx.state, 'succeeded');
  t.notOk(tx.handleResponse(res), 'a duplicate response after completion is not consumed');
});

t.test('an error response ends the transaction as failed', async (t) => {
  const id = tid(7);
  const tx = new StunClientTransaction(request(id), 0);
  tx.pollTransmit();
  const err = decodeStun(new StunWriter().begin(StunMethod.BINDING, StunClass.ERROR_RESPONSE, id).errorCode(487, 'Role Conflict').finish());
  t.ok(tx.handleResponse(err));
  t.equal(tx.state, 'failed');
  t.same(tx.response?.errorCode(), { code: 487, reason: 'Role Conflict' });
});

t.test('cancel stops everything; a late timer call does nothing', async (t) => {
  const tx = new StunClientTransaction(request(tid(8)), 0);
  tx.cancel();
  t.equal(tx.pollTransmit(), undefined);
  t.equal(tx.state, 'cancelled');
  t.equal(tx.nextDeadline(), undefined);
});

t.test('a late handleTimeout schedules from the actual time', async (t) => {
  const tx = new StunClientTransaction(request(tid(9)), 0);
  tx.pollTransmit();
  tx.handleTimeout(600); // the driver woke 100 ms late
  t.ok(tx.pollTransmit());
  t.equal(tx.nextDeadline(), 1600);
});

t.test('bad settings are API misuse', async (t) => {
  t.throws(() => new StunClientTransaction(request(tid(10)), 0, { rto: 0 }), { code: 'bad-argument' });
  t.throws(() => new StunClientTransaction(new Uint8Array(3), 0), { code: 'bad-argument' });
});
