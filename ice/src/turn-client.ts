// A sans-IO TURN client over UDP or TCP (RFC 8656): Allocate with long-term credentials (401 and
// 438 nonce handling, §7.2-§7.3), Refresh (§7.4), CreatePermission (§9), ChannelBind (§12),
// Send/Data indications (§10) and ChannelData (§12.4). One client = one allocation, talking to
// one server from one local socket. Its datagrams go into the owner's transmit queue. Over TCP
// (§3.2) the relayed transport is still UDP; messages are framed on the stream (stream-framing.ts)
// and requests are sent once (RFC 8489 §6.2.2: no retransmissions on reliable transports).
import {
  StunAttr,
  StunClass,
  StunMethod,
  decodeChannelData,
  encodeChannelData,
  longTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
  type StunMessage,
} from '@tsrtc/stun';
import { addressKey, copyAddress, type TransportAddress } from './address.js';
import { sharedStunWriter as writer } from './messages.js';
import { StreamDeframer, padForStream } from './stream-framing.js';
import type { Transmit, TransmitQueue } from './queue.js';
import type { TurnServer } from './settings.js';
import { TransactionTable, type RetransmitPolicy, type Transaction } from './transactions.js';
import { earlier } from './deadline.js';

export type { Transmit };

export type TurnState = 'new' | 'allocating' | 'allocated' | 'failed' | 'closed';

export interface TurnClientOptions {
  random: (out: Uint8Array) => void;
  retransmit: RetransmitPolicy;
  /** Requested allocation lifetime, s. */
  lifetime: number;
  /** Datagrams queued per peer while its permission is installed. */
  maxQueue: number;
  software: string;
}

type RequestKind = 'allocate' | 'refresh' | 'create-permission' | 'channel-bind';

interface TurnRequest {
  kind: RequestKind;
  peer?: TransportAddress;
  channel?: number;
  lifetime?: number;
  /** 401/438 retries used for this request. */
  authRetries: number;
}

/** RFC 8656 §9: permissions last 300 s; we refresh after 240 s. */
const PERMISSION_REFRESH_MS = 240_000;
/** RFC 8656 §12: channel bindings last 600 s; we refresh after 540 s. */
const CHANNEL_REFRESH_MS = 540_000;
const MAX_AUTH_RETRIES = 3;
/** Over TCP a request is sent once; without an answer in 10 s it fails (RFC 8489 §6.2.2 says 39.5 s). */
const TCP_TRANSACTION_TIMEOUT_MS = 10_000;
const CHANNEL_MIN = 0x4000;
const CHANNEL_MAX = 0x4fff;

interface Permission {
  /** A peer at this IP (the port is ignored by permissions, RFC 8656 §9). */
  peer: TransportAddress;
  state: 'pending' | 'installed';
  refreshAt: number;
  /** Datagrams waiting for the permission (peer, data). */
  queue: { peer: TransportAddress; data: Uint8Array }[];
}

interface Channel {
  number: number;
  peer: TransportAddress;
  bound: boolean;
  refreshAt: number;
}

export interface RelayedData {
  peer: TransportAddress;
  data: Uint8Array;
}

export class TurnClient {
  state: TurnState = 'new';
  relayed: TransportAddress | undefined;
  mapped: TransportAddress | undefined;
  failureReason: string | undefined;
  /** Set when the allocation is first made; the agent reads and clears it. */
  allocatedEvent = false;

  private realm: string | undefined;
  private nonce: string | undefined;
  private key: Uint8Array | undefined;
  private lifetimeMs = 0;
  private refreshAt: number | undefined;
  private readonly txs = new TransactionTable<TurnRequest>();
  private readonly permissions = new Map<string, Permission>();
  private readonly channels = new Map<string, Channel>();
  private readonly channelsByNumber = new Map<number, Channel>();
  private nextChannel = CHANNEL_MIN;
  private readonly deframer: StreamDeframer | undefined;
  private readonly policy: RetransmitPolicy;

  readonly stats = { requestsSent: 0, errorResponses: 0, droppedUnauthenticated: 0, dataIn: 0, dataOut: 0, queueDropped: 0 };

  constructor(
    readonly server: TurnServer,
    readonly socket: TransportAddress,
    private readonly out: Pick<TransmitQueue, 'push'>,
    private readonly options: TurnClientOptions,
  ) {
    this.deframer = server.transport === 'tcp' ? new StreamDeframer() : undefined;
    this.policy = this.deframer ? { rto: TCP_TRANSACTION_TIMEOUT_MS, rtoMax: TCP_TRANSACTION_TIMEOUT_MS, maxTransmissions: 1 } : options.retransmit;
  }

