// Drives IceAgents on the simulated network: delivers datagrams, fires deadlines, drains
// outputs (the driver's job in production), and plays in-process signalling between two agents.
import type { Candidate } from '@tsrtc/sdp';
import type { TransportAddress } from '@tsrtc/stun';
import type { IceAgent, IceEvent } from '../../src/index.js';
import type { SimNetwork, Ticker } from './network.js';

export class SimAgent implements Ticker {
  readonly events: IceEvent[] = [];
  /** Connection-state changes with the virtual time they happened at. */
  readonly timeline: { at: number; state: string }[] = [];
  readonly received: Uint8Array[] = [];
  onEvent: ((e: IceEvent, now: number) => void) | undefined;

  constructor(
    readonly net: SimNetwork,
    readonly agent: IceAgent,
    readonly sockets: TransportAddress[],
  ) {
    net.addTicker(this);
    for (const s of sockets) {
      net.bind(s, (data, from, to, now) => {
        agent.handlePacket(data, from, to, now);
        this.drain(now);
      });
    }
  }

  /** Registers the sockets with the agent (gathering starts). */
  start(): void {
    for (const s of this.sockets) this.agent.addLocalAddress(s, this.net.now);
    this.drain(this.net.now);
  }

  drain(now: number): void {
    this.net.invalidate(this);
    for (let t = this.agent.pollTransmit(); t; t = this.agent.pollTransmit()) this.net.send(t.data, t.from, t.to);
    for (let e = this.agent.pollEvent(); e; e = this.agent.pollEvent()) {
      if (e.type === 'data') {
        this.received.push(e.data.slice());
        e = { ...e, data: e.data.slice() };
      }
      this.events.push(e);
      if (e.type === 'connection-state') this.timeline.push({ at: now, state: e.state });
      this.onEvent?.(e, now);
    }
  }

  nextDeadline(): number | undefined {
    return this.agent.nextDeadline();
  }

  tick(now: number): void {
    this.agent.handleTimeout(now);
    this.drain(now);
  }

  get state(): string {
    return this.agent.connectionState;
  }

  states(): string[] {
    return this.events.flatMap((e) => (e.type === 'connection-state' ? [e.state] : []));
  }

  candidates(): Candidate[] {
    return this.events.flatMap((e) => (e.type === 'candidate' ? [e.candidate] : []));
  }
}

/**
 * Trickle signalling between two agents (instant, in process): credentials first, then every
 * candidate as it appears, and end-of-candidates when gathering completes.
 */
export function signal(a: SimAgent, b: SimAgent, options: { trickle?: boolean; rewrite?: (c: Candidate) => Candidate } = {}): void {
  const trickle = options.trickle ?? true;
  const rewrite = options.rewrite ?? ((c: Candidate) => c);
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    to.agent.setRemoteCredentials(from.agent.localUfrag, from.agent.localPwd);
    const prev = from.onEvent;
    from.onEvent = (e, now) => {
      prev?.(e, now);
      if (trickle && e.type === 'candidate') to.agent.addRemoteCandidate(rewrite(e.candidate), now);
      if (e.type === 'gathering-state' && e.state === 'complete') {
        if (!trickle) for (const c of from.agent.localCandidates()) to.agent.addRemoteCandidate(rewrite(c), now);
        to.agent.addRemoteCandidate(null, now);
      }
      to.drain(now);
    };
  }
}

export function connected(...agents: SimAgent[]): () => boolean {
  return () => agents.every((a) => a.state === 'connected' || a.state === 'completed');
}
