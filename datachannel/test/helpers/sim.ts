// Two PeerConnectionCores on a simulated network with a virtual clock (deterministic, no IO).
import { generateCertificate } from '@tsrtc/dtls';
import { defaultEngines } from '../../src/default-engines.js';
import { PeerConnectionCore, type PeerConnectionCoreEvent, type PeerConnectionCoreSettings } from '../../src/peer-connection-core.js';
import type { TransportAddress } from '../../src/engines.js';

/** xorshift32-based seeded PRNG filling bytes. */
export function seededRandom(seed: number): (out: Uint8Array) => void {
  let x = seed >>> 0 || 1;
  return (out) => {
    for (let i = 0; i < out.length; i++) {
      x ^= x << 13; x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5; x >>>= 0;
      out[i] = x & 0xff;
    }
  };
}

export interface SimPeer {
  core: PeerConnectionCore;
  address: TransportAddress;
  events: PeerConnectionCoreEvent[];
}

export class Sim {
  now = 0;
  readonly peers: SimPeer[] = [];
  delivered = 0;
  /** drop predicate for loss tests */
  drop: (data: Uint8Array, from: SimPeer) => boolean = () => false;
  /** one-way delay of every datagram, ms of virtual time (0: delivered in the same pass) */
  delay = 0;
  private readonly inFlight: { at: number; dest: SimPeer; data: Uint8Array; from: TransportAddress; to: TransportAddress }[] = [];

  /** `linkMtu`: the interface MTU the driver would read for `address` (undefined: unknown, 1500 assumed) */
  add(address: string, port: number, settings: Partial<PeerConnectionCoreSettings> = {}, seed = 1, linkMtu?: number): SimPeer {
    const random = seededRandom(seed);
    const core = new PeerConnectionCore({
      engines: defaultEngines(),
      certificate: generateCertificate(),
      random,
      ...settings,
    }, this.now);
    const peer: SimPeer = { core, address: { family: 4, address, port }, events: [] };
    core.addLocalAddress(peer.address, this.now, linkMtu);
    this.peers.push(peer);
    return peer;
  }

  /** Deliver datagrams and fire timers until `until()` holds or `maxMs` of virtual time passes. */
  run(until: () => boolean, maxMs = 10_000): boolean {
    const end = this.now + maxMs;
    for (let guard = 0; guard < 1_000_000; guard++) {
      let moved = false;
      for (const p of this.peers) {
        for (let e = p.core.pollEvent(); e !== undefined; e = p.core.pollEvent()) p.events.push(e);
        for (let t = p.core.pollTransmit(); t !== undefined; t = p.core.pollTransmit()) {
          const dest = this.peers.find((q) => q.address.address === t.to.address && q.address.port === t.to.port);
          if (dest === undefined || this.drop(t.data, p)) continue;
          moved = true;
          if (this.delay > 0) {
            this.inFlight.push({ at: this.now + this.delay, dest, data: t.data.slice(), from: t.from, to: t.to });
            continue;
          }
          this.delivered++;
          dest.core.handlePacket(t.data.slice(), t.from, t.to, this.now);
        }
      }
      for (let i = 0; i < this.inFlight.length; i++) {
        const f = this.inFlight[i];
        if (f.at > this.now) continue;
        this.inFlight.splice(i--, 1);
        moved = true;
        this.delivered++;
        f.dest.core.handlePacket(f.data, f.from, f.to, this.now);
      }
      if (until()) return true;
      if (moved) continue;
      let next: number | undefined;
      for (const f of this.inFlight) if (next === undefined || f.at < next) next = f.at;
      for (const p of this.peers) {
        const d = p.core.nextDeadline();
        if (d !== undefined && (next === undefined || d < next)) next = d;
      }
      if (next === undefined || next > end) return until();
      this.now = Math.max(this.now, next);
      for (const p of this.peers) {
        const d = p.core.nextDeadline();
        if (d !== undefined && d <= this.now) p.core.handleTimeout(this.now);
      }
    }
    return until();
  }
}

/** offer/answer between two cores, non-trickle (descriptions carry the candidates). */
export function negotiate(sim: Sim, offerer: SimPeer, answerer: SimPeer): void {
  offerer.core.createOffer();
  offerer.core.setLocalDescription('offer', sim.now);
  offerer.core.handleTimeout(sim.now); // gathering of host candidates completes
  answerer.core.setRemoteDescription('offer', offerer.core.localDescription()!.sdp, sim.now);
  answerer.core.createAnswer();
  answerer.core.setLocalDescription('answer', sim.now);
  answerer.core.handleTimeout(sim.now);
  offerer.core.setRemoteDescription('answer', answerer.core.localDescription()!.sdp, sim.now);
}
