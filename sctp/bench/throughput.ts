/**
 * SCTP throughput outside the micro harness (issue 4):
 *  1. simulated time: two associations over a simulated 1 Gbit/s link with 50 ms RTT (virtual
 *     clock, serialization delay, drop-tail queue of one BDP), with 0 % and 1 % random loss:
 *     goodput in Mbit/s of simulated time, for 64 KiB messages on one reliable ordered stream;
 *  2. wall clock, in memory: @tsrtc/sctp and werift 0.24.4's SCTP, each a pair linked by an
 *     in-memory transport, 32 MiB as 1 / 16 / 64 KiB messages, MB/s.
 *
 * Run: node --import tsx --conditions=tsrtc-source sctp/bench/throughput.ts [--quick]
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SimNetwork } from '../test/sim.js';
import { linkedPair } from '../../bench/src/micro/sctp.js';

const quick = process.argv.includes('--quick');

function simulated(loss: number, seconds: number): { mbps: number; steadyMbps: number; retransmissions: number; cpuMs: number } {
  const bw = 1e9;
  const link = { delay: 25, bandwidth: bw, loss, queueBytes: (bw / 8) * 0.05 };
  const net = new SimNetwork(1, { remoteMaxMessageSize: 0, heartbeatInterval: 0 }, { heartbeatInterval: 0 }, [link, { delay: 25, bandwidth: bw }]);
  net.connect();
  const a = net.peers[0];
  const msg = new Uint8Array(65536);
  let received = 0;
  let atOneSecond = -1;
  const t0 = net.now;
  net.onEvent = (side, ev) => {
    if (side === 1 && ev.type === 'message') received += ev.data.length;
  };
  const cpu0 = process.cpuUsage();
  const flush = net.flush.bind(net);
  net.flush = () => {
    while (a.totalBufferedAmount() < 8 * 1024 * 1024) a.send(1, 53, msg, {}, net.now);
    if (atOneSecond < 0 && net.now - t0 >= 1000) atOneSecond = received;
    flush();
  };
  net.run(() => false, t0 + seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  return {
    mbps: (received * 8) / seconds / 1e6,
    steadyMbps: ((received - atOneSecond) * 8) / (seconds - 1) / 1e6,
    retransmissions: a.stats().retransmissions,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

function tsrtcWall(size: number, total: number): number {
  const pair = linkedPair();
  const msg = new Uint8Array(size);
  const t0 = performance.now();
  while (pair.received < total) {
    while (pair.a.totalBufferedAmount() < 1 << 20) pair.a.send(1, 53, msg, {}, pair.now);
    pair.pump();
    pair.tick(1);
  }
  return total / 1e6 / ((performance.now() - t0) / 1000);
}

interface WeriftSctp {
  transport: { onData?: (b: Buffer) => void };
  onReceive: { subscribe(f: (streamId: number, ppid: number, data: Buffer) => void): unknown };
  stateChanged: { connected: { subscribe(f: () => void): unknown } };
  start(port: number): Promise<void>;
  send(streamId: number, ppid: number, data: Buffer, opts?: object): Promise<void>;
  stop(): Promise<void>;
}

async function weriftWall(size: number, total: number): Promise<number> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('werift'));
  const { SCTP } = require(join(root, '../../sctp/src/index.js')) as { SCTP: { client(t: object): WeriftSctp; server(t: object): WeriftSctp } };
  const mk = () => ({ onData: undefined as ((b: Buffer) => void) | undefined, peer: undefined as { onData?: (b: Buffer) => void } | undefined, send: async function (this: { peer?: { onData?: (b: Buffer) => void } }, b: Buffer) { const p = this.peer; setImmediate(() => p?.onData?.(Buffer.from(b))); }, close() {} });
  const ta = mk();
  const tb = mk();
  ta.peer = tb;
  tb.peer = ta;
  const client = SCTP.client(ta);
  const server = SCTP.server(tb);
  const connected = new Promise<void>((r) => client.stateChanged.connected.subscribe(r));
  await server.start(5000);
  await client.start(5000);
  await connected;
  let received = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  server.onReceive.subscribe((_s, _p, d) => {
    received += d.length;
    if (received >= total) done();
  });
  const msg = Buffer.alloc(size);
  const t0 = performance.now();
  for (let sent = 0; sent < total; sent += size) {
    await client.send(1, 53, msg);
  }
  await finished;
  const mbs = total / 1e6 / ((performance.now() - t0) / 1000);
  await client.stop().catch(() => {});
  await server.stop().catch(() => {});
  return mbs;
}

const lines: string[] = [];
const out = (s: string) => {
  console.log(s);
  lines.push(s);
};
out('### Simulated 1 Gbit/s link, 50 ms RTT (virtual time; 64 KiB messages, one reliable ordered stream)');
out('| loss | simulated | goodput (whole run) | goodput after the first second | retransmissions | CPU time |');
out('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const loss of [0, 0.01]) {
  const secs = quick ? 3 : 6;
  const r = simulated(loss, secs);
  out(`| ${loss * 100} % | ${secs} s | ${r.mbps.toFixed(0)} Mbit/s | ${r.steadyMbps.toFixed(0)} Mbit/s | ${r.retransmissions} | ${(r.cpuMs / 1000).toFixed(1)} s |`);
}
out('');
out('### In memory, wall clock (two associations, no DTLS, no sockets; CRC32c on)');
out('| message size | @tsrtc/sctp | werift 0.24.4 SCTP | × |');
out('| ---: | ---: | ---: | ---: |');
for (const size of [1024, 16384, 65536]) {
  const total = (quick ? 8 : 32) * 1024 * 1024;
  const ts = tsrtcWall(size, total);
  const wf = await weriftWall(size, (quick ? 2 : 8) * 1024 * 1024).catch((e) => (console.error('werift:', e), NaN));
  out(`| ${size / 1024} KiB | ${ts.toFixed(0)} MB/s | ${wf.toFixed(1)} MB/s | ${(ts / wf).toFixed(1)} |`);
}
process.exit(0);
