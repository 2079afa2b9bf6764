// A real-socket driver for the agent in interop tests (node:dgram + one timer), the shape a
// production driver has: receive → handlePacket → drain outputs → re-arm the timer.
import type { Socket } from 'node:dgram';
import { createConnection, type Socket as TcpSocket } from 'node:net';
import type { TransportAddress } from '@tsrtc/stun';
import type { IceAgent, IceEvent } from '../src/index.js';

export const clock = (): number => performance.now();

/** The IO driver a real application has: one UDP socket, one timer, drain after every input. */
export class UdpDriver {
  readonly events: IceEvent[] = [];
  readonly received: Uint8Array[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waiters: (() => void)[] = [];
  /** TCP connections to TURN servers (`Transmit.transport === 'tcp'`), by server address. */
  private readonly tcp = new Map<string, TcpSocket>();
  /** Bytes written to / read from TURN TCP connections. */
  tcpBytesOut = 0;
  tcpBytesIn = 0;
  local!: TransportAddress;

  constructor(
    readonly agent: IceAgent,
    readonly socket: Socket,
    /** The address the agent is told its socket has (may differ from the real one to model a NAT). */
    private readonly name?: (real: TransportAddress) => TransportAddress,
    /** The IPv4 address to bind (default loopback). */
    private readonly bindAddress = '127.0.0.1',
  ) {
    socket.on('message', (msg, rinfo) => {
      agent.handlePacket(new Uint8Array(msg.buffer, msg.byteOffset, msg.length), { family: 4, address: rinfo.address, port: rinfo.port }, this.local, clock());
      this.drain();
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.socket.bind(0, this.bindAddress, r));
    const real: TransportAddress = { family: 4, address: this.bindAddress, port: this.socket.address().port };
    this.local = this.name ? this.name(real) : real;
    this.agent.addLocalAddress(this.local, clock());
    this.drain();
  }

  drain(): void {
    for (let tx = this.agent.pollTransmit(); tx; tx = this.agent.pollTransmit()) {
      if (tx.transport === 'tcp') {
        this.tcpBytesOut += tx.data.length;
        this.tcpTo(tx.to).write(tx.data.slice());
      }
      else this.socket.send(tx.data, tx.to.port, tx.to.address);
    }
    for (let e = this.agent.pollEvent(); e; e = this.agent.pollEvent()) {
      if (e.type === 'data') this.received.push(e.data.slice());
      this.events.push(e);
      this.onEvent?.(e);
    }
    for (const w of this.waiters.splice(0)) w();
    clearTimeout(this.timer);
    const d = this.agent.nextDeadline();
    if (d !== undefined) {
      this.timer = setTimeout(() => {
        this.agent.handleTimeout(clock());
        this.drain();
      }, Math.max(0, d - clock()));
    }
  }

  onEvent: ((e: IceEvent) => void) | undefined;

  private tcpTo(server: TransportAddress): TcpSocket {
    const key = `${server.address}|${server.port}`;
    let conn = this.tcp.get(key);
    if (!conn) {
      conn = createConnection({ host: server.address, port: server.port, localAddress: this.bindAddress });
      conn.on('data', (chunk) => {
        this.tcpBytesIn += chunk.length;
        this.agent.handleTcpData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), server, this.local, clock());
        this.drain();
      });
      const closed = (): void => {
        if (this.tcp.get(key) !== conn) return;
        this.tcp.delete(key);
        this.agent.handleTcpClosed(server, this.local, clock());
        this.drain();
      };
      conn.on('close', closed);
      conn.on('error', closed);
      this.tcp.set(key, conn);
    }
    return conn;
  }

  async until(pred: () => boolean, ms: number, what: string): Promise<void> {
    const deadline = clock() + ms;
    while (!pred()) {
      if (clock() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 20);
      });
    }
  }

  close(): void {
    this.agent.close(clock());
    this.drain();
    clearTimeout(this.timer);
    for (const c of this.tcp.values()) c.end();
    this.tcp.clear();
    this.socket.close();
  }
}

