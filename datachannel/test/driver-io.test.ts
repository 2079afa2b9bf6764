// UdpDriver with real loopback sockets: how received datagrams are drained, and its one timer.
import t from 'tap';
import { createSocket } from 'node:dgram';
import { UdpDriver, type DrivenConnection } from '../src/index.js';
import type { IceTransmit } from '../src/engines.js';

/** A connection that records what the driver asks of it. */
class Recorder implements DrivenConnection {
  scheduledAt: number | undefined = undefined;
  deadline: number | undefined = undefined;
  fed: number[] = [];
  /** datagrams fed when each drain (dispatchEvents) happened */
  drains: number[] = [];
  timeouts: number[] = [];
  handleTimeout(now: number): void {
    this.timeouts.push(now);
    if (this.deadline !== undefined && now >= this.deadline) this.deadline = undefined;
  }
  nextDeadline(): number | undefined {
    return this.deadline;
  }
  pollTransmit(): IceTransmit | undefined {
    return undefined;
  }
  dispatchEvents(): boolean {
    this.drains.push(this.fed.length);
    return false;
  }
}

const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('the first datagram of a turn is drained at once, the rest of the turn together', async (t) => {
  const driver = await UdpDriver.open({ addresses: ['127.0.0.1'] });
  t.teardown(() => driver.close());
  const conn = new Recorder();
  driver.router = (bytes) => {
    conn.fed.push(bytes[0]);
    return conn;
  };
  const client = createSocket('udp4');
  t.teardown(() => client.close());
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  const port = driver.localAddresses[0].port;
  // loopback delivery is synchronous: all five wait in the socket when the event loop polls it
  for (let i = 0; i < 5; i++) client.send(Uint8Array.of(i), port, '127.0.0.1');
  for (let i = 0; i < 100 && conn.fed.length < 5; i++) await sleep(5);
  await tick();
  t.same(conn.fed, [0, 1, 2, 3, 4], 'every datagram fed, in order');
  t.same(conn.drains, [1, 5], 'one drain after the first datagram, one after the other four');
});

t.test('a deadline already due runs inside service(), without a timer turn', async (t) => {
  const driver = await UdpDriver.open({ addresses: ['127.0.0.1'] });
  t.teardown(() => driver.close());
  const conn = new Recorder();
  conn.deadline = driver.now() - 1; // e.g. gathering done, the first check of a new checklist
  driver.service(conn);
  t.equal(conn.timeouts.length, 1, 'handled before service() returned');
  t.equal(driver.stats().timerFires, 0, 'no timer was needed');
  // an engine whose deadline stays in the past is bounded, then left to the timer
  const stuck = new Recorder();
  stuck.handleTimeout = (now) => void stuck.timeouts.push(now);
  stuck.deadline = driver.now() - 1;
  driver.service(stuck);
  t.ok(stuck.timeouts.length >= 1 && stuck.timeouts.length <= 4, `a deadline that stays due: ${stuck.timeouts.length} inline runs`);
  driver.unschedule(stuck);
});

t.test('one timer: kept when a deadline moves later, re-armed when it moves earlier', async (t) => {
  const driver = await UdpDriver.open({ addresses: ['127.0.0.1'] });
  t.teardown(() => driver.close());
  const real = globalThis.setTimeout;
  let armed = 0;
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    armed++;
    return real(fn, ms);
  }) as typeof setTimeout;
  t.teardown(() => {
    globalThis.setTimeout = real;
  });
  const conn = new Recorder();
  const t0 = driver.now();
  conn.deadline = t0 + 30;
  driver.schedule(conn);
  t.equal(armed, 1, 'armed for the first deadline');
  // a T3-rtx restarted on every SACK: the deadline only moves later
  for (let i = 1; i <= 50; i++) {
    conn.deadline = t0 + 30 + i;
    driver.schedule(conn);
  }
  t.equal(armed, 1, 'not re-armed while the deadline moves later');
  conn.deadline = t0 + 10;
  driver.schedule(conn);
  t.equal(armed, 2, 're-armed for an earlier deadline');
  conn.deadline = t0 + 40;
  driver.schedule(conn);
  await sleep(25);
  t.same(conn.timeouts, [], 'an early fire does not reach the connection before its deadline');
  t.ok(armed >= 3, 'the early fire re-armed for the real deadline');
  for (let i = 0; i < 100 && conn.timeouts.length === 0; i++) await sleep(5);
  t.equal(conn.timeouts.length, 1, 'the connection timed out once');
  t.ok(conn.timeouts[0] >= t0 + 40, 'at or after its deadline');
  t.ok(driver.stats().timerFires >= 2);
});
