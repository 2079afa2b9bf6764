/**
 * W3C webrtc-pc RTCPeerConnection, data channels only. The sans-IO PeerConnectionCore does the
 * protocol work; a UdpDriver owns the sockets and the timer; events reach the application from
 * the driver after it drained the engines (never from inside an engine).
 *
 * Non-standard configuration lives under `tsrtc` (addresses to bind, ICE-lite, DTLS role when
 * answering, max-message-size, engine settings).
 */
import type { DataChannelOptions } from '../data-channel-manager.js';
import { defaultEngines, type EngineSettings } from '../default-engines.js';
import { monotonicNow, secureRandom, wallClockNow } from '../driver/clock.js';
import { parseIceServerUrl, resolveServer } from '../driver/resolve.js';
import { UdpDriver } from '../driver/udp-driver.js';
import { interfaceMtu } from '../driver/interface-mtu.js';
import type { TransportAddress } from '../engines.js';
import { DataChannelError } from '../errors.js';
import {
  PeerConnectionCore, type RTCPeerConnectionState, type RTCSignalingState,
} from '../peer-connection-core.js';
import { PeerSession, type SessionEvent } from '../peer-session.js';
import type { RTCIceConnectionState, RTCIceGatheringState } from '../engines.js';
import { RTCIceCandidate, RTCSessionDescription, type RTCIceCandidateInit, type RTCSessionDescriptionInit } from './descriptions.js';
import { defineEventHandlers } from './event-handlers.js';
import { RTCDataChannelEvent, RTCPeerConnectionIceEvent } from './events.js';
import { RTCCertificate } from './rtc-certificate.js';
import type { RTCDataChannel } from './rtc-data-channel.js';
import { buildStatsReport } from './stats.js';

export interface RTCIceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface TsrtcPeerConnectionOptions {
  /** local addresses to bind, one UDP socket each (default 127.0.0.1 + non-internal IPv4 interfaces) */
  addresses?: string[];
  /** UDP port for the sockets (default 0 = ephemeral) */
  port?: number;
  /** ICE-lite (default false) */
  iceLite?: boolean;
  /** a=setup when answering an actpass offer (default 'active' = DTLS client, as Chrome) */
  answerSetup?: 'active' | 'passive';
  /** our a=max-message-size (default 262144) */
  maxMessageSize?: number;
  /** engine settings (DTLS MTU and timers, SCTP windows and timers, …) */
  engines?: EngineSettings;
  /**
   * DTLS identity without `certificates`: 'shared' (default; one process-wide certificate, see
   * `RTCCertificate.shared`) or 'per-connection' (a new one per RTCPeerConnection, ~0.4 ms).
   */
  certificate?: 'shared' | 'per-connection';
}

export interface RTCConfiguration {
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: 'all' | 'relay';
  bundlePolicy?: 'balanced' | 'max-compat' | 'max-bundle';
  rtcpMuxPolicy?: 'require';
  certificates?: RTCCertificate[];
  iceCandidatePoolSize?: number;
  tsrtc?: TsrtcPeerConnectionOptions;
}

export interface RTCDataChannelInit {
  ordered?: boolean;
  maxPacketLifeTime?: number | null;
  maxRetransmits?: number | null;
  protocol?: string;
  negotiated?: boolean;
  id?: number | null;
  priority?: 'very-low' | 'low' | 'medium' | 'high';
}

const PRIORITY = { 'very-low': 128, low: 256, medium: 512, high: 1024 } as const;
const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

function toDomException(e: unknown, fallback = 'OperationError'): unknown {
  if (e instanceof DataChannelError) {
    const name = e.code === 'invalid-state' ? 'InvalidStateError' : e.code === 'bad-sdp' ? 'OperationError' : fallback;
    return new DOMException(e.message, name);
  }
  if (e instanceof Error && (e as { layer?: string }).layer !== undefined) return new DOMException(e.message, fallback);
  return e;
}

interface ParsedServers {
  stun: { host: string; port: number }[];
  turn: { host: string; port: number; username: string; password: string }[];
}

