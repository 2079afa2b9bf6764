/**
 * The sans-IO peer connection: ICE agent → (non-STUN data) → DTLS endpoint → (application
 * data) → SCTP association → data-channel manager, plus the JSEP offer/answer state.
 *
 * - ICE role: the offerer controls (RFC 8445 §6.1.1), unless we are ICE-lite; a full agent
 *   facing an ICE-lite peer controls.
 * - DTLS role from a=setup (RFC 8842 §5.3): we offer `actpass`; answering an `actpass` offer
 *   we take `answerSetup` (default `active` = DTLS client, as Chrome does).
 * - The DTLS client starts its handshake when ICE connects (its first valid pair, RFC 8445
 *   §12.1); datagrams that come earlier wait for that too. SCTP starts when DTLS connects (both
 *   ends send INIT, as browsers do).
 * - Output: `pollTransmit()` pulls SCTP packets through DTLS into ICE one at a time, so each
 *   engine's output buffer is consumed before that engine is called again. The datagram returned
 *   is valid until the next call into this object.
 *
 * Nothing here reads a clock, arms a timer or owns a socket: the driver does (see driver/).
 */
import { DataChannelManager, type DataChannelManagerEvent, type DataChannelManagerSettings, type DataChannelOptions, type ManagedChannel } from './data-channel-manager.js';
import { copyBytes, DataChannelError } from './errors.js';
import { EventQueue } from './event-queue.js';
import type {
  CertificatePort, DtlsEndpointPort, EngineFactory, IceAgentPort, IceCandidateFields, IceTransmit,
  RTCIceConnectionState, RTCIceGatheringState, SctpAssociationPort, TransportAddress,
} from './engines.js';
import { readRemoteDescription, writeLocalDescription, type RemoteDescriptionInfo, type SetupRole } from './session-description.js';

export type RTCPeerConnectionState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';
export type RTCSignalingState = 'stable' | 'have-local-offer' | 'have-remote-offer' | 'closed';

export type RTCDtlsTransportState = 'new' | 'connecting' | 'connected' | 'closed' | 'failed';

export interface PeerConnectionCoreSettings {
  engines: EngineFactory;
  /** our DTLS certificate (passed through to the DTLS engine) */
  certificate: CertificatePort;
  random: (out: Uint8Array) => void;
  /** ICE-lite (RFC 8445 §2.5): answer checks only; for servers with public addresses */
  iceLite?: boolean;
  stunServers?: TransportAddress[];
  turnServers?: { address: TransportAddress; username: string; password: string; transport: 'udp' }[];
  iceTransportPolicy?: 'all' | 'relay';
  /** a=setup when answering an actpass offer: 'active' (DTLS client, like Chrome) or 'passive' */
  answerSetup?: 'active' | 'passive';
  /** what we accept: our a=max-message-size and the SCTP reassembly limit */
  maxMessageSize?: number;
  sctpPort?: number;
  dataChannels?: DataChannelManagerSettings;
  /** datagrams from ICE kept while the DTLS endpoint does not exist yet or ICE has no pair to answer on */
  maxEarlyDatagrams?: number;
}

export const DEFAULT_PEER_CONNECTION_SETTINGS = {
  iceLite: false,
  iceTransportPolicy: 'all' as 'all' | 'relay',
  answerSetup: 'active' as 'active' | 'passive',
  maxMessageSize: 262144,
  sctpPort: 5000,
  maxEarlyDatagrams: 16,
};

const SETTINGS_TEMPLATE = { ...DEFAULT_PEER_CONNECTION_SETTINGS, engines: undefined, certificate: undefined, random: undefined, stunServers: undefined, turnServers: undefined, dataChannels: undefined };

export type PeerConnectionCoreEvent =
  | DataChannelManagerEvent
  /** candidate-attribute text (`candidate:…`), or null at the end of gathering */
  | { type: 'ice-candidate'; candidate: string | null; sdpMid: string; sdpMLineIndex: number }
  | { type: 'ice-gathering-state'; state: RTCIceGatheringState }
  | { type: 'ice-connection-state'; state: RTCIceConnectionState }
  | { type: 'connection-state'; state: RTCPeerConnectionState }
  /** DTLS or SCTP ended (close_notify, ABORT, SHUTDOWN, handshake failure): no data can flow any more */
  | { type: 'transport-closed'; reason: string };

export interface PeerConnectionCoreStats {
  /** SCTP packets that could not be sent because DTLS had ended */
  packetsDropped: number;
  packetsSent: number;
  bytesSent: number;
  packetsReceived: number;
  bytesReceived: number;
  selectedLocal: IceCandidateFields | undefined;
  selectedRemote: IceCandidateFields | undefined;
  localCandidates: IceCandidateFields[];
  remoteCandidates: IceCandidateFields[];
  dtlsState: RTCDtlsTransportState;
  dtlsRole: 'client' | 'server' | undefined;
  sctpConnected: boolean;
  dtlsCipherSuite: unknown;
  /** round-trip time of the selected pair's latest check, ms (ICE consent checks keep it fresh) */
  roundTripTime: number | undefined;
}

const isDue = (deadline: number | undefined, now: number): boolean => deadline !== undefined && deadline <= now;
const earliest = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined || a <= b ? a : b;

