/**
 * Interop against usrsctp 0.9.5's echo_server (Debian libusrsctp-examples) over SCTP-over-UDP
 * encapsulation (RFC 6951): no DTLS, the association's packets are the UDP payloads.
 * ../shared/peers/usrsctp/echo-server.sh starts it; skipped when it is not installed.
 * Sockets and timers are fine here (test code): a tiny driver feeds the sans-IO engine.
 */
import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SctpAssociation, type SctpEvent, type SctpSettings } from '../src/index.js';

const script = fileURLToPath(new URL('../../../shared/peers/usrsctp/echo-server.sh', import.meta.url));
const available = existsSync(script) && existsSync('/usr/lib/usrsctp/echo_server');

class UdpDriver {
  readonly assoc: SctpAssociation;
  readonly events: SctpEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  private readonly t0 = performance.now();
  constructor(
    private sock: Socket,
    private port: number,
    settings: Partial<SctpSettings>,
  ) {
    this.assoc = new SctpAssociation({ random: (b) => randomFillSync(b), ...settings }, this.now());
    sock.on('message', (msg) => {
      this.assoc.handlePacket(new Uint8Array(msg.buffer, msg.byteOffset, msg.length), this.now());
      this.flush();
    });
  }
  now(): number {
    return performance.now() - this.t0;
  }
  flush(): void {
    for (let p = this.assoc.pollTransmit(); p; p = this.assoc.pollTransmit()) this.sock.send(Buffer.from(p), this.port, '127.0.0.1');
    for (let e = this.assoc.pollEvent(); e; e = this.assoc.pollEvent()) this.events.push(e);
    clearTimeout(this.timer);
    const d = this.assoc.nextDeadline();
    if (d !== undefined) {
      this.timer = setTimeout(() => {
        this.assoc.handleTimeout(this.now());
        this.flush();
      }, Math.max(0, d - this.now()));
    }
    for (const w of this.waiters.splice(0)) w();
  }
  async until(cond: () => boolean, ms = 30_000): Promise<boolean> {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) return false;
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    return true;
  }
  stop(): void {
    clearTimeout(this.timer);
  }
  messages() {
    return this.events.filter((e): e is Extract<SctpEvent, { type: 'message' }> => e.type === 'message');
  }
}

async function startServer(program: string, ourUdpPort: number): Promise<{ proc: ChildProcess; port: number; log: string[] }> {
  const proc = spawn(script, ['0', String(ourUdpPort), program], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        log.push(l);
        const m = /^READY (\d+)/.exec(l);
        if (m) resolve(Number(m[1]));
      }
    });
    proc.on('exit', (code) => reject(new Error(`echo-server exited ${code}`)));
    setTimeout(() => reject(new Error('echo-server did not get READY')), 10_000);
  });
  return { proc, port, log };
}

async function withPeer(t: Test, program: string, sctpPort: number, settings: Partial<SctpSettings>, body: (d: UdpDriver, log: string[]) => Promise<void>): Promise<void> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const server = await startServer(program, sock.address().port);
  const d = new UdpDriver(sock, server.port, { localPort: 5000, remotePort: sctpPort, ...settings });
  try {
    await body(d, server.log);
  } finally {
    d.stop();
    server.proc.kill('SIGTERM');
    sock.close();
  }
}

if (!available) {
  t.test('usrsctp interop', { skip: 'usrsctp echo_server not installed (apt-get install libusrsctp-examples; ../shared/peers/install.sh)' }, async () => {});
} else {
  t.test('usrsctp echo_server: handshake, ordered/unordered messages of every size, PPIDs, streams, SHUTDOWN', async (t) => {
    await withPeer(t, 'echo_server', 7, {}, async (d, log) => {
      d.assoc.connect(d.now());
      d.flush();
      t.ok(await d.until(() => d.events.some((e) => e.type === 'connected')), 'associated with usrsctp');
      const sizes = [1, 100, 1000, 1172, 1173, 5000, 9000];
      const sent: Array<{ stream: number; ppid: number; data: Uint8Array; unordered: boolean }> = [];
      for (const [i, n] of sizes.entries()) {
        const data = Uint8Array.from({ length: n }, (_, j) => (i * 31 + j) & 0xff);
        const m = { stream: i % 3, ppid: [51, 53, 50][i % 3], data, unordered: i % 2 === 1 };
        sent.push(m);
        d.assoc.send(m.stream, m.ppid, m.data, { unordered: m.unordered }, d.now());
      }
      d.flush();
      t.ok(await d.until(() => d.messages().length >= sent.length), `${sent.length} messages echoed`);
      for (const m of sent) {
        const back = d.messages().find((e) => e.data.length === m.data.length);
        t.ok(back && back.streamId === m.stream && back.ppid === m.ppid && Buffer.compare(back.data, m.data) === 0, `${m.data.length} bytes on stream ${m.stream} PPID ${m.ppid}${m.unordered ? ' unordered' : ''}`);
      }
      t.ok(await d.until(() => log.some((l) => /Msg of length 9000 received .* PPID 51, .*complete 1/.test(l)), 15_000), 'usrsctp logged the fragmented 9000-byte message as one complete message');
      // a burst: 300 ordered messages, order kept
      const before = d.messages().length;
      for (let i = 0; i < 300; i++) d.assoc.send(4, 53, Uint8Array.of(i & 0xff, i >> 8, 7, 7), {}, d.now());
      d.flush();
      t.ok(await d.until(() => d.messages().length >= before + 300));
      const burst = d.messages().slice(before).filter((m) => m.streamId === 4);
      t.ok(burst.length === 300 && burst.every((m, i) => m.data[0] === (i & 0xff) && m.data[1] === i >> 8), '300 ordered messages echoed in order');
      const st = d.assoc.stats();
      t.equal(st.droppedBadChecksum + st.droppedMalformed + st.droppedBadTag, 0, 'every usrsctp packet was accepted');
      d.assoc.shutdown(d.now());
      d.flush();
      t.ok(await d.until(() => d.events.some((e) => e.type === 'closed')), 'graceful SHUTDOWN with usrsctp');
    });
  });

  t.test('usrsctp discard_server: 4 MB bulk transfer completes (SACK, cwnd, rwnd against a real stack)', async (t) => {
    await withPeer(t, 'discard_server', 9, { remoteMaxMessageSize: 0 }, async (d, log) => {
      d.assoc.connect(d.now());
      d.flush();
      t.ok(await d.until(() => d.events.some((e) => e.type === 'connected')));
      const msg = new Uint8Array(8192).fill(0x5a);
      const n = 512;
      const start = performance.now();
      for (let i = 0; i < n; i++) d.assoc.send(0, 53, msg, {}, d.now());
      d.flush();
      t.ok(await d.until(() => d.assoc.totalBufferedAmount() === 0 && d.assoc.stats().flightBytes === 0, 90_000), 'all acknowledged');
      const secs = (performance.now() - start) / 1000;
      t.ok(await d.until(() => log.filter((l) => /Msg of length/.test(l)).length >= n, 30_000), 'discard_server received every message');
      t.comment(`4 MiB to usrsctp discard_server over UDP loopback in ${secs.toFixed(2)} s (${((n * 8192 * 8) / secs / 1e6).toFixed(0)} Mbit/s), ${d.assoc.stats().retransmissions} retransmissions, ${d.assoc.stats().t3Expiries} T3 expiries, ${d.assoc.stats().fastRetransmits} fast retransmits`);
    });
  });
}
