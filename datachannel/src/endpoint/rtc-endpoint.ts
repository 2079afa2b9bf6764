/**
 * The server endpoint: one UDP port, many peers (ARCHITECTURE.md "Endpoint / connection split").
 *
 * - One `UdpDriver` socket; datagrams are demultiplexed to peers by @tsrtc/ice's `IceMux`
 *   (STUN USERNAME first, then the source address the peer's agent validated).
 * - ICE-lite by default, DTLS server by default (answers `a=setup:passive`, the browser sends
 *   the ClientHello), one certificate for all peers.
 * - `accept(offer)` answers in one call, non-trickle: the answer carries the host candidates.
 *   `createOffer()` + `applyAnswer()` make the server the offerer.
 * - Events: `peer` (connected), `peer-closed`, `channel`, `message`.
 *
 * Usage:
 *
 *     const endpoint = await RtcEndpoint.listen({ port: 40000 });
 *     endpoint.on('message', (data, channel, peer) => channel.send(data));   // echo
 *     const { id, sdp } = endpoint.accept(offerSdpFromBrowser);               // → answer to send back
 */
import { EventEmitter } from 'node:events';
import { IceMux, type IceAgent } from '@tsrtc/ice';
import type { DataChannelOptions } from '../data-channel-manager.js';
import { defaultEngines, type EngineSettings } from '../default-engines.js';
import { secureRandom } from '../driver/clock.js';
import { UdpDriver } from '../driver/udp-driver.js';
import { interfaceMtu } from '../driver/interface-mtu.js';
import type { EngineFactory, TransportAddress } from '../engines.js';
import { DataChannelError } from '../errors.js';
import { PeerConnectionCore, type RTCPeerConnectionState } from '../peer-connection-core.js';
import { PeerSession } from '../peer-session.js';
import { RTCCertificate } from '../w3c/rtc-certificate.js';
import type { RTCDataChannel } from '../w3c/rtc-data-channel.js';

export interface RtcEndpointOptions {
  /** UDP port (default 0 = ephemeral; read `endpoint.port`) */
  port?: number;
  /** address to bind (default '0.0.0.0') */
  address?: string;
  /** host candidates written into answers (default 127.0.0.1 + non-internal IPv4 interfaces) */
  announcedAddresses?: string[];
  /** ICE-lite (default true: the endpoint answers checks, browsers nominate) */
  iceLite?: boolean;
  /** a=setup in answers to actpass offers (default 'passive': the endpoint is the DTLS server) */
  answerSetup?: 'active' | 'passive';
  /** peers at most (default 1000); `accept` beyond it throws OperationError */
  maxPeers?: number;
  /** data channels per peer at most (default 64) */
  maxChannelsPerPeer?: number;
  /** our a=max-message-size: largest message a peer may send us (default 262144) */
  maxMessageSize?: number;
  /** a peer must connect within this many ms of accept/createOffer, else it is dropped (default 30000) */
  connectTimeout?: number;
  /** how long close() waits for SCTP SHUTDOWN to complete, ms (default 1000) */
  closeGracePeriod?: number;
  /** the DTLS identity of every peer (default: generated, ECDSA P-256) */
  certificate?: RTCCertificate;
  /**
   * engine settings (DTLS, SCTP, ICE). Differs from a peer connection's in one default: SCTP
   * `heartbeatInterval` 0 (no HEARTBEATs of our own; see `ENDPOINT_SCTP_DEFAULTS`).
   */
  engines?: EngineSettings;
}

export const DEFAULT_RTC_ENDPOINT_OPTIONS = {
  port: 0,
  address: '0.0.0.0',
  iceLite: true,
  answerSetup: 'passive' as 'active' | 'passive',
  maxPeers: 1000,
  maxChannelsPerPeer: 64,
  maxMessageSize: 262144,
  connectTimeout: 30_000,
  closeGracePeriod: 1000,
};

/**
 * RFC 9260 §8.3 lets the upper layer disable HEARTBEAT on a destination. The endpoint does: the
 * peer's ICE consent checks (RFC 7675, at least every ~5 s from every browser) prove the path
 * and the peer alive, and the ICE-lite agent fails the peer when they stop (30 s). Our own
 * HEARTBEATs would add two datagrams per peer per 30 s to an idle endpoint and prove nothing
 * more. The peer's HEARTBEATs are still answered.
 */