const ICE_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export class PeerConnectionCore {
  readonly settings: Required<Omit<PeerConnectionCoreSettings, 'stunServers' | 'turnServers' | 'dataChannels'>> &
    Pick<PeerConnectionCoreSettings, 'stunServers' | 'turnServers' | 'dataChannels'>;
  readonly channels: DataChannelManager;
  /** our ICE credentials (new ones after an ICE restart, RFC 8445 §9) */
  localUfrag: string;
  localPwd: string;
  /** credentials of a pending ICE restart: written into the next offer/answer, applied by setLocalDescription */
  private pendingCredentials: { ufrag: string; pwd: string } | undefined;

  signalingState: RTCSignalingState = 'stable';
  iceConnectionState: RTCIceConnectionState = 'new';
  iceGatheringState: RTCIceGatheringState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  dtlsState: RTCDtlsTransportState = 'new';
  /** the last offer or answer we wrote (candidates are added by `localDescription()`) */
  private localType: 'offer' | 'answer' | undefined;
  /** what a rollback restores (W3C webrtc-pc §4.4.1.5) */
  private stableLocalType: 'offer' | 'answer' | undefined;
  private stableRemote: { info: RemoteDescriptionInfo | undefined; sdp: string | undefined; type: 'offer' | 'answer' | undefined } | undefined;
  private localSetup: SetupRole = 'actpass';
  private legacy = false;
  private mid = '0';
  private mLineIndex = 0;
  private readonly sessionId: string;
  /** our certificate's a=fingerprint, computed once */
  private fingerprint: { algorithm: string; value: string } | undefined;
  private sessionVersion = 1;
  remote: RemoteDescriptionInfo | undefined;
  private remoteSdp: string | undefined;
  private remoteType: 'offer' | 'answer' | undefined;
  dtlsRole: 'client' | 'server' | undefined;

  private ice: IceAgentPort | undefined;
  private dtls: DtlsEndpointPort | undefined;
  private sctp: SctpAssociationPort | undefined;
  private readonly localAddresses: TransportAddress[] = [];
  private gatheringStarted = false;
  private readonly localCandidateText: string[] = [];
  private readonly localCandidateList: IceCandidateFields[] = [];
  private readonly remoteCandidateList: IceCandidateFields[] = [];
  private readonly pendingRemoteCandidates: (IceCandidateFields | null)[] = [];
  private readonly earlyDatagrams: Uint8Array[] = [];
  private readonly events = new EventQueue<PeerConnectionCoreEvent>();
  private readonly outbox: IceTransmit[] = [];
  private now = 0;
  private closed = false;
  private sctpConnected = false;
  private dtlsStarted = false;
  private dtlsCipherSuite: unknown;
  private selectedLocal: IceCandidateFields | undefined;
  /** interface MTU per local IP address (from addLocalAddress) */
  private readonly linkMtus = new Map<string, number>();
  private selectedRemote: IceCandidateFields | undefined;
  private counters = { packetsSent: 0, bytesSent: 0, packetsReceived: 0, bytesReceived: 0, packetsDropped: 0 };
  /**
   * DTLS and SCTP have nothing to send: their last `pollTransmit()` returned undefined and
   * neither has had input since. A STUN-only datagram (a consent check: most of what an idle
   * endpoint receives) then skips them in `pullFromEngines` and `nextDeadline` (their deadlines
   * cannot have moved without input: `upperDeadline` holds them). Any other input clears it.
   */
  private upperOutputIdle = false;
  /** DTLS and SCTP events were polled to empty, and no input or `pollTransmit` reached them since. */
  private upperEventsIdle = false;
  /** earliest DTLS / SCTP deadline when `upperOutputIdle` was set */
  private upperDeadline: number | undefined;

  constructor(settings: PeerConnectionCoreSettings, now: number) {
    // every key exists before the settings are copied in: all connections share one hidden class
    const s = { ...SETTINGS_TEMPLATE } as Record<string, unknown>;
    for (const k in settings) {
      const v = (settings as unknown as Record<string, unknown>)[k];
      if (v !== undefined) s[k] = v;
    }
    this.settings = s as PeerConnectionCore['settings'];
    this.now = now;
    this.channels = new DataChannelManager(settings.dataChannels);
    this.localUfrag = this.randomIceString(8);
    this.localPwd = this.randomIceString(24);
    const id = new Uint8Array(8);
    this.settings.random(id);
    id[0] &= 0x3f; // < 2^62: a positive 64-bit decimal like browsers write
    this.sessionId = new DataView(id.buffer).getBigUint64(0).toString();
  }

  // ---- JSEP ----

  /** RFC 8829 §5.2: a data-only offer (a=setup:actpass). */
  createOffer(): string {
    this.assertOpen('createOffer');
    if (this.signalingState === 'have-remote-offer') {
      throw new DataChannelError('invalid-state', 'createOffer while a remote offer is pending: create an answer');
    }
    return this.describe('offer', 'actpass');
  }

  /** RFC 8829 §5.3: answer the pending remote offer. */
  createAnswer(): string {
    this.assertOpen('createAnswer');
    if (this.signalingState !== 'have-remote-offer' || this.remote === undefined) {
      throw new DataChannelError('invalid-state', `createAnswer needs a remote offer (signaling state is ${this.signalingState})`);
    }
    return this.describe('answer', this.setupFor('answer'));
  }

  /**
   * Apply our own description. The SDP text is ours (from createOffer/createAnswer); only its
   * type matters, since a data-only description has nothing the application may change.
   */
  setLocalDescription(type: 'offer' | 'answer', now: number): void {
    this.now = now;
    this.assertOpen('setLocalDescription');
    if (type === 'offer') {
      if (this.signalingState !== 'stable' && this.signalingState !== 'have-local-offer') {
        throw new DataChannelError('invalid-state', `cannot set a local offer in signaling state ${this.signalingState}`);
      }
      this.localSetup = 'actpass';
      if (this.signalingState === 'stable') this.stableLocalType = this.localType;
      this.signalingState = 'have-local-offer';
      this.applyPendingCredentials(now);
      this.ensureIce(true);
    } else {
      if (this.signalingState !== 'have-remote-offer' || this.remote === undefined) {
        throw new DataChannelError('invalid-state', `cannot set a local answer in signaling state ${this.signalingState}`);
      }
      this.localSetup = this.setupFor('answer');
      this.signalingState = 'stable';
      this.ensureIce(false);
    }
    this.localType = type;
    this.startGathering(now);
    if (this.signalingState === 'stable') this.negotiated(now);
    this.pump(now);
  }

  /** Apply the peer's description. Throws `DataChannelError` (`bad-sdp`, `invalid-state`). */
  setRemoteDescription(type: 'offer' | 'answer', sdp: string, now: number): void {
    this.now = now;
    this.assertOpen('setRemoteDescription');
    // W3C §4.4.1.5: a remote offer while ours is pending rolls ours back (perfect negotiation)
    if (type === 'offer' && this.signalingState === 'have-local-offer') this.rollback(now);
    if (type === 'offer' && this.signalingState !== 'stable' && this.signalingState !== 'have-remote-offer') {
      throw new DataChannelError('invalid-state', `cannot set a remote offer in signaling state ${this.signalingState}`);
    }
    if (type === 'answer' && this.signalingState !== 'have-local-offer') {
      throw new DataChannelError('invalid-state', `cannot set a remote answer in signaling state ${this.signalingState}`);
    }
    const info = readRemoteDescription(sdp, this.settings.engines.parseCandidate);
    // RFC 8445 §9 / RFC 8839 §4.4.1.1.1: new remote credentials = the peer restarts ICE
    const remoteRestart = this.remote !== undefined && (info.iceUfrag !== this.remote.iceUfrag || info.icePwd !== this.remote.icePwd);
    if (type === 'answer' && info.setup === 'actpass') {
      throw new DataChannelError('bad-sdp', 'an answer must not use a=setup:actpass (RFC 8842 §5.3)');
    }
    const first = this.remote === undefined;
    if (type === 'offer' && this.signalingState === 'stable') {
      this.stableRemote = { info: this.remote, sdp: this.remoteSdp, type: this.remoteType };
    }
    this.remote = info;
    this.remoteSdp = sdp;
    this.remoteType = type;
    if (type === 'offer') {
      this.mid = info.mid;
      this.mLineIndex = info.mLineIndex;
      this.legacy = info.legacy;
      this.signalingState = 'have-remote-offer';
      this.ensureIce(false);
    } else {
      this.signalingState = 'stable';
    }
    this.channels.remoteMaxMessageSize = info.maxMessageSize;
    if (this.sctp !== undefined) this.sctp.remoteMaxMessageSize = info.maxMessageSize;
    const ice = this.ice!;
    if (remoteRestart && type === 'offer') {
      // the answerer restarts too: new local credentials before the new remote ones
      this.pendingCredentials ??= this.newCredentials();
      this.applyPendingCredentials(now);
    }
    if (first || remoteRestart || type === 'answer') ice.setRemoteCredentials(info.iceUfrag, info.icePwd, now);
    for (const c of info.candidates) this.addRemoteCandidate(c, now);
    if (info.endOfCandidates) this.addRemoteCandidate(null, now);
    if (this.signalingState === 'stable') this.negotiated(now);
    this.pump(now);
  }

  /** A trickled remote candidate (fields), or null for end-of-candidates. */
  addRemoteCandidate(candidate: IceCandidateFields | null, now: number): void {
    this.now = now;
    if (this.closed) return;
    if (this.remote === undefined) {
      throw new DataChannelError('invalid-state', 'addIceCandidate before setRemoteDescription');
    }
    // kept for getStats only; the ICE agent applies its own cap (maxRemoteCandidates)
    if (candidate !== null && this.remoteCandidateList.length < 128) this.remoteCandidateList.push(candidate);
    if (this.ice === undefined) {
      this.pendingRemoteCandidates.push(candidate);
      return;
    }
    this.ice.addRemoteCandidate(candidate, now);
    this.pump(now);
  }

  /**
   * Discard the pending offer (ours or the peer's) and return to `stable` (W3C "rollback").
   * The ICE agent keeps running: a role mismatch that results is resolved by ICE's role
   * conflict repair (RFC 8445 §7.3.1.1).
   */
  rollback(now: number): void {
    this.now = now;
    this.assertOpen('rollback');
    if (this.signalingState === 'have-local-offer') {
      this.localType = this.stableLocalType;
    } else if (this.signalingState === 'have-remote-offer') {
      const saved = this.stableRemote;
      this.remote = saved?.info ?? this.remote;
      this.remoteSdp = saved?.sdp ?? this.remoteSdp;
      this.remoteType = saved?.type ?? this.remoteType;
    } else {
      throw new DataChannelError('invalid-state', `nothing to roll back in signaling state ${this.signalingState}`);
    }
    this.signalingState = 'stable';
  }

  /**
   * W3C restartIce(): the next offer carries new ICE credentials (RFC 8445 §9); the connection
   * keeps using the selected pair until the new checks select one.
   */
  restartIce(): void {
    if (this.closed) return;
    this.pendingCredentials ??= this.newCredentials();
  }

  private newCredentials(): { ufrag: string; pwd: string } {
    return { ufrag: this.randomIceString(8), pwd: this.randomIceString(24) };
  }

  /** Adopt the pending credentials: restart the agent, gather (announce) the candidates again. */
  private applyPendingCredentials(now: number): void {
    const creds = this.pendingCredentials;
    if (creds === undefined) return;
    this.pendingCredentials = undefined;
    this.localUfrag = creds.ufrag;
    this.localPwd = creds.pwd;
    this.sessionVersion++;
    if (this.ice === undefined) return; // the agent will be created with them
    this.localCandidateText.length = 0;
    this.localCandidateList.length = 0;
    this.ice.restart(now, creds);
  }

  /** Our current description with the candidates gathered so far (W3C `localDescription`). */
  localDescription(): { type: 'offer' | 'answer'; sdp: string } | undefined {
    if (this.localType === undefined) return undefined;
    return { type: this.localType, sdp: this.describe(this.localType, this.localSetup, true) };
  }

  remoteDescription(): { type: 'offer' | 'answer'; sdp: string } | undefined {
    if (this.remoteType === undefined || this.remoteSdp === undefined) return undefined;
    return { type: this.remoteType, sdp: this.remoteSdp };
  }

  get sdpMid(): string {
    return this.mid;
  }

  get sdpMLineIndex(): number {
    return this.mLineIndex;
  }

  // ---- driver inputs ----

  /** A bound socket (host candidate). Candidates appear once gathering starts (setLocalDescription). */
  /**
   * A bound local address. `linkMtu`: the MTU of its interface (the driver reads it), which
   * bounds the SCTP packet size PLPMTUD probes for on a pair that uses this address.
   */
  addLocalAddress(address: TransportAddress, now: number, linkMtu?: number): void {
    this.now = now;
    this.localAddresses.push(address);
    if (linkMtu !== undefined) this.linkMtus.set(address.address, linkMtu);
    if (this.gatheringStarted && this.ice !== undefined) {
      this.ice.addLocalAddress(address, now);
      this.pump(now);
    }
  }

  handlePacket(bytes: Uint8Array, from: TransportAddress, to: TransportAddress, now: number): void {
    this.now = now;
    if (this.closed || this.ice === undefined) return;
    this.counters.packetsReceived++;
    this.counters.bytesReceived += bytes.length;
    this.ice.handlePacket(bytes, from, to, now);
    this.pump(now, true);
  }

  handleTimeout(now: number): void {
    this.now = now;
    if (this.closed) return;
    const ice = this.ice;
    const dtls = this.dtls;
    const sctp = this.sctp;
    let iceOnly = true;
    if (ice !== undefined && isDue(ice.nextDeadline(), now)) ice.handleTimeout(now);
    if (dtls !== undefined && isDue(dtls.nextDeadline(), now)) {
      iceOnly = false;
      dtls.handleTimeout(now);
    }
    if (sctp !== undefined && isDue(sctp.nextDeadline(), now)) {
      iceOnly = false;
      sctp.handleTimeout(now);
    }
    this.pump(now, iceOnly);
  }

  nextDeadline(): number | undefined {
    if (this.closed) return undefined;
    // called after every datagram: no allocation
    if (this.upperOutputIdle) return earliest(this.ice?.nextDeadline(), this.upperDeadline);
    return earliest(earliest(this.ice?.nextDeadline(), this.dtls?.nextDeadline()), this.sctp?.nextDeadline());
  }

  /** Next datagram to send: SCTP packets are pulled through DTLS and ICE one at a time. */
  pollTransmit(): IceTransmit | undefined {
    const t = this.outbox.length > 0 ? this.outbox.shift() : this.pullFromEngines();
    if (t !== undefined) {
      this.counters.packetsSent++;
      this.counters.bytesSent += t.data.length;
    }
    return t;
  }

  private pullFromEngines(): IceTransmit | undefined {
    const ice = this.ice;
    if (ice === undefined) return undefined;
    for (;;) {
      const t = ice.pollTransmit();
      if (t !== undefined) return t;
      const dtls = this.dtls;
      if (dtls === undefined || this.upperOutputIdle) return undefined;
      // pollTransmit may queue events (SCTP): the next pump polls the event queues again
      this.upperEventsIdle = false;
      let record = dtls.pollTransmit();
      if (record === undefined && this.sctp !== undefined && this.dtlsState === 'connected') {
        const packet = this.sctp.pollTransmit();
        if (packet === undefined) return this.upperIdle(dtls);
        try {
          dtls.send(packet, this.now);
        } catch {
          // DTLS ended and its event is not processed yet: the packet is lost, as on the wire
          this.counters.packetsDropped++;
          continue;
        }
        record = dtls.pollTransmit();
      }
      if (record === undefined) return this.sctp !== undefined && this.dtlsState === 'connected' ? undefined : this.upperIdle(dtls);
      ice.send(record, this.now);
    }
  }

  /** DTLS (and SCTP, if it runs) returned no datagram: skip them until their next input. */
  private upperIdle(dtls: DtlsEndpointPort): undefined {
    this.upperOutputIdle = true;
    this.upperDeadline = earliest(dtls.nextDeadline(), this.sctp?.nextDeadline());
    return undefined;
  }

  pollEvent(): PeerConnectionCoreEvent | undefined {
    return this.events.poll();
  }

  /** STUN/TURN servers (resolved by the driver); used when the ICE agent is created. */
  setIceServers(stunServers: TransportAddress[], turnServers: NonNullable<PeerConnectionCoreSettings['turnServers']>): void {
    this.settings.stunServers = stunServers;
    this.settings.turnServers = turnServers;
  }

  // ---- data channels ----

  createDataChannel(options: DataChannelOptions, now: number): ManagedChannel {
    this.now = now;
    this.assertOpen('createDataChannel');
    const channel = this.channels.createChannel(options, now);
    this.pump(now);
    return channel;
  }

  sendOnChannel(channel: ManagedChannel, data: Uint8Array, binary: boolean, now: number, transfer = false): void {
    this.now = now;
    this.channels.send(channel, data, binary, now, transfer);
    this.pump(now);
  }

  closeChannel(channel: ManagedChannel, now: number): void {
    this.now = now;
    this.channels.close(channel, now);
    this.pump(now);
  }

  /**
   * Close everything: SCTP SHUTDOWN (graceful) or ABORT, DTLS close_notify, ICE stops.
   * The goodbye datagrams stay in `pollTransmit()`; no event follows except the channels' closes.
   */
  close(now: number, graceful = true): void {
    this.now = now;
    if (this.closed) return;
    this.upperInput();
    if (this.sctp !== undefined && this.dtlsState === 'connected') {
      try {
        if (graceful) this.sctp.shutdown(now);
        else this.sctp.abort('peer connection closed', now);
      } catch {
        // already closing
      }
      this.flushInto(this.outbox);
    }
    if (this.dtls !== undefined) {
      try {
        this.dtls.close(now);
      } catch {
        // not connected: nothing to say
      }
      this.upperInput(); // close_notify is queued in DTLS now
      this.flushInto(this.outbox);
    }
    this.ice?.close(now);
    this.flushInto(this.outbox);
    this.closed = true;
    this.channels.transportClosed();
    this.drainChannels();
    this.signalingState = 'closed';
    this.iceConnectionState = 'closed';
    this.connectionState = 'closed';
    this.dtlsState = 'closed';
  }

  get isClosed(): boolean {
    return this.closed;
  }

  stats(): PeerConnectionCoreStats {
    return {
      ...this.counters,
      selectedLocal: this.selectedLocal,
      selectedRemote: this.selectedRemote,
      localCandidates: [...this.localCandidateList],
      remoteCandidates: [...this.remoteCandidateList],
      dtlsState: this.dtlsState,
      dtlsRole: this.dtlsRole,
      sctpConnected: this.sctpConnected,
      dtlsCipherSuite: this.dtlsCipherSuite,
      roundTripTime: this.selectedPairRtt(),
    };
  }

  // ---- internals ----

  private selectedPairRtt(): number | undefined {
    const l = this.selectedLocal;
    const r = this.selectedRemote;
    if (l === undefined || r === undefined) return undefined;
    const pairs = this.ice?.stats?.().pairs ?? [];
    const key = (c: IceCandidateFields) => `${c.type} ${c.address}:${c.port}`;
    const exact = pairs.find((p) => p.local === key(l) && p.remote === key(r) && p.rtt !== undefined);
    return (exact ?? pairs.find((p) => p.nominated && p.rtt !== undefined))?.rtt;
  }

  /** Copy every pending datagram out (used when closing, before the engines are told to stop). */
  private flushInto(out: IceTransmit[]): void {
    for (let t = this.pullFromEngines(); t !== undefined; t = this.pullFromEngines()) {
      out.push({ data: copyBytes(t.data), from: t.from, to: t.to });
    }
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new DataChannelError('invalid-state', `${what} on a closed peer connection`);
  }

  /**
   * a=setup of our next description. Offers say actpass; answers take the role already
   * negotiated (RFC 8842 §5.5: no DTLS role change without a new association), else choose.
   */
  private setupFor(type: 'offer' | 'answer'): SetupRole {
    if (type === 'offer') return 'actpass';
    if (this.dtlsRole !== undefined) return this.dtlsRole === 'client' ? 'active' : 'passive';
    return this.answerSetupFor(this.remote?.setup);
  }

  private answerSetupFor(remoteSetup: SetupRole | undefined): SetupRole {
    // RFC 8842 §5.3 / RFC 4145 §4: active ↔ passive; actpass lets us choose.
    if (remoteSetup === 'active') return 'passive';
    if (remoteSetup === 'passive') return 'active';
    return this.settings.answerSetup;
  }

  private describe(type: 'offer' | 'answer', setup: SetupRole, withCandidates = false): string {
    const fingerprint = (this.fingerprint ??= this.settings.certificate.fingerprint('sha-256'));
    const useCandidates = withCandidates || this.gatheringStarted;
    return writeLocalDescription({
      type,
      sessionId: this.sessionId,
      sessionVersion: this.sessionVersion,
      iceUfrag: withCandidates ? this.localUfrag : (this.pendingCredentials?.ufrag ?? this.localUfrag),
      icePwd: withCandidates ? this.localPwd : (this.pendingCredentials?.pwd ?? this.localPwd),
      iceLite: this.settings.iceLite,
      fingerprints: [fingerprint],
      setup,
      mid: this.mid,
      sctpPort: this.settings.sctpPort,
      maxMessageSize: this.settings.maxMessageSize,
      maxDatagram: MAX_RECEIVE_DATAGRAM,
      legacy: type === 'answer' && this.legacy,
      offerSections: type === 'answer' ? this.remote?.sections : undefined,
      candidates: useCandidates ? this.localCandidateText : [],
      endOfCandidates: useCandidates && this.iceGatheringState === 'complete',
      defaultAddress: useCandidates ? this.defaultCandidate() : undefined,
    });
  }

  private defaultCandidate(): { address: string; port: number; family: 4 | 6 } | undefined {
    const c = this.localCandidateList[0];
    if (c === undefined) return undefined;
    return { address: c.address, port: c.port, family: c.address.includes(':') ? 6 : 4 };
  }

  private ensureIce(offerer: boolean): void {
    if (this.ice !== undefined) return;
    const lite = this.settings.iceLite;
    const remoteLite = this.remote?.iceLite ?? false;
    this.ice = this.settings.engines.createIceAgent({
      controlling: lite ? false : offerer || remoteLite,
      lite,
      localUfrag: this.localUfrag,
      localPwd: this.localPwd,
      random: this.settings.random,
      stunServers: this.settings.stunServers ?? [],
      turnServers: this.settings.turnServers ?? [],
      iceTransportPolicy: this.settings.iceTransportPolicy,
    }, this.now);
    if (this.remote !== undefined) this.ice.setRemoteCredentials(this.remote.iceUfrag, this.remote.icePwd);
    for (const c of this.pendingRemoteCandidates.splice(0)) this.ice.addRemoteCandidate(c, this.now);
  }

  private startGathering(now: number): void {
    if (this.gatheringStarted || this.ice === undefined) return;
    this.gatheringStarted = true;
    for (const a of this.localAddresses) this.ice.addLocalAddress(a, now);
  }

  /** Both descriptions are applied: create the DTLS endpoint with the negotiated role. */
  private negotiated(now: number): void {
    if (this.dtls !== undefined || this.remote === undefined || this.localType === undefined) return;
    const remoteSetup = this.remote.setup;
    let role: 'client' | 'server';
    if (this.localType === 'offer') {
      // we offered actpass: the answerer chose
      role = remoteSetup === 'passive' ? 'client' : 'server';
    } else {
      role = this.localSetup === 'active' ? 'client' : 'server';
    }
    this.dtlsRole = role;
    this.channels.setRole(role);
    this.dtls = this.settings.engines.createDtlsEndpoint({
      role,
      certificate: this.settings.certificate,
      remoteFingerprints: this.remote.fingerprints,
      random: this.settings.random,
    }, now);
    if (this.iceConnectionState === 'connected' || this.iceConnectionState === 'completed') this.startDtls(now);
  }

  /** DTLS, SCTP or the channels may have had input: poll them all again. */
  private upperInput(): void {
    this.upperOutputIdle = false;
    this.upperEventsIdle = false;
  }

  /**
   * Drain the engines' events (CONVENTIONS.md drain rule). `iceOnly`: only the ICE agent had
   * input (a datagram, or its own deadline): while ICE emits no event, DTLS and SCTP received
   * nothing, so queues they were last seen to have empty are not polled again.
   */
  private pump(now: number, iceOnly = false): void {
    if (!iceOnly) this.upperInput();
    for (let progress = true; progress;) {
      progress = false;
      const ice = this.ice;
      if (ice !== undefined) {
        for (let e = ice.pollEvent(); e !== undefined; e = ice.pollEvent()) {
          progress = true;
          // 'data' feeds DTLS, a state change may start it: everything is polled from here on
          this.upperInput();
          this.handleIceEvent(e, now);
        }
      }
      const dtls = this.upperEventsIdle ? undefined : this.dtls;
      if (dtls !== undefined) {
        for (let e = dtls.pollEvent(); e !== undefined; e = dtls.pollEvent()) {
          progress = true;
          this.upperInput();
          this.handleDtlsEvent(e, now);
        }
      }
      const sctp = this.upperEventsIdle ? undefined : this.sctp;
      if (sctp !== undefined) {
        for (let e = sctp.pollEvent(); e !== undefined; e = sctp.pollEvent()) {
          progress = true;
          this.upperInput();
          if (e.type === 'connected') this.sctpConnected = true;
          this.channels.handleSctpEvent(e, now);
          if (e.type === 'closed' || e.type === 'aborted') {
            this.sctpConnected = false;
            this.transportClosed(e.type === 'aborted' ? `SCTP aborted: ${e.reason}` : 'SCTP shut down');
          }
        }
      }
      if (this.drainChannels()) progress = true;
      // a pass without progress polled every queue to empty
      if (!progress) this.upperEventsIdle = true;
    }
    this.updateConnectionState();
  }

  private drainChannels(): boolean {
    let any = false;
    for (let e = this.channels.pollEvent(); e !== undefined; e = this.channels.pollEvent()) {
      any = true;
      this.events.push(e);
    }
    return any;
  }

  private handleIceEvent(e: NonNullable<ReturnType<IceAgentPort['pollEvent']>>, now: number): void {
    switch (e.type) {
      case 'data':
        if (this.dtls !== undefined && this.dtlsStarted) {
          this.dtls.handleDatagram(e.data, now);
        } else if (this.earlyDatagrams.length < this.settings.maxEarlyDatagrams) {
          // no DTLS yet, or ICE has no pair to answer on: a flight sent now would be lost
          this.earlyDatagrams.push(copyBytes(e.data));
        }
        return;
      case 'candidate': {
        const text = this.settings.engines.writeCandidate(e.candidate);
        this.localCandidateList.push(e.candidate);
        this.localCandidateText.push(text);
        this.events.push({ type: 'ice-candidate', candidate: text, sdpMid: this.mid, sdpMLineIndex: this.mLineIndex });
        return;
      }
      case 'gathering-state':
        if (e.state === this.iceGatheringState) return;
        this.iceGatheringState = e.state;
        this.events.push({ type: 'ice-gathering-state', state: e.state });
        if (e.state === 'complete') {
          this.events.push({ type: 'ice-candidate', candidate: null, sdpMid: this.mid, sdpMLineIndex: this.mLineIndex });
        }
        return;
      case 'connection-state':
        if (e.state === this.iceConnectionState) return;
        this.iceConnectionState = e.state;
        this.events.push({ type: 'ice-connection-state', state: e.state });
        if (e.state === 'connected' || e.state === 'completed') this.startDtls(now);
        return;
      case 'selected-pair':
        this.selectedLocal = e.local;
        this.selectedRemote = e.remote;
        return;
      case 'role':
        return;
    }
  }

  /**
   * Once ICE has a pair to send on (a valid one: the peer's ClientHello may have come before),
   * the DTLS client sends its ClientHello and the datagrams held so far are handed to DTLS.
   */
  private startDtls(now: number): void {
    if (this.dtls === undefined || this.dtlsStarted) return;
    this.dtlsStarted = true;
    if (this.dtlsState === 'new') this.dtlsState = 'connecting';
    if (this.dtlsRole === 'client') this.dtls.start(now);
    for (const d of this.earlyDatagrams.splice(0)) this.dtls.handleDatagram(d, now);
  }

  private handleDtlsEvent(e: NonNullable<ReturnType<DtlsEndpointPort['pollEvent']>>, now: number): void {
    switch (e.type) {
      case 'connected': {
        this.dtlsState = 'connected';
        this.dtlsCipherSuite = e.cipherSuite;
        const remote = this.remote!;
        const sctp = this.settings.engines.createSctpAssociation({
          localPort: this.settings.sctpPort,
          remotePort: remote.sctpPort,
          random: this.settings.random,
          maxMessageSize: this.settings.maxMessageSize,
          // one SCTP packet fills one DTLS record of a full datagram (RFC 8261 §5)
          mtu: sctpMtu(this.dtls),
          // PLPMTUD (RFC 8261 §5, RFC 8899 §6.2) searches up to what the local link carries
          maxMtu: sctpMaxMtu(this.selectedLocal, this.linkMtus, this.dtls, remote.maxDatagram),
          // RFC 9653 zero checksum saves CRC32c (with 16 KiB packets, ~15 % of the CPU of a
          // loopback transfer), but announcing it breaks pion/sctp < 1.8.7, which rejects an INIT
          // with any parameter it does not know (pion/sctp#298; /work/shared/peers/pion/build.sh):
          // on only toward a peer whose description shows it is tsrtc (a=tsrtc-max-datagram), off
          // otherwise, as in Chrome; `tsrtc.engines.sctp.zeroChecksum` decides when set.
          zeroChecksum: remote.maxDatagram !== undefined,
          rtoInitial: sctpInitialRto(this.selectedPairRtt()),
        }, now);
        sctp.remoteMaxMessageSize = remote.maxMessageSize;
        this.sctp = sctp;
        this.channels.attach(sctp, now); // OPENs of existing channels ride with the COOKIE ECHO
        // Both ends send INIT, as Chrome (dcSCTP) and libdatachannel (usrsctp) do: aiortc waits
        // for an INIT when it is ICE-controlled, whatever its DTLS role. Crossing INITs are
        // resolved by SCTP (RFC 9260 §5.2.1).
        sctp.connect(now);
        return;
      }
      case 'data':
        this.sctp?.handlePacket(e.data, now);
        return;
      case 'closed':
        this.dtlsState = 'closed';
        this.channels.transportClosed();
        this.transportClosed('DTLS close_notify received');
        return;
      case 'failed':
        this.dtlsState = 'failed';
        this.channels.transportClosed(`DTLS failed: ${e.reason}`);
        this.transportClosed(`DTLS failed: ${e.reason}`);
        return;
    }
  }

  /** W3C webrtc-pc §4.4.3 RTCPeerConnectionState, evaluated in the spec's order. */
  private transportEnded = false;

  private transportClosed(reason: string): void {
    if (this.transportEnded) return;
    this.transportEnded = true;
    this.events.push({ type: 'transport-closed', reason });
  }

  /** Start a graceful SCTP SHUTDOWN (RFC 9260 §9.2); `transport-closed` follows when it completes. */
  shutdown(now: number): void {
    this.now = now;
    if (this.closed || this.sctp === undefined || !this.sctpConnected) return;
    try {
      this.sctp.shutdown(now);
    } catch {
      // already shutting down
    }
    this.pump(now);
  }

  /** The ICE agent (the server endpoint registers it with its IceMux). */
  get iceAgent(): IceAgentPort | undefined {
    return this.ice;
  }

  /** A datagram was delivered to the ICE agent directly (by an IceMux): account for it and process. */
  handleDeliveredPacket(length: number, now: number): void {
    this.now = now;
    this.counters.packetsReceived++;
    this.counters.bytesReceived += length;
    this.pump(now, true);
  }

  private updateConnectionState(): void {
    if (this.closed) return;
    const ice = this.iceConnectionState;
    const dtls = this.dtlsState;
    let state: RTCPeerConnectionState;
    if (ice === 'failed' || dtls === 'failed') state = 'failed';
    else if (ice === 'disconnected') state = 'disconnected';
    else if ((ice === 'new' || ice === 'closed') && (dtls === 'new' || dtls === 'closed')) state = 'new';
    else if (ice === 'new' || ice === 'checking' || dtls === 'new' || dtls === 'connecting') state = 'connecting';
    else state = 'connected';
    if (state !== this.connectionState) {
      this.connectionState = state;
      this.events.push({ type: 'connection-state', state });
    }
  }

  private randomIceString(length: number): string {
    const bytes = new Uint8Array(length);
    this.settings.random(bytes);
    let s = '';
    for (let i = 0; i < length; i++) s += ICE_CHARS[bytes[i] & 63];
    return s;
  }
}

