/**
 * A deterministic simulated network for two sans-IO SCTP associations (virtual clock; per-link
 * delay, jitter, loss, duplication, bandwidth), after ../../../shared/ARCHITECTURE.md.
 * Not a test file itself: the *.test.ts files import it.
 */
import { SctpAssociation, type SctpEvent, type SctpSettings } from '../src/index.js';

/** mulberry32: a small seeded PRNG. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  fill = (out: Uint8Array): void => {
    for (let i = 0; i < out.length; i++) out[i] = this.int(256);
  };
}

export interface LinkOptions {
  /** one-way delay, ms */
  delay?: number;
  /** extra uniform random delay 0..jitter ms (reorders packets) */
  jitter?: number;
  loss?: number;
  duplicate?: number;
  /** bits per second; undefined = infinite */
  bandwidth?: number;
  /** drop-tail queue limit in bytes when bandwidth is set */
  queueBytes?: number;
}

interface InFlight {
  at: number;
  seq: number;
  to: 0 | 1;
  bytes: Uint8Array;
}

class Heap {
  private a: InFlight[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): InFlight | undefined {
    return this.a[0];
  }
  private less(i: number, j: number): boolean {
    const x = this.a[i];
    const y = this.a[j];
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
  push(v: InFlight): void {
    const a = this.a;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): InFlight | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(l, m)) m = l;
        if (r < a.length && this.less(r, m)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

export class SimNetwork {
  now = 0;
  readonly peers: [SctpAssociation, SctpAssociation];
  readonly events: [SctpEvent[], SctpEvent[]] = [[], []];
  private heap = new Heap();
  private seq = 0;
  private busyUntil = [0, 0];
  private queued = [0, 0];
  readonly rng: Rng;
  /** called for each event as it is drained (e.g. to echo or react) */
  onEvent: ((side: 0 | 1, ev: SctpEvent) => void) | undefined;
  /** optional packet filter/mutator per direction; return undefined to drop */
  tap: ((from: 0 | 1, bytes: Uint8Array) => Uint8Array | undefined) | undefined;
  packetsDelivered = 0;

  constructor(
    seed: number,
    settingsA: Partial<SctpSettings> = {},
    settingsB: Partial<SctpSettings> = {},
    readonly links: [LinkOptions, LinkOptions] = [{}, {}],
  ) {
    this.rng = new Rng(seed);
    const ra = new Rng(seed * 7 + 1);
    const rb = new Rng(seed * 13 + 2);
    this.peers = [new SctpAssociation({ random: ra.fill, ...settingsA }, 0), new SctpAssociation({ random: rb.fill, ...settingsB }, 0)];
  }

  /** Drains both engines' outputs (the CONVENTIONS.md drain rule). */
  flush(): void {
    for (let progress = true; progress; ) {
      progress = false;
      for (const side of [0, 1] as const) {
        const p = this.peers[side];
        for (let ev = p.pollEvent(); ev; ev = p.pollEvent()) {
          progress = true;
          this.events[side].push(ev);
          this.onEvent?.(side, ev);
        }
        for (let pkt = p.pollTransmit(); pkt; pkt = p.pollTransmit()) {
          progress = true;
          this.transmit(side, pkt);
        }
      }
    }
  }

  private transmit(from: 0 | 1, pkt: Uint8Array): void {
    let bytes: Uint8Array | undefined = pkt.slice();
    if (this.tap) bytes = this.tap(from, bytes);
    if (!bytes) return;
    const l = this.links[from];
    if (l.loss && this.rng.next() < l.loss) return;
    let depart = this.now;
    if (l.bandwidth) {
      const start = Math.max(this.now, this.busyUntil[from]);
      if (l.queueBytes !== undefined && (start - this.now) * (l.bandwidth / 8000) > l.queueBytes) return; // drop-tail
      depart = start + (bytes.length * 8 * 1000) / l.bandwidth;
      this.busyUntil[from] = depart;
    }
    const copies = l.duplicate && this.rng.next() < l.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const at = depart + (l.delay ?? 0) + (l.jitter ? this.rng.next() * l.jitter : 0);
      this.heap.push({ at, seq: this.seq++, to: from === 0 ? 1 : 0, bytes });
    }
  }

  /** Runs until `done()` or virtual time `until`; returns true when done() held. */
  run(done: () => boolean, until = this.now + 600_000): boolean {
    this.flush();
    while (!done()) {
      const next = this.heap.peek();
      let t = next?.at;
      for (const p of this.peers) {
        const d = p.nextDeadline();
        if (d !== undefined && (t === undefined || d < t)) t = d;
      }
      if (t === undefined || t > until) return done();
      if (t > this.now) this.now = t;
      if (next && next.at <= this.now) {
        this.heap.pop();
        this.packetsDelivered++;
        this.peers[next.to].handlePacket(next.bytes, this.now);
      } else {
        for (const p of this.peers) {
          const d = p.nextDeadline();
          if (d !== undefined && d <= this.now) p.handleTimeout(this.now);
        }
      }
      this.flush();
    }
    return true;
  }

  /** Connects (both call connect() when `both`), returns when both report 'connected'. */
  connect(both = false): boolean {
    this.peers[0].connect(this.now);
    if (both) this.peers[1].connect(this.now);
    return this.run(() => this.events.every((e) => e.some((x) => x.type === 'connected')));
  }

  messages(side: 0 | 1): Extract<SctpEvent, { type: 'message' }>[] {
    return this.events[side].filter((e): e is Extract<SctpEvent, { type: 'message' }> => e.type === 'message');
  }
}