export const ENDPOINT_SCTP_DEFAULTS = { heartbeatInterval: 0 };

export type RtcMessageData = string | Uint8Array;

export interface RtcEndpointEvents {
  /** the peer is connected (ICE + DTLS + SCTP up) */
  peer: [peer: RtcPeer];
  /** the peer is gone (closed by either side, failed, or timed out) */
  'peer-closed': [peer: RtcPeer, reason: string];
  /** a data channel of `peer` is open (opened by the peer, or by `peer.createDataChannel`) */
  channel: [channel: RTCDataChannel, peer: RtcPeer];
  /** a message on any channel: text as string, binary as Uint8Array */
  message: [data: RtcMessageData, channel: RTCDataChannel, peer: RtcPeer];
}

export interface RtcPeerEvents {
  connected: [];
  channel: [channel: RTCDataChannel];
  message: [data: RtcMessageData, channel: RTCDataChannel];
  closed: [reason: string];
}

/** One remote peer of an endpoint. */
export class RtcPeer extends EventEmitter<RtcPeerEvents> {
  readonly id: string;
  /** @internal */
  readonly session: PeerSession;
  readonly #endpoint: RtcEndpoint;
  #closed = false;
  #announced = false;

  /** @internal */
  constructor(id: string, session: PeerSession, endpoint: RtcEndpoint) {
    super();
    this.id = id;
    this.session = session;
    this.#endpoint = endpoint;
  }

  get connectionState(): RTCPeerConnectionState {
    return this.#closed ? 'closed' : this.session.core.connectionState;
  }

  /** The peer's address on the selected ICE pair (undefined before ICE connects). */
  get remoteAddress(): { address: string; port: number } | undefined {
    const r = this.session.core.stats().selectedRemote;
    return r === undefined ? undefined : { address: r.address, port: r.port };
  }

  /** Transport counters and the selected pair's round-trip time (ms) of this peer. */
  stats(): { bytesSent: number; bytesReceived: number; packetsSent: number; packetsReceived: number; roundTripTime: number | undefined; channels: number } {
    const s = this.session.core.stats();
    return {
      bytesSent: s.bytesSent,
      bytesReceived: s.bytesReceived,
      packetsSent: s.packetsSent,
      packetsReceived: s.packetsReceived,
      roundTripTime: s.roundTripTime,
      channels: this.channels.length,
    };
  }

  /** Open data channels of this peer. */
  get channels(): RTCDataChannel[] {
    return this.session.channels().filter((c) => c.readyState === 'open');
  }

