// One UDP socket, many agents (the server endpoint's demultiplexer). A datagram is routed by
// the USERNAME of a STUN Binding request (`<local ufrag>:<remote ufrag>`, RFC 8445 §7.3) to the
// agent owning that local ufrag; a STUN response by the 4-byte tag the mux gave the agent for
// the start of its transaction IDs (full agents' own checks); anything else by its source
// address, which is mapped to an agent only after that agent authenticated a check from it or
// had a check to it succeed. Unknown sources create no state.
import { StunClass, StunError, StunMethod, decodeStun } from '@tsrtc/stun';
import { addressKey, type TransportAddress } from './address.js';
import type { IceAgent } from './agent.js';
import { IceError } from './errors.js';

export interface IceMuxSettings {
  /** Agents the mux holds at most. */
  maxAgents?: number;
  /** Source address → agent mappings at most (each made only after an authenticated check). */
  maxAddresses?: number;
  /** Addresses one agent may own in the table. */
  maxAddressesPerAgent?: number;
}

export const DEFAULT_ICE_MUX_SETTINGS = {
  maxAgents: 10_000,
  maxAddresses: 65_536,
  maxAddressesPerAgent: 16,
} as const;

export interface IceMuxStats {
  agents: number;
  addresses: number;
  routedByUsername: number;
  routedByAddress: number;
  /** STUN responses routed by their transaction-ID tag (full agents' checks). */
  routedByTransaction: number;
  /** Binding requests naming a ufrag no agent owns. */
  droppedUnknownUfrag: number;
  /** Non-request datagrams from an address no agent validated. */
  droppedUnknownSource: number;
  droppedMalformed: number;
  /** Mappings refused because a table was full. */
  addressTableFull: number;
}

export class IceMux {
  private readonly settings: Required<IceMuxSettings>;
  private readonly byUfrag = new Map<string, IceAgent>();
  private readonly ufragOf = new Map<IceAgent, string>();
  private readonly byAddress = new Map<string, IceAgent>();
  private readonly addressesOf = new Map<IceAgent, Set<string>>();
  private readonly byTag = new Map<number, IceAgent>();
  private readonly tagOf = new Map<IceAgent, number>();
  private nextTag = 1;
  private readonly counters = {
    routedByUsername: 0,
    routedByAddress: 0,
    routedByTransaction: 0,
    droppedUnknownUfrag: 0,
    droppedUnknownSource: 0,
    droppedMalformed: 0,
    addressTableFull: 0,
  };

  constructor(settings: IceMuxSettings = {}) {
    this.settings = { ...DEFAULT_ICE_MUX_SETTINGS, ...settings };
  }

  /** Adds an agent, or re-keys it after its local ufrag changed (ICE restart). */
  addAgent(agent: IceAgent): void {
    const old = this.ufragOf.get(agent);
    if (old === agent.localUfrag) return;
    const owner = this.byUfrag.get(agent.localUfrag);
    if (owner && owner !== agent) throw new IceError('duplicate-ufrag', `ufrag ${agent.localUfrag} is already in use`);
    if (old === undefined && this.ufragOf.size >= this.settings.maxAgents) throw new IceError('too-many-agents', `mux holds ${this.settings.maxAgents} agents`);
    if (old !== undefined) this.byUfrag.delete(old);
    this.byUfrag.set(agent.localUfrag, agent);
    this.ufragOf.set(agent, agent.localUfrag);
    if (!agent.lite && !this.tagOf.has(agent)) {
      // Tags are never reused while the mux lives (2^32 agents), so a late response cannot
      // reach a newer agent.
      const tag = this.nextTag++ >>> 0;
      this.byTag.set(tag, agent);
      this.tagOf.set(agent, tag);
      agent.setTransactionTag(Uint8Array.of(tag >>> 24, (tag >>> 16) & 255, (tag >>> 8) & 255, tag & 255));
    }
  }