/** DTLS plaintext limit (RFC 6347 §4.1 / RFC 5246 §6.2.1: 2^14): one SCTP packet is one record. */
const MAX_RECORD_PLAINTEXT = 16384;
/** the largest datagram we receive (the UDP driver reads up to 64 KiB), our a=tsrtc-max-datagram */
const MAX_RECEIVE_DATAGRAM = 65535;
/** interface MTU assumed when the driver could not read it, and beyond a TURN server */
const DEFAULT_LINK_MTU = 1500;
/**
 * TURN framing on a relayed pair: a Send indication (RFC 8656 §11: 20-byte header,
 * XOR-PEER-ADDRESS of 12 or 24 bytes, DATA header of 4, up to 3 padding) until a channel is bound,
 * then ChannelData (4 bytes, RFC 8656 §12.4); the larger one.
 */
const TURN_OVERHEAD = 20 + 24 + 4 + 3;

/**
 * Largest SCTP packet PLPMTUD probes for: the selected local address's interface MTU less the
 * IP and UDP headers (28 for IPv4, 48 for IPv6), TURN framing on a relayed pair and one DTLS
 * record's overhead; at most one record, and at most the datagram the peer accepts (its
 * a=tsrtc-max-datagram). Never a datagram the local IP layer would fragment (Node cannot set
 * DF). Whatever lies beyond the first link is left to the probes.
 *
 * A peer that does not announce a=tsrtc-max-datagram gets no probes (undefined: maxMtu = mtu):
 * a probe is harmless only to a receiver that drops what it cannot take, and two common ones
 * break instead. libwebrtc (Chrome, Safari, @roamhq/wrtc) queues received DTLS datagrams in
 * 2048-byte buffers (kMaxDtlsPacketLen): a larger one wedges the queue for good (seen with wrtc:
 * one 2137-byte probe, then no DATA acknowledged ever again). aiortc reads 1500 bytes of
 * plaintext per datagram (`ssl.recv(1500)`): the rest of a larger record comes out with the
 * next datagram, and every packet after it fails its checksum.
 */
