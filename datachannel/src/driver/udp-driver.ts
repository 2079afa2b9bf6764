/**
 * The IO driver: the only code of the stack that owns sockets and a timer.
 *
 *   datagrams in → router (feeds one connection each) → the first of an event-loop turn is
 *   drained at once; the rest are drained once the event loop has read what the sockets hold
 *   (setImmediate: after the poll phase): transmits to the sockets → events to user code →
 *   transmits again → a deadline already due runs at once → ONE timer is kept for the earliest
 *   deadline of all connections.
 *
 * Feeding a whole batch before draining lets one SACK answer many DATA packets and one
 * transmit burst answer many SACKs, instead of a datagram out per datagram in.
 *
 * One `UdpDriver` serves one `RTCPeerConnection` (a socket per local address) or a whole
 * server endpoint (one socket, many connections). No closure is created per packet: each
 * socket has one bound receive handler, sends pass no callback.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { IceTransmit, TransportAddress } from '../engines.js';
import { monotonicNow, secureRandom } from './clock.js';
import { DeadlineHeap, type Scheduled } from './deadline-heap.js';

/** What the driver drives: a sans-IO connection plus a way to hand events to user code. */
export interface DrivenConnection extends Scheduled {
  handleTimeout(now: number): void;
  nextDeadline(): number | undefined;
  pollTransmit(): IceTransmit | undefined;
  /** Dispatch queued events to user code (after transmits are flushed). True if any ran. */
  dispatchEvents(): boolean;
}

/** Routes one received datagram, feeds it to its connection and returns that connection (or undefined: dropped). */
export type PacketRouter = (bytes: Uint8Array, from: TransportAddress, to: TransportAddress, now: number) => DrivenConnection | undefined;

export interface UdpDriverOptions {
  /**
   * Local addresses to bind, one socket each (default: 127.0.0.1 plus every non-internal IPv4
   * interface). '0.0.0.0' / '::' bind one wildcard socket whose host addresses are
   * `announcedAddresses`.
   */
  addresses?: string[];
  /** port for every socket (default 0: ephemeral, one per socket) */
  port?: number;
  /** with a wildcard bind: the addresses ICE announces (default: 127.0.0.1 + non-internal IPv4) */
  announcedAddresses?: string[];
  /**
   * SO_RCVBUF / SO_SNDBUF of each socket, bytes (default 4 MiB; the OS caps it, Linux at
   * net.core.rmem_max / wmem_max). The Linux default (208 KiB) overflows when a peer sends a
   * window's worth of SCTP packets at once, and every overflow is a loss to SCTP.
   */
  socketBufferSize?: number;
  /** datagrams one connection sends before yielding to the event loop (default 64) */
  maxBurst?: number;
}

export const DEFAULT_SOCKET_BUFFER_SIZE = 4 * 1024 * 1024;
export const DEFAULT_MAX_BURST = 64;
/** due deadlines one `service` call runs inline before leaving the rest to the timer */
const MAX_INLINE_TIMEOUTS = 4;

/** 127.0.0.1 plus the machine's non-internal IPv4 interface addresses. */
export function defaultHostAddresses(): string[] {
  const out = ['127.0.0.1'];
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) {
      if (i.family === 'IPv4' && !i.internal && !out.includes(i.address)) out.push(i.address);
    }
  }
  return out;
}

interface BoundSocket {
  socket: Socket;
  /** the host addresses this socket stands for (one, or the announced ones of a wildcard bind) */
  locals: TransportAddress[];
  /** the source of the last datagram, reused while it repeats (read-only to everyone) */
  lastFrom: TransportAddress | undefined;
}

type LookupCallback = (err: Error | null, address: string, family: number) => void;
/**
 * dgram resolves every destination through `lookup`; Node's default answers an IP literal on the
 * next tick (a closure and a tick per datagram). ICE only sends to literals: answer them now.
 */
let lastLiteral = '';
let lastFamily = 0;
function literalLookup(address: string, family: number, callback: LookupCallback): void {
  if (address === lastLiteral) return callback(null, address, lastFamily);
  const f = isIP(address);
  if (f !== 0) {
    lastLiteral = address;
    lastFamily = f;
  }
  if (f !== 0) return callback(null, address, f);
  dnsLookup(address, family, callback);
}

const familyOf = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);
const isLoopback = (address: string): boolean => address.startsWith('127.') || address === '::1';

export interface UdpDriverStats {
  datagramsReceived: number;
  datagramsSent: number;
  datagramsDropped: number;
  sendErrors: number;
  timerFires: number;
}