/** Validate iceServers as the W3C constructor does (SyntaxError, InvalidAccessError). */
function parseIceServers(servers: RTCIceServer[] | undefined): { parsed: ParsedServers; urls: ReturnType<typeof parseIceServerUrl>[] } {
  const parsed: ParsedServers = { stun: [], turn: [] };
  const urls = [];
  for (const server of servers ?? []) {
    const list = typeof server.urls === 'string' ? [server.urls] : server.urls;
    if (!Array.isArray(list) || list.length === 0) throw new SyntaxError('RTCIceServer.urls is empty');
    for (const url of list) {
      const u = parseIceServerUrl(url);
      urls.push(u);
      if (u.scheme === 'stun' || u.scheme === 'stuns') {
        parsed.stun.push({ host: u.host, port: u.port });
      } else {
        if (server.username === undefined || server.credential === undefined) {
          throw new DOMException(`TURN server ${url} needs a username and a credential`, 'InvalidAccessError');
        }
        if (u.scheme === 'turn' && u.transport === 'udp') parsed.turn.push({ host: u.host, port: u.port, username: server.username, password: server.credential });
      }
    }
  }
  return { parsed, urls };
}

export interface RTCPeerConnection {
  onicecandidate: ((this: RTCPeerConnection, ev: RTCPeerConnectionIceEvent) => unknown) | null;
  onicecandidateerror: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  oniceconnectionstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  onicegatheringstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  onconnectionstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  onsignalingstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  onnegotiationneeded: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
  ondatachannel: ((this: RTCPeerConnection, ev: RTCDataChannelEvent) => unknown) | null;
  ontrack: ((this: RTCPeerConnection, ev: Event) => unknown) | null;
}

export class RTCPeerConnection extends EventTarget {
  readonly #session: PeerSession;
  readonly #core: PeerConnectionCore;
  readonly #certificate: RTCCertificate;
  readonly #configuration: RTCConfiguration;
  readonly #ready: Promise<void>;
  #driver: UdpDriver | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #closed = false;
  #negotiationNeeded = false;
  #dataChannelsOpened = 0;
  #dataChannelsClosed = 0;
  #lastLocal: { type: 'offer' | 'answer'; sdp: string } | undefined;

  static generateCertificate(keygenAlgorithm: string | { name: string; namedCurve?: string; expires?: number }): Promise<RTCCertificate> {
    try {
      return Promise.resolve(RTCCertificate.generate(keygenAlgorithm));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  constructor(configuration: RTCConfiguration = {}) {
    super();
    this.#configuration = { ...configuration };
    const { parsed } = parseIceServers(configuration.iceServers);
    const certificate = configuration.certificates?.[0];
    if (certificate !== undefined && !(certificate instanceof RTCCertificate)) {
      throw new TypeError('certificates must be RTCCertificate objects from RTCPeerConnection.generateCertificate');
    }
    if (certificate !== undefined && certificate.expires <= wallClockNow()) {
      throw new DOMException('the certificate has expired', 'InvalidAccessError');
    }
    const ts = configuration.tsrtc ?? {};
    this.#certificate = certificate ??
      (ts.certificate === 'per-connection' ? RTCCertificate.generate({ name: 'ECDSA', namedCurve: 'P-256' }) : RTCCertificate.shared());
    this.#core = new PeerConnectionCore({
      engines: defaultEngines(ts.engines),
      certificate: this.#certificate._dtls,
      random: secureRandom,
      iceLite: ts.iceLite,
      answerSetup: ts.answerSetup,
      maxMessageSize: ts.maxMessageSize,
      iceTransportPolicy: configuration.iceTransportPolicy,
    }, monotonicNow());
    this.#session = new PeerSession(this.#core);
    this.#session.onEvent = (e) => this.#onEvent(e);
    this.#ready = this.#start(parsed, ts);
    this.#ready.catch(() => {});
  }

  async #start(servers: ParsedServers, ts: TsrtcPeerConnectionOptions): Promise<void> {
    const stun: TransportAddress[] = [];
    const turn: { address: TransportAddress; username: string; password: string; transport: 'udp' }[] = [];
    for (const s of servers.stun) {
      try {
        stun.push(await resolveServer({ scheme: 'stun', host: s.host, port: s.port, transport: 'udp' }));
      } catch {
        // unresolvable server: gathering proceeds without it (W3C: icecandidateerror)
        this.dispatchEvent(new Event('icecandidateerror'));
      }
    }
    for (const s of servers.turn) {
      try {
        const address = await resolveServer({ scheme: 'turn', host: s.host, port: s.port, transport: 'udp' });
        turn.push({ address, username: s.username, password: s.password, transport: 'udp' });
      } catch {
        this.dispatchEvent(new Event('icecandidateerror'));
      }
    }
    this.#core.setIceServers(stun, turn);
    let driver: UdpDriver;
    try {
      driver = await UdpDriver.open({ addresses: ts.addresses, port: ts.port });
    } catch (e) {
      // no socket could be bound: no candidates will come (W3C: icecandidateerror)
      const ev = new Event('icecandidateerror') as Event & { errorText?: string };
      ev.errorText = `cannot bind UDP sockets: ${(e as Error).message}`;
      if (!this.#closed) this.dispatchEvent(ev);
      return;
    }
    if (this.#closed) {
      driver.close();
      return;
    }
    this.#driver = driver;
    this.#session.driver = driver;
    const core = this.#core;
    const session = this.#session;
    driver.router = (bytes, from, to, now) => {
      session.handlePacket(bytes, from, to, now);
      return session;
    };
    session.onInternalError = (e) => {
      // an engine bug: report it and end this connection rather than the process
      process.emitWarning(`tsrtc: RTCPeerConnection closed after an internal error: ${(e as Error)?.stack ?? e}`);
      this.close();
    };
    for (const a of driver.localAddresses) core.addLocalAddress(a, driver.now(), interfaceMtu(a.address));
    driver.service(session);
  }