function sctpMaxMtu(local: IceCandidateFields | undefined, linkMtus: ReadonlyMap<string, number>, dtls: DtlsEndpointPort | undefined, remoteMaxDatagram: number | undefined): number | undefined {
  const overhead = dtls?.recordOverhead;
  if (local === undefined || overhead === undefined || remoteMaxDatagram === undefined) return undefined;
  const relayed = local.type === 'relay';
  let link = (relayed ? undefined : linkMtus.get(local.address)) ?? (local.relatedAddress !== undefined ? linkMtus.get(local.relatedAddress) : undefined) ?? DEFAULT_LINK_MTU;
  if (relayed) link = Math.min(link, DEFAULT_LINK_MTU) - TURN_OVERHEAD;
  const ipUdp = local.address.includes(':') ? 48 : 28;
  return Math.min(MAX_RECORD_PLAINTEXT, link - ipUdp - overhead, remoteMaxDatagram - overhead);
}

/**
 * SCTP's RTO.Initial (RFC 9260 §6.3.1 C1: the RTO until the association measured a round trip),
 * from the round trip ICE measured on the same pair: 4 × RTT, at least 250 ms (a peer may delay
 * the SACK of the DCEP OPEN by up to 200 ms, RFC 9260 §6.2), at most SCTP's default (500 ms, as
 * dcSCTP). A COOKIE ECHO, with the OPEN it carries, lost at setup then costs 250 ms on a LAN
 * instead of 500. Undefined (the default) when ICE has no RTT.
 */
function sctpInitialRto(iceRtt: number | undefined): number | undefined {
  return iceRtt === undefined ? undefined : Math.min(SCTP_DEFAULT_RTO_INITIAL, Math.max(SCTP_MIN_SETUP_RTO, 4 * iceRtt));
}
const SCTP_DEFAULT_RTO_INITIAL = 500;
const SCTP_MIN_SETUP_RTO = 250;

/** Largest SCTP packet that fits one DTLS record in one datagram of the DTLS MTU (default 1200 − 37). */
function sctpMtu(dtls: DtlsEndpointPort | undefined): number | undefined {
  const mtu = dtls?.settings?.mtu;
  const overhead = dtls?.recordOverhead;
  return mtu !== undefined && overhead !== undefined ? mtu - overhead : undefined;
}