  get transport(): 'udp' | 'tcp' {
    return this.deframer ? 'tcp' : 'udp';
  }

  /** TCP: splits received stream bytes into messages (views valid until the next call). */
  deframe(chunk: Uint8Array): Uint8Array[] {
    if (!this.deframer) return [];
    const frames = this.deframer.push(chunk);
    if (this.deframer.broken) this.fail('TCP stream carried neither STUN nor ChannelData');
    return frames;
  }

  /** TCP: the driver's connection to the server closed or failed; the allocation is gone. */
  connectionClosed(): void {
    if (this.state === 'closed') return;
    this.txs.deleteWhere(() => true);
    this.fail('TCP connection to the TURN server closed');
  }

  /** RFC 8656 §7.1: the first Allocate goes without credentials and draws a 401. */
  start(now: number): void {
    if (this.state !== 'new') return;
    this.state = 'allocating';
    this.request({ kind: 'allocate', authRetries: 0 }, now);
  }

  /** Whether a datagram from `from` to our socket is for this client. */
  owns(from: TransportAddress, to: TransportAddress): boolean {
    return (
      from.port === this.server.address.port &&
      from.address === this.server.address.address &&
      to.port === this.socket.port &&
      to.address === this.socket.address
    );
  }

  hasTransaction(msg: StunMessage): boolean {
    return this.txs.peek(msg.transactionId) !== undefined;
  }

  /**
   * A STUN message from the server. Returns relayed data for a Data indication, else undefined.
   * Never throws on what the server sent beyond StunError from attribute getters.
   */
  handleStun(msg: StunMessage, now: number): RelayedData | undefined {
    if (msg.messageClass === StunClass.INDICATION) {
      if (msg.method !== StunMethod.DATA || this.state !== 'allocated') return undefined;
      const peer = msg.xorPeerAddress();
      const data = msg.data();
      if (!peer || !data) return undefined;
      this.stats.dataIn++;
      return { peer, data };
    }
    if (msg.messageClass === StunClass.REQUEST) return undefined;
    const tx = this.txs.peek(msg.transactionId);
    if (!tx) return undefined;
    if (msg.has(StunAttr.FINGERPRINT) && !verifyFingerprint(msg)) return undefined;
    if (msg.messageClass === StunClass.ERROR_RESPONSE) {
      this.txs.delete(tx);
      this.handleError(tx, msg, now);
      return undefined;
    }
    // Success responses to authenticated requests must carry a valid MESSAGE-INTEGRITY.
    if (!this.key || !verifyMessageIntegrity(msg, this.key)) {
      this.stats.droppedUnauthenticated++;
      return undefined;
    }
    this.txs.delete(tx);
    this.handleSuccess(tx.context, msg, now);
    return undefined;
  }

  /** A ChannelData message from the server (RFC 8656 §12.6). */
  handleChannelData(bytes: Uint8Array): RelayedData | undefined {
    const cd = decodeChannelData(bytes);
    const ch = this.channelsByNumber.get(cd.channel);
    if (!ch || !ch.bound) return undefined;
    this.stats.dataIn++;
    return { peer: ch.peer, data: cd.data };
  }

  /**
   * Sends `data` to `peer` through the relay: ChannelData once a channel is bound, a Send
   * indication once the permission is installed, else queued behind a CreatePermission.
   * Returns false if dropped (no allocation, or the queue is full).
   */
  send(peer: TransportAddress, data: Uint8Array, now: number): boolean {
    if (this.state !== 'allocated') return false;
    const perm = this.permission(peer, now);
    if (perm.state === 'pending') {
      if (perm.queue.length >= this.options.maxQueue) {
        this.stats.queueDropped++;
        return false;
      }
      perm.queue.push({ peer: copyAddress(peer), data: data.slice() });
      return true;
    }
    this.stats.dataOut++;
    const ch = this.channels.get(addressKey(peer));
    if (ch?.bound) {
      const cd = encodeChannelData(ch.number, data);
      this.emit(this.deframer ? padForStream(cd) : cd);
      return true;
    }
    if (!ch) this.bindChannel(peer, now);
    const w = writer.begin(StunMethod.SEND, StunClass.INDICATION, this.newTransactionId());
    w.xorPeerAddress(peer);
    w.data(data);
    this.emit(w.finish());
    return true;
  }