  removeAgent(agent: IceAgent): void {
    const ufrag = this.ufragOf.get(agent);
    if (ufrag === undefined) return;
    this.byUfrag.delete(ufrag);
    this.ufragOf.delete(agent);
    const tag = this.tagOf.get(agent);
    if (tag !== undefined) {
      this.byTag.delete(tag);
      this.tagOf.delete(agent);
      agent.setTransactionTag(undefined);
    }
    for (const key of this.addressesOf.get(agent) ?? []) if (this.byAddress.get(key) === agent) this.byAddress.delete(key);
    this.addressesOf.delete(agent);
  }

  agentByUfrag(ufrag: string): IceAgent | undefined {
    return this.byUfrag.get(ufrag);
  }

  /** The agent a datagram belongs to, without delivering it (undefined: drop). Counts drops. */
  route(bytes: Uint8Array, from: TransportAddress): IceAgent | undefined {
    if (bytes.length > 0 && bytes[0] <= 3) {
      const agent = this.routeBindingRequest(bytes);
      if (agent !== null) return agent;
      // A response (class bit C1 set) to a tagged agent's check.
      if (bytes.length >= 20 && bytes[0] & 0x01 && this.byTag.size > 0) {
        const tagged = this.byTag.get(((bytes[8] << 24) | (bytes[9] << 16) | (bytes[10] << 8) | bytes[11]) >>> 0);
        if (tagged) {
          this.counters.routedByTransaction++;
          return tagged;
        }
      }
    }
    const agent = this.byAddress.get(addressKey(from));
    if (agent) {
      this.counters.routedByAddress++;
      return agent;
    }
    this.counters.droppedUnknownSource++;
    return undefined;
  }

  /**
   * Routes and delivers one datagram; returns the agent that took it (drain it next), or
   * undefined when dropped. Maps the source to the agent once the agent validated it.
   */
  handlePacket(bytes: Uint8Array, from: TransportAddress, to: TransportAddress, now: number): IceAgent | undefined {
    const agent = this.route(bytes, from);
    if (!agent) return undefined;
    agent.handlePacket(bytes, from, to, now);
    const key = addressKey(from);
    if (this.byAddress.get(key) !== agent && agent.isValidatedRemote(from)) this.map(key, agent);
    return agent;
  }

  stats(): IceMuxStats {
    return { agents: this.ufragOf.size, addresses: this.byAddress.size, ...this.counters };
  }

  /**
   * A Binding request is routed by the local-ufrag half of its USERNAME: returns the agent,
   * undefined (drop: unknown ufrag or malformed) or null (not a Binding request: route by address).
   */
  private routeBindingRequest(bytes: Uint8Array): IceAgent | undefined | null {
    let username: string | undefined;
    try {
      const msg = decodeStun(bytes);
      if (msg.method !== StunMethod.BINDING || msg.messageClass !== StunClass.REQUEST) return null;
      username = msg.username();
    } catch (e) {
      if (!(e instanceof StunError)) throw e;
      this.counters.droppedMalformed++;
      return undefined;
    }
    const colon = username === undefined ? -1 : username.indexOf(':');
    const agent = colon > 0 ? this.byUfrag.get(username!.slice(0, colon)) : undefined;
    if (!agent) {
      this.counters.droppedUnknownUfrag++;
      return undefined;
    }
    this.counters.routedByUsername++;
    return agent;
  }

  private map(key: string, agent: IceAgent): void {
    let owned = this.addressesOf.get(agent);
    if (!owned) this.addressesOf.set(agent, (owned = new Set()));
    if (owned.size >= this.settings.maxAddressesPerAgent || (!this.byAddress.has(key) && this.byAddress.size >= this.settings.maxAddresses)) {
      this.counters.addressTableFull++;
      return;
    }
    const previous = this.byAddress.get(key);
    if (previous) this.addressesOf.get(previous)?.delete(key);
    this.byAddress.set(key, agent);
    owned.add(key);
  }
}
