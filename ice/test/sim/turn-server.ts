// A minimal STUN/TURN server model for the simulation (RFC 8489 Binding, RFC 8656 over UDP with
// long-term credentials): enough to gather srflx/relay candidates and relay checks and data.
import {
  StunClass,
  StunError,
  StunMethod,
  StunWriter,
  classifyPacket,
  decodeChannelData,
  decodeStun,
  encodeChannelData,
  longTermKey,
  verifyMessageIntegrity,
  type StunMessage,
  type TransportAddress,
} from '@tsrtc/stun';
import type { SimNetwork } from './network.js';

interface Allocation {
  client: TransportAddress;
  relayed: TransportAddress;
  permissions: Set<string>;
  channelToPeer: Map<number, TransportAddress>;
  peerToChannel: Map<string, number>;
  expiresAt: number;
}

export class SimTurnServer {
  readonly realm = 'sim.test';
  nonce = 'nonce-1';
  private nonceCount = 1;
  private nextRelayPort = 50000;
  private readonly allocations = new Map<string, Allocation>();
  private readonly writer = new StunWriter(1500);
  readonly log: string[] = [];
  /** Makes the next authenticated request fail with 438 (stale nonce). */
  staleNonceNext = false;

  constructor(
    private readonly net: SimNetwork,
    readonly address: TransportAddress,
    private readonly users: Record<string, string>,
  ) {
    net.bind(address, (data, from) => this.receive(data, from));
  }

  allocationCount(): number {
    return this.allocations.size;
  }

  private receive(data: Uint8Array, from: TransportAddress): void {
    const alloc = this.allocations.get(`${from.address}|${from.port}`);
    if (classifyPacket(data) === 'channel-data') {
      if (!alloc) return;
      const cd = decodeChannelData(data);
      const peer = alloc.channelToPeer.get(cd.channel);
      if (peer && alloc.permissions.has(peer.address)) this.net.send(cd.data, alloc.relayed, peer);
      return;
    }
    let msg: StunMessage;
    try {
      msg = decodeStun(data);
    } catch (e) {
      if (e instanceof StunError) return;
      throw e;
    }
    this.log.push(`${msg.method}/${msg.messageClass}`);
    if (msg.method === StunMethod.BINDING && msg.messageClass === StunClass.REQUEST) {
      this.writer.begin(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, msg.transactionId).xorMappedAddress(from);
      this.net.send(this.writer.finish({ fingerprint: true }), this.address, from);
      return;
    }
    if (msg.method === StunMethod.SEND && msg.messageClass === StunClass.INDICATION) {
      const peer = msg.xorPeerAddress();
      const payload = msg.data();
      if (alloc && peer && payload && alloc.permissions.has(peer.address)) this.net.send(payload, alloc.relayed, peer);
      return;
    }
    if (msg.messageClass !== StunClass.REQUEST) return;
    // Long-term credentials (RFC 8489 §9.2).
    const username = msg.username();
    const password = username === undefined ? undefined : this.users[username];
    if (username === undefined || password === undefined || msg.realm() !== this.realm) return this.error(msg, from, 401);
    const key = longTermKey(username, this.realm, password);
    if (!verifyMessageIntegrity(msg, key)) return this.error(msg, from, 401);
    if (this.staleNonceNext || msg.nonce() !== this.nonce) {
      this.staleNonceNext = false;
      this.nonce = `nonce-${++this.nonceCount}`;
      return this.error(msg, from, 438);
    }
    const w = this.writer.begin(msg.method, StunClass.SUCCESS_RESPONSE, msg.transactionId);
    switch (msg.method) {
      case StunMethod.ALLOCATE: {
        if (alloc) return this.error(msg, from, 437);
        const relayed = { family: 4 as const, address: this.address.address, port: this.nextRelayPort++ };
        const a: Allocation = { client: from, relayed, permissions: new Set(), channelToPeer: new Map(), peerToChannel: new Map(), expiresAt: 0 };
        this.allocations.set(`${from.address}|${from.port}`, a);
        this.net.bind(relayed, (d, peer) => this.relayIn(a, d, peer));
        w.xorRelayedAddress(relayed).xorMappedAddress(from).lifetime(msg.lifetime() ?? 600);
        break;
      }
      case StunMethod.REFRESH:
        if (!alloc) return this.error(msg, from, 437);
        if (msg.lifetime() === 0) this.allocations.delete(`${from.address}|${from.port}`);
        w.lifetime(msg.lifetime() ?? 600);
        break;
      case StunMethod.CREATE_PERMISSION: {
        const peer = msg.xorPeerAddress();
        if (!alloc || !peer) return this.error(msg, from, 400);
        alloc.permissions.add(peer.address);
        break;
      }
      case StunMethod.CHANNEL_BIND: {
        const peer = msg.xorPeerAddress();
        const ch = msg.channelNumber();
        if (!alloc || !peer || ch === undefined) return this.error(msg, from, 400);
        alloc.permissions.add(peer.address);
        alloc.channelToPeer.set(ch, peer);
        alloc.peerToChannel.set(`${peer.address}|${peer.port}`, ch);
        break;
      }
      default:
        return this.error(msg, from, 400);
    }
    this.net.send(w.finish({ integrityKey: key, fingerprint: true }), this.address, from);
  }

  private relayIn(a: Allocation, data: Uint8Array, peer: TransportAddress): void {
    if (!this.allocations.has(`${a.client.address}|${a.client.port}`) || !a.permissions.has(peer.address)) return;
    const ch = a.peerToChannel.get(`${peer.address}|${peer.port}`);
    if (ch !== undefined) {
      this.net.send(encodeChannelData(ch, data), this.address, a.client);
      return;
    }
    this.writer.begin(StunMethod.DATA, StunClass.INDICATION, new Uint8Array(12).fill(7)).xorPeerAddress(peer).data(data);
    this.net.send(this.writer.finish(), this.address, a.client);
  }

  private error(msg: StunMessage, to: TransportAddress, code: number): void {
    const w = this.writer.begin(msg.method, StunClass.ERROR_RESPONSE, msg.transactionId).errorCode(code, code === 438 ? 'Stale Nonce' : 'Error');
    if (code === 401 || code === 438) w.realm(this.realm).nonce(this.nonce);
    this.net.send(w.finish({ fingerprint: true }), this.address, to);
  }
}
