// A simulated UDP network for tests: virtual clock, per-packet delay/jitter/loss, and NATs
// (RFC 4787 behaviours: full cone = endpoint-independent mapping and filtering;
// port-restricted = endpoint-independent mapping, address-and-port-dependent filtering;
// symmetric = address-and-port-dependent mapping and filtering). Deterministic from a seed.
import type { TransportAddress } from '@tsrtc/stun';
import { Rng } from './rng.js';

export type NatType = 'full-cone' | 'port-restricted' | 'symmetric';

export type Receiver = (data: Uint8Array, from: TransportAddress, to: TransportAddress, now: number) => void;

export interface Ticker {
  nextDeadline(): number | undefined;
  tick(now: number): void;
}

interface InFlight {
  at: number;
  seq: number;
  data: Uint8Array;
  from: TransportAddress;
  to: TransportAddress;
}

interface Mapping {
  internal: TransportAddress;
  publicPort: number;
  /** Remote `ip|port`s this mapping has sent to (filtering). */
  contacted: Set<string>;
}

export class Nat {
  private nextPort = 40000;
  private readonly outbound = new Map<string, Mapping>();
  private readonly inbound = new Map<number, Mapping>();
  constructor(readonly type: NatType, readonly publicIp: string, readonly privateIps: Set<string>) {}

  /** Translates an outgoing packet's source; returns the public source address. */
  translateOut(from: TransportAddress, to: TransportAddress): TransportAddress {
    const key = this.type === 'symmetric' ? `${from.address}|${from.port}|${to.address}|${to.port}` : `${from.address}|${from.port}`;
    let m = this.outbound.get(key);
    if (!m) {
      m = { internal: from, publicPort: this.nextPort++, contacted: new Set() };
      this.outbound.set(key, m);
      this.inbound.set(m.publicPort, m);
    }
    m.contacted.add(`${to.address}|${to.port}`);
    return { family: 4, address: this.publicIp, port: m.publicPort };
  }

  /** Forgets every mapping (a NAT reboot or rebinding): flows get new public ports. */
  rebind(): void {
    this.outbound.clear();
    this.inbound.clear();
  }

  /** The internal destination of an incoming packet, or undefined if the NAT filters it. */
  translateIn(from: TransportAddress, publicPort: number): TransportAddress | undefined {
    const m = this.inbound.get(publicPort);
    if (!m) return undefined;
    if (this.type === 'full-cone') return m.internal;
    return m.contacted.has(`${from.address}|${from.port}`) ? m.internal : undefined;
  }
}

export interface LinkConditions {
  /** One-way delay, ms. */
  delay: number;
  /** Extra uniform delay in [0, jitter), ms. */
  jitter: number;
  /** Probability a packet is lost. */
  loss: number;
}

export class SimNetwork {
  now = 0;
  readonly rng: Rng;
  conditions: LinkConditions = { delay: 5, jitter: 0, loss: 0 };
  delivered = 0;
  dropped = 0;
  private seq = 0;
  private readonly queue: InFlight[] = [];
  private readonly receivers = new Map<string, Receiver>();
  private readonly nats: Nat[] = [];
  private readonly tickers: Ticker[] = [];
  /** Cached deadlines, recomputed only for tickers marked dirty (keeps 1,000s of agents cheap). */
  private readonly deadlines = new Map<Ticker, number>();
  private readonly dirty = new Set<Ticker>();

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  bind(addr: TransportAddress, receiver: Receiver): void {
    this.receivers.set(`${addr.address}|${addr.port}`, receiver);
  }

  addNat(type: NatType, publicIp: string, privateIps: string[]): Nat {
    const nat = new Nat(type, publicIp, new Set(privateIps));
    this.nats.push(nat);
    return nat;
  }

  addTicker(t: Ticker): void {
    this.tickers.push(t);
    this.dirty.add(t);
  }

  /** A ticker's deadline may have changed (it received input or was drained). */
  invalidate(t: Ticker): void {
    this.dirty.add(t);
  }

  private refreshDeadlines(): void {
    for (const t of this.dirty) this.deadlines.set(t, t.nextDeadline() ?? Infinity);
    this.dirty.clear();
  }

  private natOf(ip: string): Nat | undefined {
    return this.nats.find((n) => n.privateIps.has(ip));
  }

  /** Sends one datagram from a host socket (the simulation copies the bytes). */
  send(data: Uint8Array, from: TransportAddress, to: TransportAddress): void {
    const c = this.conditions;
    if (c.loss > 0 && this.rng.next() < c.loss) {
      this.dropped++;
      return;
    }
    const srcNat = this.natOf(from.address);
    const dstNat = this.natOf(to.address);
    let src = from;
    if (srcNat && srcNat !== dstNat) src = srcNat.translateOut(from, to);
    else if (dstNat && !srcNat) {
      // A private address is not routable from outside its realm.
      this.dropped++;
      return;
    }
    if (srcNat && dstNat && srcNat !== dstNat) {
      this.dropped++;
      return;
    }
    const at = this.now + c.delay + (c.jitter > 0 ? this.rng.next() * c.jitter : 0);
    this.insert({ at, seq: this.seq++, data: data.slice(), from: src, to });
  }

  private insert(p: InFlight): void {
    let i = this.queue.length;
    while (i > 0 && (this.queue[i - 1].at > p.at || (this.queue[i - 1].at === p.at && this.queue[i - 1].seq > p.seq))) i--;
    this.queue.splice(i, 0, p);
  }

  private deliver(p: InFlight): void {
    let to = p.to;
    const nat = this.nats.find((n) => n.publicIp === to.address);
    if (nat) {
      const internal = nat.translateIn(p.from, to.port);
      if (!internal) {
        this.dropped++;
        return;
      }
      to = internal;
    }
    const r = this.receivers.get(`${to.address}|${to.port}`);
    if (!r) {
      this.dropped++;
      return;
    }
    this.delivered++;
    r(p.data, p.from, to, this.now);
  }

  /** Advances the clock event by event until `until` (absolute ms) or `stop()` returns true. */
  run(until: number, stop?: () => boolean): void {
    for (let steps = 0; steps < 10_000_000; steps++) {
      if (stop?.()) return;
      let next = this.queue.length > 0 ? this.queue[0].at : Infinity;
      this.refreshDeadlines();
      for (const d of this.deadlines.values()) if (d < next) next = d;
      if (next > until) {
        this.now = until;
        return;
      }
      this.now = Math.max(this.now, next);
      while (this.queue.length > 0 && this.queue[0].at <= this.now) this.deliver(this.queue.shift()!);
      this.refreshDeadlines();
      for (const [t, d] of this.deadlines) {
        if (d <= this.now) {
          t.tick(this.now);
          this.dirty.add(t);
        }
      }
    }
    throw new Error('simulation did not settle');
  }
}
