import { randomFillSync } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { DtlsEndpoint, type DtlsEvent, type DtlsSettings } from '@tsrtc/dtls';

/**
 * A tiny test-only IO driver: one UDP socket on loopback, one DtlsEndpoint, one timer.
 * (The real driver lives in @tsrtc/datachannel; tests may use sockets and timers.)
 */
export class UdpDtlsDriver {
  readonly socket: Socket;
  endpoint!: DtlsEndpoint;
  remote: { address: string; port: number } | undefined;
  readonly events: DtlsEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waiters: { pred: (e: DtlsEvent) => boolean; resolve: (e: DtlsEvent) => void }[] = [];
  private readonly t0 = performance.now();

  constructor() {
    this.socket = createSocket('udp4');
  }

  now(): number {
    return performance.now() - this.t0;
  }

  async bind(): Promise<number> {
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', r));
    return this.socket.address().port;
  }

  open(settings: Omit<DtlsSettings, 'random'>, remote?: { address: string; port: number }): void {
    this.remote = remote;
    this.endpoint = new DtlsEndpoint({ ...settings, random: (b) => randomFillSync(b) }, this.now());
    this.socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
      this.remote ??= { address: rinfo.address, port: rinfo.port };
      this.endpoint.handleDatagram(new Uint8Array(msg.buffer, msg.byteOffset, msg.length), this.now());
      this.flush();
    });
  }

  start(): void {
    this.endpoint.start(this.now());
    this.flush();
  }

  send(data: Uint8Array): void {
    this.endpoint.send(data, this.now());
    this.flush();
  }

  flush(): void {
    const e = this.endpoint;
    for (let d = e.pollTransmit(); d !== undefined; d = e.pollTransmit()) {
      if (this.remote) this.socket.send(Buffer.from(d), this.remote.port, this.remote.address);
    }
    for (let ev = e.pollEvent(); ev !== undefined; ev = e.pollEvent()) {
      this.events.push(ev);
      for (const w of [...this.waiters]) {
        if (w.pred(ev)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(ev);
        }
      }
    }
    clearTimeout(this.timer);
    const deadline = e.nextDeadline();
    if (deadline !== undefined) {
      this.timer = setTimeout(() => {
        this.endpoint.handleTimeout(this.now());
        this.flush();
      }, Math.max(0, deadline - this.now()));
    }
  }

  /** Resolves with the first event (past or future) matching `pred`, rejects after `ms`. */
  waitFor(pred: (e: DtlsEvent) => boolean, ms: number, what: string): Promise<DtlsEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timeout waiting for ${what}; events: ${JSON.stringify(this.events.map((e) => e.type === 'failed' ? e : e.type))}`)), ms);
      this.waiters.push({ pred, resolve: (e) => { clearTimeout(t); resolve(e); } });
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.socket.close();
  }
}