  /** Run `op` on the W3C operations chain (one at a time, in call order). */
  #enqueue<T>(op: () => T | Promise<T>): Promise<T> {
    const run = this.#chain.then(() => {
      if (this.#closed) throw new DOMException('the RTCPeerConnection is closed', 'InvalidStateError');
      return op();
    });
    this.#chain = run.catch(() => {});
    return run;
  }

  // ---- attributes ----

  get signalingState(): RTCSignalingState {
    return this.#core.signalingState;
  }
  get iceGatheringState(): RTCIceGatheringState {
    return this.#core.iceGatheringState;
  }
  get iceConnectionState(): RTCIceConnectionState {
    return this.#closed ? 'closed' : this.#core.iceConnectionState;
  }
  get connectionState(): RTCPeerConnectionState {
    return this.#closed ? 'closed' : this.#core.connectionState;
  }
  get localDescription(): RTCSessionDescription | null {
    const d = this.#core.localDescription();
    return d === undefined ? null : new RTCSessionDescription(d);
  }
  get currentLocalDescription(): RTCSessionDescription | null {
    return this.#core.signalingState === 'stable' ? this.localDescription : null;
  }
  get pendingLocalDescription(): RTCSessionDescription | null {
    return this.#core.signalingState === 'have-local-offer' ? this.localDescription : null;
  }
  get remoteDescription(): RTCSessionDescription | null {
    const d = this.#core.remoteDescription();
    return d === undefined ? null : new RTCSessionDescription(d);
  }
  get currentRemoteDescription(): RTCSessionDescription | null {
    return this.#core.signalingState === 'stable' ? this.remoteDescription : null;
  }
  get pendingRemoteDescription(): RTCSessionDescription | null {
    return this.#core.signalingState === 'have-remote-offer' ? this.remoteDescription : null;
  }
  get canTrickleIceCandidates(): boolean | null {
    const r = this.#core.remote;
    return r === undefined ? null : r.iceOptions.includes('trickle');
  }
  /** RTCSctpTransport, reduced to what applications read. */
  get sctp(): { maxMessageSize: number; maxChannels: number | null; state: string } | null {
    if (this.#core.remote === undefined) return null;
    const remoteMax = this.#core.channels.remoteMaxMessageSize;
    return {
      maxMessageSize: remoteMax === 0 ? Infinity : remoteMax,
      maxChannels: this.#core.channels.isConnected ? 65535 : null,
      state: this.#core.channels.isConnected ? 'connected' : 'connecting',
    };
  }

  getConfiguration(): RTCConfiguration {
    return { ...this.#configuration, certificates: [this.#certificate] };
  }

  setConfiguration(configuration: RTCConfiguration): void {
    if (this.#closed) throw new DOMException('the RTCPeerConnection is closed', 'InvalidStateError');
    parseIceServers(configuration.iceServers);
    Object.assign(this.#configuration, configuration);
  }

  // ---- JSEP ----

  createOffer(_options?: unknown): Promise<RTCSessionDescriptionInit> {
    return this.#enqueue(() => {
      try {
        return { type: 'offer' as const, sdp: this.#core.createOffer() };
      } catch (e) {
        throw toDomException(e);
      }
    });
  }

  createAnswer(_options?: unknown): Promise<RTCSessionDescriptionInit> {
    return this.#enqueue(() => {
      try {
        return { type: 'answer' as const, sdp: this.#core.createAnswer() };
      } catch (e) {
        throw toDomException(e);
      }
    });
  }

  /** With no argument (or no type), the type follows the signaling state (W3C "implicit" SLD). */
  setLocalDescription(description?: RTCSessionDescriptionInit): Promise<void> {
    return this.#enqueue(() => {
      const state = this.#core.signalingState;
      const type = description?.type ?? (state === 'have-remote-offer' ? 'answer' : 'offer');
      if (type === 'rollback') return this.#rollback();
      if (type === 'pranswer') {
        throw new DOMException('setLocalDescription: type "pranswer" is not supported', 'OperationError');
      }
      if (type !== 'offer' && type !== 'answer') throw new TypeError(`"${String(type)}" is not a valid RTCSdpType`);
      const before = this.#core.signalingState;
      try {
        this.#core.setLocalDescription(type, this.#session.now());
      } catch (e) {
        throw toDomException(e);
      }
      this.#lastLocal = { type, sdp: description?.sdp ?? '' };
      if (before !== this.#core.signalingState) this.dispatchEvent(new Event('signalingstatechange'));
      this.#session.kick();
    });
  }

  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    return this.#enqueue(() => {
      if (description === null || typeof description !== 'object') throw new TypeError('setRemoteDescription needs an RTCSessionDescriptionInit');
      const type = description.type;
      if (type === 'rollback') return this.#rollback();
      if (type === 'pranswer') {
        throw new DOMException('setRemoteDescription: type "pranswer" is not supported', 'OperationError');
      }
      if (type !== 'offer' && type !== 'answer') throw new TypeError(`"${String(type)}" is not a valid RTCSdpType`);
      if (typeof description.sdp !== 'string') throw new TypeError('setRemoteDescription: sdp must be a string');
      const before = this.#core.signalingState;
      try {
        this.#core.setRemoteDescription(type, description.sdp, this.#session.now());
      } catch (e) {
        throw toDomException(e);
      }
      if (before !== this.#core.signalingState) this.dispatchEvent(new Event('signalingstatechange'));
      this.#session.kick();
    });
  }

  #rollback(): void {
    try {
      this.#core.rollback(this.#session.now());
    } catch (e) {
      throw toDomException(e);
    }
    this.dispatchEvent(new Event('signalingstatechange'));
  }

  /** A trickled candidate; null / undefined / empty candidate = end of candidates. */
  addIceCandidate(candidate?: RTCIceCandidateInit | RTCIceCandidate | null): Promise<void> {
    return this.#enqueue(() => {
      if (this.#core.remote === undefined) {
        throw new DOMException('addIceCandidate before setRemoteDescription', 'InvalidStateError');
      }
      const text = candidate?.candidate ?? '';
      if (candidate != null && text !== '' && (candidate.sdpMid ?? null) === null && (candidate.sdpMLineIndex ?? null) === null) {
        throw new TypeError('addIceCandidate: sdpMid and sdpMLineIndex are both null');
      }
      if (text === '') {
        this.#core.addRemoteCandidate(null, this.#session.now());
      } else {
        let fields;
        try {
          fields = this.#core.settings.engines.parseCandidate(text);
        } catch (e) {
          throw new DOMException(`addIceCandidate: cannot parse "${text}": ${(e as Error).message}`, 'OperationError');
        }
        this.#core.addRemoteCandidate(fields, this.#session.now());
      }
      this.#session.kick();
    });
  }

  /** The next offer restarts ICE (new credentials); fires negotiationneeded. */
  restartIce(): void {
    if (this.#closed) return;
    this.#core.restartIce();
    queueMicrotask(() => {
      if (!this.#closed && this.#core.signalingState === 'stable') this.dispatchEvent(new Event('negotiationneeded'));
    });
  }

  // ---- data channels ----

  createDataChannel(label: string, init: RTCDataChannelInit = {}): RTCDataChannel {
    if (this.#closed) throw new DOMException('createDataChannel on a closed RTCPeerConnection', 'InvalidStateError');
    label = String(label ?? '');
    const protocol = String(init.protocol ?? '');
    if (utf8Length(label) > 65535) throw new TypeError('createDataChannel: label is longer than 65535 bytes');
    if (utf8Length(protocol) > 65535) throw new TypeError('createDataChannel: protocol is longer than 65535 bytes');
    const maxRetransmits = init.maxRetransmits ?? null;
    const maxPacketLifeTime = init.maxPacketLifeTime ?? null;
    if (maxRetransmits !== null && maxPacketLifeTime !== null) {
      throw new TypeError('createDataChannel: maxRetransmits and maxPacketLifeTime cannot both be set');
    }
    const negotiated = init.negotiated ?? false;
    const id = init.id ?? null;
    if (negotiated && id === null) throw new TypeError('createDataChannel: a negotiated channel needs an id');
    if (id !== null && (!Number.isInteger(id) || id < 0 || id > 65534)) throw new TypeError(`createDataChannel: id ${id} is out of range 0..65534`);
    const options: DataChannelOptions = {
      label,
      protocol,
      ordered: init.ordered ?? true,
      maxRetransmits: maxRetransmits === null ? null : Math.min(Math.max(0, Math.trunc(maxRetransmits)), 65535),
      maxPacketLifeTime: maxPacketLifeTime === null ? null : Math.min(Math.max(0, Math.trunc(maxPacketLifeTime)), 65535),
      negotiated,
      id,
      priority: PRIORITY[init.priority ?? 'low'],
    };
    let channel;
    try {
      channel = this.#core.createDataChannel(options, this.#session.now());
    } catch (e) {
      if (e instanceof DataChannelError && e.code === 'bad-options') throw new TypeError(e.message);
      throw toDomException(e);
    }
    const w = this.#session.wrap(channel);
    w.addEventListener('open', () => this.#dataChannelsOpened++);
    w.addEventListener('close', () => this.#dataChannelsClosed++);
    if (!this.#negotiationNeeded && this.#core.remote === undefined && !negotiated) {
      this.#negotiationNeeded = true;
      queueMicrotask(() => {
        if (!this.#closed && this.#core.signalingState === 'stable') this.dispatchEvent(new Event('negotiationneeded'));
      });
    }
    this.#session.kick();
    return w;
  }

  // ---- media: not supported ----

  getSenders(): never[] {
    return [];
  }
  getReceivers(): never[] {
    return [];
  }
  getTransceivers(): never[] {
    return [];
  }
  addTrack(): never {
    throw new DOMException('tsrtc supports data channels only (no media tracks)', 'NotSupportedError');
  }
  addTransceiver(): never {
    throw new DOMException('tsrtc supports data channels only (no transceivers)', 'NotSupportedError');
  }
  removeTrack(): never {
    throw new DOMException('tsrtc supports data channels only (no media tracks)', 'NotSupportedError');
  }

  // ---- stats, close ----

  /** Promise form only; declared without parameters so `getStats.length === 0` (simple-peer checks it). */
  getStats(...selector: unknown[]): Promise<Map<string, Record<string, unknown>>> {
    void selector;
    return Promise.resolve(buildStatsReport({
      timestamp: wallClockNow(),
      core: this.#core,
      channels: this.#session.channels(),
      certificate: this.#certificate,
      dataChannelsOpened: this.#dataChannelsOpened,
      dataChannelsClosed: this.#dataChannelsClosed,
    }));
  }

  /**
   * Ends the connection abruptly, as the spec and browsers do (dcSCTP's Close sends ABORT): SCTP
   * ABORT, DTLS close_notify, sockets closed. No state events follow on this side.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const now = this.#session.now();
    this.#core.close(now, false);
    const driver = this.#driver;
    if (driver !== undefined) {
      driver.service(this.#session); // sends the goodbye datagrams, dispatches channel closes
      driver.unschedule(this.#session);
      driver.close();
    } else {
      this.#session.dispatchEvents();
    }
  }

  #onEvent(e: SessionEvent): void {
    if (this.#closed) return;
    switch (e.type) {
      case 'ice-candidate':
        this.dispatchEvent(new RTCPeerConnectionIceEvent('icecandidate', {
          candidate: e.candidate === null ? null : new RTCIceCandidate({
            candidate: e.candidate, sdpMid: e.sdpMid, sdpMLineIndex: e.sdpMLineIndex, usernameFragment: this.#core.localUfrag,
          }),
        }));
        return;
      case 'ice-gathering-state':
        this.dispatchEvent(new Event('icegatheringstatechange'));
        return;
      case 'ice-connection-state':
        this.dispatchEvent(new Event('iceconnectionstatechange'));
        return;
      case 'connection-state':
        this.dispatchEvent(new Event('connectionstatechange'));
        return;
      case 'datachannel':
        e.channel.addEventListener('close', () => this.#dataChannelsClosed++);
        this.#dataChannelsOpened++;
        this.dispatchEvent(new RTCDataChannelEvent('datachannel', { channel: e.channel }));
        return;
    }
  }

  /** @internal — tests and the endpoint look at the driver */
  get _ready(): Promise<void> {
    return this.#ready;
  }
}

defineEventHandlers(RTCPeerConnection.prototype, [
  'icecandidate', 'icecandidateerror', 'iceconnectionstatechange', 'icegatheringstatechange',
  'connectionstatechange', 'signalingstatechange', 'negotiationneeded', 'datachannel', 'track',
]);