  /** RFC 8656 §7.2 / §9: ensures a permission for the peer's IP exists (or is being made). */
  private permission(peer: TransportAddress, now: number): Permission {
    let perm = this.permissions.get(peer.address);
    if (!perm) {
      perm = { peer: copyAddress(peer), state: 'pending', refreshAt: Infinity, queue: [] };
      this.permissions.set(peer.address, perm);
      this.request({ kind: 'create-permission', peer: copyAddress(peer), authRetries: 0 }, now);
    }
    return perm;
  }

  private bindChannel(peer: TransportAddress, now: number): void {
    if (this.nextChannel > CHANNEL_MAX) return;
    const ch: Channel = { number: this.nextChannel++, peer: copyAddress(peer), bound: false, refreshAt: Infinity };
    this.channels.set(addressKey(peer), ch);
    this.channelsByNumber.set(ch.number, ch);
    this.request({ kind: 'channel-bind', peer: ch.peer, channel: ch.number, authRetries: 0 }, now);
  }

  handleTimeout(now: number): void {
    this.txs.handleTimeout(
      now,
      () => this.policy,
      (tx) => this.emit(tx.request),
      (tx) => this.handleTransactionTimeout(tx.context),
    );
    if (this.state !== 'allocated') return;
    if (this.refreshAt !== undefined && now >= this.refreshAt) {
      this.refreshAt = undefined;
      this.request({ kind: 'refresh', lifetime: this.options.lifetime, authRetries: 0 }, now);
    }
    for (const perm of this.permissions.values()) {
      if (perm.state === 'installed' && now >= perm.refreshAt) {
        perm.refreshAt = Infinity;
        this.request({ kind: 'create-permission', peer: perm.peer, authRetries: 0 }, now);
      }
    }
    for (const ch of this.channels.values()) {
      if (ch.bound && now >= ch.refreshAt) {
        ch.refreshAt = Infinity;
        this.request({ kind: 'channel-bind', peer: ch.peer, channel: ch.number, authRetries: 0 }, now);
      }
    }
  }

  nextDeadline(): number | undefined {
    let d = this.txs.nextDeadline();
    if (this.state === 'allocated') {
      d = earlier(d, this.refreshAt);
      for (const p of this.permissions.values()) d = earlier(d, p.refreshAt);
      for (const c of this.channels.values()) d = earlier(d, c.refreshAt);
    }
    return d;
  }

  /** RFC 8656 §7.4: deletes the allocation with a Refresh of lifetime 0 (sent once, not retried). */
  close(now: number): void {
    if (this.state === 'allocated') {
      const id = this.newTransactionId();
      this.emit(this.buildRequest({ kind: 'refresh', lifetime: 0, authRetries: 0 }, id));
    }
    void now;
    this.state = 'closed';
    this.txs.deleteWhere(() => true);
    this.permissions.clear();
    this.channels.clear();
    this.channelsByNumber.clear();
  }

  private request(req: TurnRequest, now: number): void {
    const id = this.newTransactionId();
    const bytes = this.buildRequest(req, id);
    this.txs.add(id, bytes, this.socket, this.server.address, req, this.policy, now);
    this.stats.requestsSent++;
    this.emit(bytes);
  }

  private buildRequest(req: TurnRequest, id: Uint8Array): Uint8Array {
    const method = {
      allocate: StunMethod.ALLOCATE,
      refresh: StunMethod.REFRESH,
      'create-permission': StunMethod.CREATE_PERMISSION,
      'channel-bind': StunMethod.CHANNEL_BIND,
    }[req.kind];
    const w = writer.begin(method, StunClass.REQUEST, id);
    if (req.kind === 'allocate') {
      w.requestedTransport(17);
      w.lifetime(this.options.lifetime);
    } else if (req.kind === 'refresh') {
      w.lifetime(req.lifetime ?? this.options.lifetime);
    } else if (req.kind === 'create-permission') {
      w.xorPeerAddress(req.peer!);
    } else {
      w.channelNumber(req.channel!);
      w.xorPeerAddress(req.peer!);
    }
    if (this.options.software) w.software(this.options.software);
    if (this.key && this.realm !== undefined && this.nonce !== undefined) {
      w.username(this.server.username);
      w.realm(this.realm);
      w.nonce(this.nonce);
      return w.finish({ integrityKey: this.key, fingerprint: true });
    }
    return w.finish({ fingerprint: true });
  }