  /** Open a channel towards the peer (in-band, DCEP); `channel` fires when it is open. */
  createDataChannel(label: string, init: Omit<DataChannelOptions, 'label'> = {}): RTCDataChannel {
    if (this.#closed) throw new DOMException(`peer ${this.id} is closed`, 'InvalidStateError');
    let ch;
    try {
      ch = this.session.core.createDataChannel({ ...init, label }, this.session.now());
    } catch (e) {
      throw new DOMException((e as Error).message, e instanceof DataChannelError && e.code === 'invalid-state' ? 'InvalidStateError' : 'OperationError');
    }
    const w = this.session.wrap(ch);
    this.#endpoint._watchChannel(this, w, false);
    this.session.kick();
    return w;
  }

  /** Send on the channel labelled `label`, or on the first open channel. Returns false if none is open. */
  send(data: string | ArrayBuffer | ArrayBufferView, label?: string): boolean {
    const ch = this.channels.find((c) => label === undefined || c.label === label);
    if (ch === undefined) return false;
    ch.send(data);
    return true;
  }

  /**
   * Close now: SCTP ABORT and DTLS close_notify, so the peer notices at once (a SHUTDOWN
   * left unanswered keeps some peers, aiortc among them, waiting for seconds).
   */
  close(reason = 'closed by the server'): void {
    this.#endpoint._closePeer(this, reason, false);
  }

  /** @internal */
  _markConnected(): boolean {
    if (this.#announced || this.#closed) return false;
    this.#announced = true;
    this.emit('connected');
    return true;
  }

  /** @internal */
  _markClosed(reason: string): boolean {
    if (this.#closed) return false;
    this.#closed = true;
    this.emit('closed', reason);
    return true;
  }

  get closed(): boolean {
    return this.#closed;
  }
}

export interface RtcEndpointStats {
  peers: number;
  peersAccepted: number;
  peersConnected: number;
  peersClosed: number;
  peersRefused: number;
  datagramsReceived: number;
  datagramsSent: number;
  datagramsDropped: number;
}

/** Everything the HTTP/WebSocket signaling needs: accept an offer, or offer and take the answer. */
export class RtcEndpoint extends EventEmitter<RtcEndpointEvents> {
  readonly options: typeof DEFAULT_RTC_ENDPOINT_OPTIONS & Omit<RtcEndpointOptions, keyof typeof DEFAULT_RTC_ENDPOINT_OPTIONS>;
  readonly certificate: RTCCertificate;
  readonly #driver: UdpDriver;
  readonly #mux: IceMux;
  readonly #peers = new Map<string, RtcPeer>();
  readonly #byAgent = new Map<unknown, RtcPeer>();
  /** one engine factory for every peer (it holds no per-peer state) */
  readonly #engines: EngineFactory;
  #closed = false;
  #nextId = 1;
  readonly #counters = { peersAccepted: 0, peersConnected: 0, peersClosed: 0, peersRefused: 0 };

  /** Bind the UDP port and return a ready endpoint. */
  static async listen(options: RtcEndpointOptions = {}): Promise<RtcEndpoint> {
    const o = { ...DEFAULT_RTC_ENDPOINT_OPTIONS, ...options };
    const driver = await UdpDriver.open({ addresses: [o.address], port: o.port, announcedAddresses: o.announcedAddresses });
    return new RtcEndpoint(o, driver);
  }

  private constructor(options: RtcEndpoint['options'], driver: UdpDriver) {
    super();
    this.options = options;
    this.certificate = options.certificate ?? RTCCertificate.generate({ name: 'ECDSA', namedCurve: 'P-256' });
    this.#driver = driver;
    this.#mux = new IceMux({ maxAgents: options.maxPeers });
    this.#engines = defaultEngines({ ...options.engines, sctp: { ...ENDPOINT_SCTP_DEFAULTS, ...options.engines?.sctp } });
    driver.router = (bytes, from, to, now) => {
      let agent;
      try {
        agent = this.#mux.handlePacket(bytes, from, to, now);
      } catch (e) {
        // the agent the datagram went to threw: find and close its peer, keep serving the others
        const owner = this.#mux.route(bytes, from);
        const peer = owner === undefined ? undefined : this.#byAgent.get(owner);
        if (peer !== undefined) this._closePeer(peer, `internal error: ${(e as Error).message}`, false);
        return undefined;
      }
      if (agent === undefined) return undefined;
      const peer = this.#byAgent.get(agent);
      if (peer === undefined) return undefined;
      peer.session.handleDeliveredPacket(bytes.length, now);
      return peer.session;
    };
  }

  /** The bound UDP port. */
  get port(): number {
    return this.#driver.localAddresses[0]?.port ?? 0;
  }

  /** The host addresses (with the port) written into descriptions. */
  get addresses(): TransportAddress[] {
    return this.#driver.localAddresses;
  }

  /** Peers not closed yet (accepted, connecting or connected). */
  get peers(): RtcPeer[] {
    return [...this.#peers.values()];
  }

  peer(id: string): RtcPeer | undefined {
    return this.#peers.get(id);
  }

  stats(): RtcEndpointStats {
    const d = this.#driver.stats();
    return {
      peers: this.#peers.size,
      ...this.#counters,
      datagramsReceived: d.datagramsReceived,
      datagramsSent: d.datagramsSent,
      datagramsDropped: d.datagramsDropped,
    };
  }

  /**
   * Answer a client's offer (non-trickle: the answer includes our candidates).
   * Throws DOMException: OperationError (bad offer, too many peers), InvalidStateError (closed).
   */
  accept(offerSdp: string, options: { id?: string } = {}): { id: string; sdp: string; peer: RtcPeer } {
    const peer = this.#newPeer(options.id);
    const core = peer.session.core;
    const now = this.#driver.now();
    try {
      core.setRemoteDescription('offer', offerSdp, now);
      core.createAnswer();
      this.#register(peer);
      core.setLocalDescription('answer', now);
      core.handleTimeout(now); // host candidates are known: gathering completes at once
    } catch (e) {
      this.#drop(peer);
      throw new DOMException(`accept: ${(e as Error).message}`, e instanceof DataChannelError && e.code === 'invalid-state' ? 'InvalidStateError' : 'OperationError');
    }
    this.#driver.service(peer.session);
    return { id: peer.id, sdp: core.localDescription()!.sdp, peer };
  }

  /**
   * Server-as-offerer: an offer (with candidates) for a new peer; pass the answer to
   * `applyAnswer(id, sdp)`. `channels` are opened in-band once connected.
   */
  createOffer(options: { id?: string; channels?: (Omit<DataChannelOptions, 'label'> & { label: string })[] } = {}): { id: string; sdp: string; peer: RtcPeer } {
    const peer = this.#newPeer(options.id);
    const core = peer.session.core;
    const now = this.#driver.now();
    for (const c of options.channels ?? []) peer.createDataChannel(c.label, c);
    core.createOffer();
    core.setLocalDescription('offer', now);
    this.#register(peer);
    core.handleTimeout(now);
    this.#driver.service(peer.session);
    return { id: peer.id, sdp: core.localDescription()!.sdp, peer };
  }

  /** The answer to an offer made by `createOffer`. Throws DOMException (unknown id, bad answer). */
  applyAnswer(id: string, answerSdp: string): void {
    const peer = this.#peers.get(id);
    if (peer === undefined) throw new DOMException(`applyAnswer: no pending offer with id ${id}`, 'InvalidStateError');
    try {
      peer.session.core.setRemoteDescription('answer', answerSdp, this.#driver.now());
    } catch (e) {
      throw new DOMException(`applyAnswer: ${(e as Error).message}`, e instanceof DataChannelError && e.code === 'invalid-state' ? 'InvalidStateError' : 'OperationError');
    }
    this.#driver.service(peer.session);
  }

  /** A trickled candidate of peer `id` (`candidate:…` text; null or '' = end of candidates). */
  addIceCandidate(id: string, candidate: string | null): void {
    const peer = this.#peers.get(id);
    if (peer === undefined) throw new DOMException(`addIceCandidate: unknown peer ${id}`, 'InvalidStateError');
    const core = peer.session.core;
    let fields = null;
    if (candidate !== null && candidate !== '') {
      try {
        fields = core.settings.engines.parseCandidate(candidate);
      } catch (e) {
        throw new DOMException(`addIceCandidate: ${(e as Error).message}`, 'OperationError');
      }
    }
    core.addRemoteCandidate(fields, this.#driver.now());
    this.#driver.service(peer.session);
  }

  /**
   * Send `data` to each peer (on its channel labelled `label`, else its first open channel).
   * Returns how many peers it was sent to; peers without an open channel, or whose send failed
   * (e.g. above their max-message-size), are skipped.
   */
  broadcast(peers: Iterable<RtcPeer> | 'all', data: string | ArrayBuffer | ArrayBufferView, label?: string): number {
    let sent = 0;
    for (const peer of peers === 'all' ? this.#peers.values() : peers) {
      try {
        if (peer.send(data, label)) sent++;
      } catch {
        // one peer's failure does not stop the broadcast
      }
    }
    return sent;
  }

  /**
   * Close every peer gracefully — SCTP SHUTDOWN, wait up to `closeGracePeriod` for it to
   * complete, ABORT whatever did not, DTLS close_notify — and then the socket.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const now = this.#driver.now();
    const open = [...this.#peers.values()];
    for (const peer of open) {
      peer.session.core.shutdown(now);
      this.#driver.service(peer.session);
    }
    const waiting = open.filter((p) => !p.closed && p.session.core.stats().sctpConnected);
    if (waiting.length > 0) {
      await Promise.race([
        Promise.all(waiting.map((p) => new Promise<void>((resolve) => (p.closed ? resolve() : p.once('closed', () => resolve()))))),
        this.#driver.delay(this.options.closeGracePeriod),
      ]);
    }
    for (const peer of [...this.#peers.values()]) this._closePeer(peer, 'endpoint closed', false);
    this.#driver.close();
  }

  // ---- internals (used by RtcPeer) ----

  #newPeer(id: string | undefined): RtcPeer {
    if (this.#closed) throw new DOMException('the endpoint is closed', 'InvalidStateError');
    if (this.#peers.size >= this.options.maxPeers) {
      this.#counters.peersRefused++;
      throw new DOMException(`too many peers (maxPeers ${this.options.maxPeers})`, 'OperationError');
    }
    const peerId = id ?? `p${this.#nextId++}`;
    if (this.#peers.has(peerId)) throw new DOMException(`peer id ${peerId} is in use`, 'OperationError');
    const o = this.options;
    const core = new PeerConnectionCore({
      engines: this.#engines,
      certificate: this.certificate._dtls,
      random: secureRandom,
      iceLite: o.iceLite,
      answerSetup: o.answerSetup,
      maxMessageSize: o.maxMessageSize,
      dataChannels: { maxChannels: o.maxChannelsPerPeer },
    }, this.#driver.now());
    for (const a of this.#driver.localAddresses) core.addLocalAddress(a, this.#driver.now(), interfaceMtu(a.address));
    const session = new PeerSession(core);
    session.driver = this.#driver;
    const peer = new RtcPeer(peerId, session, this);
    session.expiresAt = this.#driver.now() + o.connectTimeout;
    session.onExpired = () => this._closePeer(peer, `not connected within ${o.connectTimeout} ms`, false);
    // one misbehaving connection must not take the server down
    session.onInternalError = (e) => this._closePeer(peer, `internal error: ${(e as Error)?.message ?? e}`, false);
    session.onEvent = (e) => {
      switch (e.type) {
        case 'connection-state':
          if (e.state === 'connected') {
            // connected in time: drop the connect deadline now rather than wake up for it later
            // (10,000 peers accepted over a minute would wake the endpoint 10,000 times)
            session.expiresAt = undefined;
            if (peer._markConnected()) {
              this.#counters.peersConnected++;
              this.emit('peer', peer);
            }
          } else if (e.state === 'failed') {
            this._closePeer(peer, 'connection failed', false);
          }
          return;
        case 'transport-closed':
          this._closePeer(peer, e.reason, false);
          return;
        case 'datachannel':
          this._watchChannel(peer, e.channel, true);
          return;
        default:
          return;
      }
    };
    this.#peers.set(peerId, peer);
    this.#counters.peersAccepted++;
    return peer;
  }

  #register(peer: RtcPeer): void {
    const agent = peer.session.core.iceAgent;
    if (agent === undefined) return;
    this.#mux.addAgent(agent as unknown as IceAgent);
    this.#byAgent.set(agent, peer);
  }

  #drop(peer: RtcPeer): void {
    this.#peers.delete(peer.id);
    const agent = peer.session.core.iceAgent;
    if (agent !== undefined) {
      this.#mux.removeAgent(agent as unknown as IceAgent);
      this.#byAgent.delete(agent);
    }
    this.#driver.unschedule(peer.session);
  }

  /** @internal */
  _watchChannel(peer: RtcPeer, channel: RTCDataChannel, alreadyOpen: boolean): void {
    const announce = () => {
      peer.emit('channel', channel);
      this.emit('channel', channel, peer);
    };
    channel.addEventListener('message', (ev) => {
      const raw = (ev as MessageEvent).data as string | ArrayBuffer;
      const data = typeof raw === 'string' ? raw : new Uint8Array(raw);
      peer.emit('message', data, channel);
      this.emit('message', data, channel, peer);
    });
    if (alreadyOpen) announce();
    else channel.addEventListener('open', announce, { once: true });
  }

  /** @internal */
  _closePeer(peer: RtcPeer, reason: string, graceful: boolean): void {
    if (peer.closed) return;
    const session = peer.session;
    session.core.close(this.#driver.now(), graceful);
    if (!this.#driver.isClosed) this.#driver.service(session);
    this.#drop(peer);
    this.#counters.peersClosed++;
    peer._markClosed(reason);
    this.emit('peer-closed', peer, reason);
  }
}