export class UdpDriver {
  router: PacketRouter = () => undefined;
  readonly random = secureRandom;
  private readonly sockets: BoundSocket[] = [];
  private readonly socketByLocal = new Map<string, Socket>();
  private readonly heap = new DeadlineHeap<DrivenConnection>();
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
  private readonly pending = new Set<DrivenConnection>();
  private flushQueued = false;
  /** datagrams one connection sends per turn of the event loop (see `defer`) */
  readonly maxBurst: number;
  private readonly backlog = new Set<DrivenConnection>();
  private backlogQueued = false;
  private readonly flushBacklog = (): void => {
    this.backlogQueued = false;
    if (this.backlog.size === 0) return; // a lone datagram's turn (an idle endpoint's usual case): nothing to copy
    const list = [...this.backlog];
    this.backlog.clear();
    for (const c of list) this.service(c);
  };
  private closed = false;
  private readonly counters: UdpDriverStats = { datagramsReceived: 0, datagramsSent: 0, datagramsDropped: 0, sendErrors: 0, timerFires: 0 };
  private readonly onTimer = (): void => this.fireTimers();
  private readonly flushPending = (): void => {
    this.flushQueued = false;
    const list = [...this.pending];
    this.pending.clear();
    for (const c of list) this.service(c);
  };

  private constructor(maxBurst: number) {
    this.maxBurst = Math.max(1, maxBurst);
  }

  /** Bind the sockets. Rejects if a bind fails (the sockets bound so far are closed). */
  static async open(options: UdpDriverOptions = {}): Promise<UdpDriver> {
    const driver = new UdpDriver(options.maxBurst ?? DEFAULT_MAX_BURST);
    try {
      for (const address of options.addresses ?? defaultHostAddresses()) {
        await driver.bind(address, options.port ?? 0, options.announcedAddresses, options.socketBufferSize ?? DEFAULT_SOCKET_BUFFER_SIZE);
      }
    } catch (e) {
      driver.close();
      throw e;
    }
    return driver;
  }

  now(): number {
    return monotonicNow();
  }

  /** Every host address, with its bound port, in preference order. */
  get localAddresses(): TransportAddress[] {
    return this.sockets.flatMap((s) => s.locals);
  }

  stats(): UdpDriverStats {
    return { ...this.counters };
  }

  /** Drain a connection: transmits out, events to user code, repeat until quiet; then reschedule it. */
  service(conn: DrivenConnection): void {
    let budget = this.maxBurst;
    for (let due = 0; ; due++) {
      for (let round = 0; round < 64; round++) {
        budget = this.flushTransmits(conn, budget);
        if (!conn.dispatchEvents()) break;
      }
      budget = this.flushTransmits(conn, budget);
      // A deadline already due (an engine asking to run "now": gathering done, the first check
      // of a new checklist) runs here, not after a timer: setTimeout(0) costs 1 ms or more.
      // Bounded, so an engine whose deadline stays in the past falls back to the timer.
      if (due === MAX_INLINE_TIMEOUTS || budget === 0 || this.closed) break;
      const deadline = conn.nextDeadline();
      if (deadline === undefined) break;
      const now = monotonicNow();
      if (deadline > now) break;
      conn.handleTimeout(now);
    }
    if (budget === 0) this.defer(conn);
    this.schedule(conn);
  }

  /**
   * More to send than one burst: continue after the event loop has polled the sockets
   * (setImmediate runs after the poll phase), so receivers drain their buffers in between.
   */
  private defer(conn: DrivenConnection): void {
    this.backlog.add(conn);
    if (this.backlogQueued || this.closed) return;
    this.backlogQueued = true;
    setImmediate(this.flushBacklog);
  }

  /** Service `conn` soon (a microtask): used after API calls from user code. */
  requestService(conn: DrivenConnection): void {
    this.pending.add(conn);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(this.flushPending);
  }

  /** Re-read `conn`'s deadline and re-arm the timer. */
  schedule(conn: DrivenConnection): void {
    this.heap.schedule(conn, this.closed ? undefined : conn.nextDeadline());
    this.armTimer();
  }

  /** Forget a connection's deadline (it was closed). */
  unschedule(conn: DrivenConnection): void {
    this.heap.schedule(conn, undefined);
    this.pending.delete(conn);
    this.armTimer();
  }