  private handleError(tx: Transaction<TurnRequest>, msg: StunMessage, now: number): void {
    this.stats.errorResponses++;
    const req = tx.context;
    const code = msg.errorCode()?.code ?? 0;
    // §7.3 / RFC 8489 §9.2.5: 401 gives realm and nonce; 438 (stale nonce) a fresh nonce.
    if ((code === 401 || code === 438) && req.authRetries < MAX_AUTH_RETRIES) {
      const nonce = msg.nonce();
      const realm = msg.realm();
      if (nonce === undefined) return this.handleTransactionTimeout(req, `${code} without NONCE`);
      if (code === 401 && this.key && realm === this.realm && req.authRetries > 0) {
        return this.handleTransactionTimeout(req, 'credentials rejected (401)');
      }
      if (realm !== undefined) this.realm = realm;
      if (this.realm === undefined) return this.handleTransactionTimeout(req, '401 without REALM');
      this.nonce = nonce;
      this.key = longTermKey(this.server.username, this.realm, this.server.password);
      this.request({ ...req, authRetries: req.authRetries + 1 }, now);
      return;
    }
    this.handleTransactionTimeout(req, `error ${code}`);
  }

  private handleSuccess(req: TurnRequest, msg: StunMessage, now: number): void {
    switch (req.kind) {
      case 'allocate': {
        const relayed = msg.xorRelayedAddress();
        if (!relayed) return this.fail('Allocate success without XOR-RELAYED-ADDRESS');
        this.relayed = relayed;
        this.mapped = msg.xorMappedAddress();
        this.lifetimeMs = (msg.lifetime() ?? this.options.lifetime) * 1000;
        this.refreshAt = now + refreshDelay(this.lifetimeMs);
        this.state = 'allocated';
        this.allocatedEvent = true;
        return;
      }
      case 'refresh': {
        const lifetime = msg.lifetime();
        if (lifetime !== undefined) this.lifetimeMs = lifetime * 1000;
        if (this.state === 'allocated') this.refreshAt = now + refreshDelay(this.lifetimeMs);
        return;
      }
      case 'create-permission': {
        const perm = this.permissions.get(req.peer!.address);
        if (!perm) return;
        perm.state = 'installed';
        perm.refreshAt = now + PERMISSION_REFRESH_MS;
        const queued = perm.queue.splice(0);
        for (const q of queued) this.send(q.peer, q.data, now);
        return;
      }
      case 'channel-bind': {
        const ch = this.channelsByNumber.get(req.channel!);
        if (!ch) return;
        ch.bound = true;
        ch.refreshAt = now + CHANNEL_REFRESH_MS;
        return;
      }
    }
  }

  private handleTransactionTimeout(req: TurnRequest, reason = 'timeout'): void {
    switch (req.kind) {
      case 'allocate':
        return this.fail(`Allocate failed: ${reason}`);
      case 'refresh':
        // RFC 8656 §7.4: a failed refresh means the allocation is (or soon will be) gone.
        if (this.state === 'allocated') this.fail(`Refresh failed: ${reason}`);
        return;
      case 'create-permission': {
        const perm = this.permissions.get(req.peer!.address);
        if (perm && perm.state === 'pending') {
          this.stats.queueDropped += perm.queue.length;
          this.permissions.delete(req.peer!.address);
        }
        return;
      }
      case 'channel-bind': {
        const ch = this.channelsByNumber.get(req.channel!);
        if (ch && !ch.bound) {
          this.channels.delete(addressKey(ch.peer));
          this.channelsByNumber.delete(ch.number);
        }
        return;
      }
    }
  }

  private fail(reason: string): void {
    if (this.state === 'closed') return;
    this.state = 'failed';
    this.failureReason = reason;
  }

  private emit(data: Uint8Array): void {
    this.out.push(data, this.socket, this.server.address, this.deframer ? 'tcp' : undefined);
  }

  private newTransactionId(): Uint8Array {
    const id = new Uint8Array(12);
    this.options.random(id);
    return id;
  }
}

/** Refresh one minute before expiry, or at half the lifetime for short ones. */
function refreshDelay(lifetimeMs: number): number {
  return lifetimeMs > 120_000 ? lifetimeMs - 60_000 : lifetimeMs / 2;
}
