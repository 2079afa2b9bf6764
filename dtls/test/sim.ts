import type { DtlsEndpoint, DtlsEvent } from '@tsrtc/dtls';
import type { Prng } from './helpers.js';

/** Impairments of one direction of the simulated link. */
export interface LinkImpairments {
  /** Probability that a datagram is lost. */
  loss: number;
  /** Probability that a datagram is delivered twice. */
  duplicate: number;
  /** Base one-way delay, ms. */
  delay: number;
  /** Extra uniform random delay in [0, jitter) ms: datagrams overtake each other. */
  jitter: number;
}

export const PERFECT: LinkImpairments = { loss: 0, duplicate: 0, delay: 0, jitter: 0 };

interface InFlight {
  at: number;
  order: number;
  to: 'client' | 'server';
  bytes: Uint8Array;
}

export interface SimResult {
  /** Virtual time at which each side emitted `connected` (undefined if never). */
  connectedAt: { client?: number; server?: number };
  events: { client: DtlsEvent[]; server: DtlsEvent[] };
  /** Every datagram put on the wire: [time, from, length]. */
  trace: [number, 'client' | 'server', number][];
  now: number;
}

/**
 * A deterministic two-endpoint network on a virtual clock: both engines are driven by the
 * same event loop (datagram arrivals and engine deadlines), every impairment drawn from `rng`.
 */
export function simulate(
  client: DtlsEndpoint,
  server: DtlsEndpoint,
  rng: Prng,
  link: LinkImpairments,
  opts: { until?: (r: SimResult) => boolean; maxTime?: number; start?: number } = {},
): SimResult {
  let now = opts.start ?? 0;
  const maxTime = now + (opts.maxTime ?? 120_000);
  const queue: InFlight[] = [];
  let order = 0;
  const result: SimResult = { connectedAt: {}, events: { client: [], server: [] }, trace: [], now };
  const ends = { client, server };

  const put = (to: 'client' | 'server', bytes: Uint8Array) => {
    if (rng.next() < link.loss) return;
    const copies = rng.next() < link.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) queue.push({ at: now + link.delay + rng.next() * link.jitter, order: order++, to, bytes });
  };
  const drain = (side: 'client' | 'server') => {
    const e = ends[side];
    const other = side === 'client' ? 'server' : 'client';
    for (let d = e.pollTransmit(); d !== undefined; d = e.pollTransmit()) {
      result.trace.push([now, side, d.length]);
      put(other, d.slice());
    }
    for (let ev = e.pollEvent(); ev !== undefined; ev = e.pollEvent()) {
      result.events[side].push(ev);
      if (ev.type === 'connected') result.connectedAt[side] = now;
    }
  };

  if (client.state === 'new') client.start(now);
  drain('client');
  drain('server');
  const done = opts.until ?? ((r: SimResult) => r.connectedAt.client !== undefined && r.connectedAt.server !== undefined);
  while (!done(result)) {
    let next = Infinity;
    for (const p of queue) next = Math.min(next, p.at);
    const dc = client.nextDeadline(), ds = server.nextDeadline();
    if (dc !== undefined) next = Math.min(next, dc);
    if (ds !== undefined) next = Math.min(next, ds);
    if (next === Infinity || next > maxTime) break;
    now = Math.max(now, next);
    queue.sort((a, b) => a.at - b.at || a.order - b.order);
    while (queue.length > 0 && queue[0].at <= now) {
      const p = queue.shift()!;
      ends[p.to].handleDatagram(p.bytes, now);
      drain(p.to);
    }
    for (const side of ['client', 'server'] as const) {
      const d = ends[side].nextDeadline();
      if (d !== undefined && d <= now) {
        ends[side].handleTimeout(now);
        drain(side);
      }
    }
  }
  result.now = now;
  return result;
}