  /** A promise resolved after `ms` (for graceful-close grace periods). */
  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      setTimeout(resolve, ms).unref?.();
    });
  }

  /** Close every socket (on the next turn of the event loop, so queued sends still leave). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const sockets = this.sockets.splice(0);
    setImmediate(() => {
      for (const s of sockets) {
        try {
          s.socket.close();
        } catch {
          // already closed
        }
      }
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  // ---- internals ----

  private async bind(address: string, port: number, announced: string[] | undefined, bufferSize: number): Promise<void> {
    const family = familyOf(address);
    const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', lookup: literalLookup as unknown as typeof dnsLookup });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    for (const set of [socket.setRecvBufferSize, socket.setSendBufferSize]) {
      try {
        set.call(socket, bufferSize);
      } catch {
        // not permitted or above the OS cap: keep the default
      }
    }
    const bound = socket.address();
    const wildcard = address === '0.0.0.0' || address === '::';
    const ips = wildcard ? (announced ?? defaultHostAddresses()).filter((a) => familyOf(a) === family) : [address];
    const locals = ips.map((ip) => ({ family: familyOf(ip), address: ip, port: bound.port }));
    const entry: BoundSocket = { socket, locals, lastFrom: undefined };
    this.sockets.push(entry);
    for (const l of locals) this.socketByLocal.set(`${l.address}|${l.port}`, socket);
    socket.on('error', () => {
      this.counters.sendErrors++;
    });
    socket.on('message', (msg: Buffer, rinfo: { address: string; family: string; port: number }) => {
      this.receive(entry, msg, rinfo);
    });
  }

  private receive(entry: BoundSocket, msg: Buffer, rinfo: { address: string; family: string; port: number }): void {
    if (this.closed) return;
    this.counters.datagramsReceived++;
    let from = entry.lastFrom;
    if (from === undefined || from.port !== rinfo.port || from.address !== rinfo.address) {
      from = entry.lastFrom = { family: rinfo.family === 'IPv6' ? 6 : 4, address: rinfo.address, port: rinfo.port };
    }
    const to = this.localFor(entry, from);
    const conn = this.router(msg, from, to, monotonicNow());
    if (conn === undefined) {
      this.counters.datagramsDropped++;
      return;
    }
    if (this.backlogQueued) {
      // more datagrams in this turn: drained after the turn's reads (see the header)
      this.defer(conn);
      return;
    }
    // the first datagram of a turn is served at once (a lone request-response pays no extra
    // hop); the check phase of this turn then drains whatever else the reads fed
    this.service(conn);
    this.markTurn();
  }

  /** Open a turn: until setImmediate runs, received datagrams join the backlog. */
  private markTurn(): void {
    if (this.backlogQueued || this.closed) return;
    this.backlogQueued = true;
    setImmediate(this.flushBacklog);
  }

  /** Which host address a datagram reached: exact for per-address sockets; for a wildcard socket, loopback for loopback senders. */
  private localFor(entry: BoundSocket, from: TransportAddress): TransportAddress {
    const locals = entry.locals;
    if (locals.length === 1) return locals[0];
    const loop = isLoopback(from.address);
    for (const l of locals) if (isLoopback(l.address) === loop) return l;
    return locals[0];
  }

  /** Send up to `budget` datagrams of `conn`; returns the budget left (0 = maybe more pending). */
  private flushTransmits(conn: DrivenConnection, budget: number): number {
    const only = this.sockets.length === 1 ? this.sockets[0].socket : undefined;
    while (budget > 0) {
      const t = conn.pollTransmit();
      if (t === undefined) break;
      const socket = only ?? this.socketByLocal.get(`${t.from.address}|${t.from.port}`) ?? this.sockets[0]?.socket;
      if (socket === undefined || this.closed) return budget;
      // no copy: every datagram the engines hand out is a buffer of its own that they never
      // write again (DTLS seals each record into a new buffer, STUN/TURN messages are finished
      // copies; IceTransmit in engines.ts), so it may stay queued in libuv after send() returns
      socket.send(t.data, t.to.port, t.to.address);
      this.counters.datagramsSent++;
      budget--;
    }
    return budget;
  }

  /**
   * Keep one timer at or before the earliest deadline. A timer already due no later than that is
   * kept (it fires early and re-arms): a T3-rtx pushed back on every SACK costs no timer churn.
   */
  private armTimer(): void {
    if (this.closed) return;
    const next = this.heap.peek();
    if (next === this.timerAt) return;
    if (this.timerAt !== undefined && (next === undefined || this.timerAt <= next)) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = next;
    if (next === undefined) return;
    this.timer = setTimeout(this.onTimer, Math.max(0, Math.ceil(next - monotonicNow())));
  }

  private fireTimers(): void {
    this.timer = undefined;
    this.timerAt = undefined;
    this.counters.timerFires++;
    const now = monotonicNow();
    // bounded: an engine whose deadline stays in the past cannot spin the loop
    for (let budget = this.heap.size + 16; budget > 0; budget--) {
      const conn = this.heap.popDue(now);
      if (conn === undefined) break;
      conn.handleTimeout(now);
      this.service(conn);
    }
    this.armTimer();
  }
}
