/**
 * The data-channel manager (RFC 8831, RFC 8832): a sans-IO engine over one SCTP association.
 *
 * - Stream ids: the DTLS client uses even ids, the server odd ids (RFC 8832 §6). Channels
 *   created before the DTLS role is known get their id when `setRole()` is called.
 * - In-band channels send DATA_CHANNEL_OPEN ordered and reliable on their own stream and are
 *   "open" as soon as it is sent; user messages go ordered until the ACK (or any message from
 *   the peer on that stream) arrives (RFC 8832 §6). Negotiated channels open with the association.
 *   An OPEN of a channel that exists when the association is attached is queued before the
 *   SCTP handshake, so it rides with the COOKIE ECHO (RFC 9260 §5.1); the channel still opens
 *   when the association is up.
 * - Messages: PPID 51 (string) / 53 (binary); an empty message is PPID 56 / 57 carrying one
 *   zero byte (RFC 8831 §6.6).
 * - Closing = resetting our outgoing stream (RFC 8831 §6.7, RFC 6525). On an incoming reset we
 *   reset our outgoing side too. A channel is closed, and its id free again, when both
 *   directions are reset.
 *
 * Inputs: `createChannel`, `send`, `close`, `setRole`, `attach`, `handleSctpEvent`.
 * Output: `pollEvent()` (the manager transmits only through the SCTP association it is attached to).
 * It never throws on network input: bad DCEP and messages on unknown streams are dropped and counted.
 */
import { channelTypeFor, decodeDcep, encodeDataChannelAck, encodeDataChannelOpen, reliabilityOf } from './dcep.js';
import { DataChannelError } from './errors.js';
import { EventQueue } from './event-queue.js';
import { Ppid, type SctpSendOptions, type SctpTransport, type SctpTransportEvent } from './sctp-transport.js';

export type DataChannelReadyState = 'connecting' | 'open' | 'closing' | 'closed';
export type DtlsRole = 'client' | 'server';

/** What `createChannel` takes (the W3C RTCDataChannelInit plus label). */
export interface DataChannelOptions {
  label?: string;
  protocol?: string;
  ordered?: boolean;
  maxRetransmits?: number | null;
  maxPacketLifeTime?: number | null;
  negotiated?: boolean;
  id?: number | null;
  /** RFC 8831 §6.4 priority; default 256 ("normal", what Chrome sends). */
  priority?: number;
}

/** One data channel as the manager sees it. Fields are read-only to the layers above. */
export class ManagedChannel {
  id: number | null;
  state: DataChannelReadyState = 'connecting';
  /** RFC 8832 §6: in-band opener, OPEN sent, no ACK yet → send ordered. */
  awaitingAck = false;
  /** the DATA_CHANNEL_OPEN is queued in the association (possibly before it connected) */
  openQueued = false;
  /** set when we reset our outgoing stream and the peer confirmed */
  outgoingReset = false;
  /** set when the peer reset its outgoing stream (our incoming) */
  incomingReset = false;
  /** our outgoing reset has been requested */
  resetRequested = false;
  messagesSent = 0;
  bytesSent = 0;
  messagesReceived = 0;
  bytesReceived = 0;
  bufferedAmountLowThreshold = 0;
  /** cached SCTP send options (RFC 8832 §6: ordered until the ACK) */
  optionsBeforeAck: SctpSendOptions | undefined;
  options: SctpSendOptions | undefined;

  constructor(
    readonly label: string,
    readonly protocol: string,
    readonly ordered: boolean,
    readonly maxRetransmits: number | null,
    readonly maxPacketLifeTime: number | null,
    readonly negotiated: boolean,
    readonly priority: number,
    id: number | null,
  ) {
    this.id = id;
  }
}

export type DataChannelManagerEvent =
  /** the peer opened an in-band channel (W3C `datachannel` event); `open` follows */
  | { type: 'datachannel'; channel: ManagedChannel }
  | { type: 'open'; channel: ManagedChannel }
  /** `data` is a copy the receiver owns; `binary` from the PPID */
  | { type: 'message'; channel: ManagedChannel; data: Uint8Array; binary: boolean }
  /** the peer started closing (incoming stream reset) */
  | { type: 'closing'; channel: ManagedChannel }
  | { type: 'closed'; channel: ManagedChannel }
  | { type: 'error'; channel: ManagedChannel; reason: string }
  | { type: 'buffered-amount-low'; channel: ManagedChannel };

export interface DataChannelManagerSettings {
  /** cap on channels open at once (incoming OPENs beyond it are refused by resetting the stream) */
  maxChannels?: number;
  /** highest stream id + 1 we use (RFC 8832: 65535 is reserved) */
  maxStreams?: number;
}

export const DEFAULT_DATA_CHANNEL_MANAGER_SETTINGS: Required<DataChannelManagerSettings> = {
  maxChannels: 65534,
  maxStreams: 65535,
};

export interface DataChannelManagerStats {
  channelsOpened: number;
  channelsClosed: number;
  messagesSent: number;
  bytesSent: number;
  messagesReceived: number;
  bytesReceived: number;
  /** messages for streams without a channel, deprecated PPIDs, unknown PPIDs */
  droppedMessages: number;
  /** undecodable DCEP, OPEN on a stream in use, ACK without OPEN */
  droppedDcep: number;
  refusedChannels: number;
}

const EMPTY_PAYLOAD = Uint8Array.of(0);

export class DataChannelManager {
  readonly settings: Required<DataChannelManagerSettings>;
  private readonly byId = new Map<number, ManagedChannel>();
  /** channels waiting for an id (created before the DTLS role was known) */
  private readonly unassigned: ManagedChannel[] = [];
  private readonly events = new EventQueue<DataChannelManagerEvent>();
  private role: DtlsRole | undefined;
  private sctp: SctpTransport | undefined;
  private connected = false;
  private transportGone = false;
  /** the peer's a=max-message-size; 0 = no limit (RFC 8841 §6) */
  remoteMaxMessageSize = 65536;
  private readonly counters: DataChannelManagerStats = {
    channelsOpened: 0, channelsClosed: 0, messagesSent: 0, bytesSent: 0, messagesReceived: 0,
    bytesReceived: 0, droppedMessages: 0, droppedDcep: 0, refusedChannels: 0,
  };

  constructor(settings: DataChannelManagerSettings = {}) {
    this.settings = { ...DEFAULT_DATA_CHANNEL_MANAGER_SETTINGS, ...settings };
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Channels that are not closed yet (any state but `closed`). */
  channels(): ManagedChannel[] {
    const all = [...this.byId.values()];
    for (const c of this.unassigned) all.push(c);
    return all;
  }

  stats(): DataChannelManagerStats {
    return { ...this.counters };
  }

  pollEvent(): DataChannelManagerEvent | undefined {
    return this.events.poll();
  }

  /**
   * Create a channel. Throws `DataChannelError`: `bad-id` (negotiated without id, or out of
   * range), `id-in-use`, `bad-options` (both maxRetransmits and maxPacketLifeTime),
   * `too-many-channels`, `closed` (transport gone).
   */
  createChannel(options: DataChannelOptions, now: number): ManagedChannel {
    if (this.transportGone) throw new DataChannelError('closed', 'the SCTP transport is closed');
    const maxRetransmits = options.maxRetransmits ?? null;
    const maxPacketLifeTime = options.maxPacketLifeTime ?? null;
    if (maxRetransmits !== null && maxPacketLifeTime !== null) {
      throw new DataChannelError('bad-options', 'maxRetransmits and maxPacketLifeTime cannot both be set');
    }
    for (const [name, v] of [['maxRetransmits', maxRetransmits], ['maxPacketLifeTime', maxPacketLifeTime]] as const) {
      if (v !== null && (!Number.isInteger(v) || v < 0 || v > 0xffff)) {
        throw new DataChannelError('bad-options', `${name} ${v} is not an unsigned short`);
      }
    }
    const negotiated = options.negotiated ?? false;
    let id = options.id ?? null;
    if (negotiated && id === null) throw new DataChannelError('bad-id', 'a negotiated channel needs an id');
    if (!negotiated) id = null;
    if (id !== null) {
      if (!Number.isInteger(id) || id < 0 || id >= this.settings.maxStreams) {
        throw new DataChannelError('bad-id', `channel id ${id} is out of range 0..${this.settings.maxStreams - 1}`);
      }
      if (this.byId.has(id)) throw new DataChannelError('id-in-use', `channel id ${id} is in use`);
    }
    if (this.byId.size + this.unassigned.length >= this.settings.maxChannels) {
      throw new DataChannelError('too-many-channels', `at most ${this.settings.maxChannels} channels`);
    }
    const label = options.label ?? '';
    const protocol = options.protocol ?? '';
    const priority = options.priority ?? 256;
    // validate lengths now, so misuse fails at creation and not when the OPEN is sent
    if (!negotiated) encodeDataChannelOpen({ ...channelTypeFor({ ordered: options.ordered ?? true, maxRetransmits, maxPacketLifeTime }), priority, label, protocol });
    const channel = new ManagedChannel(label, protocol, options.ordered ?? true, maxRetransmits, maxPacketLifeTime, negotiated, priority, id);
    if (id === null && this.role !== undefined) channel.id = this.allocateId();
    if (channel.id === null) {
      if (this.role !== undefined) throw new DataChannelError('too-many-channels', 'no free stream id');
      this.unassigned.push(channel);
    } else {
      this.byId.set(channel.id, channel);
    }
    if (this.connected) this.announce(channel, now);
    return channel;
  }

  /** The DTLS role decides the stream id parity (RFC 8832 §6). Channels waiting for an id get one. */
  setRole(role: DtlsRole): void {
    this.role = role;
    while (this.unassigned.length > 0) {
      const channel = this.unassigned.shift()!;
      const id = this.allocateId();
      if (id === null) {
        this.fail(channel, 'no free stream id');
        continue;
      }
      channel.id = id;
      this.byId.set(id, channel);
    }
  }

  /** Attach the SCTP association (before or after it connects; `connected` arrives via `handleSctpEvent`). */
  attach(sctp: SctpTransport, now = 0): void {
    this.sctp = sctp;
    for (const channel of this.byId.values()) if (channel.state === 'connecting') this.queueOpen(channel, now);
  }

  /**
   * Send one message. `binary` picks PPID 53/57 over 51/56. Throws `DataChannelError`:
   * `invalid-state` (channel not open), `message-too-large` (above the peer's max-message-size).
   */
  send(channel: ManagedChannel, data: Uint8Array, binary: boolean, now: number, transfer = false): void {
    if (channel.state !== 'open' || this.sctp === undefined || channel.id === null) {
      throw new DataChannelError('invalid-state', `channel "${channel.label}" is ${channel.state}, not open`);
    }
    if (this.remoteMaxMessageSize > 0 && data.length > this.remoteMaxMessageSize) {
      throw new DataChannelError('message-too-large',
        `message of ${data.length} bytes exceeds the peer's max-message-size ${this.remoteMaxMessageSize}`);
    }
    const empty = data.length === 0;
    const ppid = binary ? (empty ? Ppid.BINARY_EMPTY : Ppid.BINARY) : (empty ? Ppid.STRING_EMPTY : Ppid.STRING);
    const options = this.sendOptions(channel);
    this.sctp.send(channel.id, ppid, empty ? EMPTY_PAYLOAD : data, transfer && !empty ? { ...options, transfer } : options, now);
    channel.messagesSent++;
    channel.bytesSent += data.length;
    this.counters.messagesSent++;
    this.counters.bytesSent += data.length;
  }

  /** W3C "closing procedure": reset our outgoing stream; closed when both directions are reset. */
  close(channel: ManagedChannel, now: number): void {
    if (channel.state === 'closed' || channel.resetRequested) return;
    if (channel.id === null || !this.connected || this.sctp === undefined) {
      // never reached the wire: nothing to reset
      this.finish(channel);
      return;
    }
    channel.state = 'closing';
    this.requestReset(channel, now);
  }

  bufferedAmount(channel: ManagedChannel): number {
    if (channel.id === null || this.sctp === undefined || channel.state === 'closed') return 0;
    return this.sctp.bufferedAmount(channel.id);
  }

  setBufferedAmountLowThreshold(channel: ManagedChannel, bytes: number): void {
    channel.bufferedAmountLowThreshold = bytes;
    if (channel.id !== null && this.sctp !== undefined) this.sctp.setBufferedAmountLowThreshold(channel.id, bytes);
  }

  /** Feed one event of the SCTP association. Never throws. */
  handleSctpEvent(event: SctpTransportEvent, now: number): void {
    switch (event.type) {
      case 'connected':
        this.connected = true;
        for (const channel of this.byId.values()) {
          if (channel.state === 'connecting') this.announce(channel, now);
        }
        return;
      case 'message':
        this.handleMessage(event.streamId, event.ppid, event.data, now);
        return;
      case 'stream-reset':
        for (const id of event.streamIds) this.handleIncomingReset(id, now);
        return;
      case 'streams-reset-done':
        for (const id of event.streamIds) {
          const channel = this.byId.get(id);
          if (channel === undefined || !channel.resetRequested) continue;
          channel.outgoingReset = true;
          if (channel.incomingReset) this.finish(channel);
        }
        return;
      case 'streams-reset-failed':
        // RFC 6525 §5.2.4: the peer refused; the channel cannot carry data any more either way
        for (const id of event.streamIds) {
          const channel = this.byId.get(id);
          if (channel !== undefined && channel.resetRequested) this.finish(channel);
        }
        return;
      case 'buffered-amount-low': {
        const channel = this.byId.get(event.streamId);
        if (channel !== undefined && channel.state !== 'closed') this.events.push({ type: 'buffered-amount-low', channel });
        return;
      }
      case 'total-buffered-amount-low':
        return;
      case 'closed':
      case 'aborted':
        this.transportClosed(event.type === 'aborted' ? `SCTP aborted: ${event.reason}` : undefined);
        return;
    }
  }

  /** The association is gone (closed, aborted, or the peer connection closed): every channel closes. */
  transportClosed(reason?: string): void {
    this.transportGone = true;
    this.connected = false;
    for (const channel of this.channels()) {
      if (reason !== undefined && channel.state !== 'closing') this.events.push({ type: 'error', channel, reason });
      this.finish(channel);
    }
  }

  // ---- internals ----

  /** Send options of a channel (two cached objects: before and after the ACK). */
  private sendOptions(channel: ManagedChannel): SctpSendOptions {
    if (channel.awaitingAck) return (channel.optionsBeforeAck ??= { ...this.reliability(channel), unordered: false });
    return (channel.options ??= { ...this.reliability(channel), unordered: !channel.ordered });
  }

  private reliability(channel: ManagedChannel): SctpSendOptions {
    const o: SctpSendOptions = {};
    if (channel.maxRetransmits !== null) o.maxRetransmits = channel.maxRetransmits;
    if (channel.maxPacketLifeTime !== null) o.maxPacketLifeTime = channel.maxPacketLifeTime;
    return o;
  }

  /** In-band channels: queue the DATA_CHANNEL_OPEN (ordered and reliable, RFC 8832 §6). */
  private queueOpen(channel: ManagedChannel, now: number): void {
    if (channel.negotiated || channel.openQueued || channel.id === null || this.sctp === undefined) return;
    const open = encodeDataChannelOpen({
      ...channelTypeFor(channel),
      priority: channel.priority,
      label: channel.label,
      protocol: channel.protocol,
    });
    this.sctp.send(channel.id, Ppid.DCEP, open, {}, now);
    channel.openQueued = true;
    channel.awaitingAck = true;
  }

  /** Open a channel on a connected association: in-band ones send DATA_CHANNEL_OPEN first. */
  private announce(channel: ManagedChannel, now: number): void {
    if (channel.id === null || this.sctp === undefined) return;
    this.queueOpen(channel, now);
    if (channel.bufferedAmountLowThreshold > 0) this.sctp.setBufferedAmountLowThreshold(channel.id, channel.bufferedAmountLowThreshold);
    channel.state = 'open';
    this.counters.channelsOpened++;
    this.events.push({ type: 'open', channel });
  }

  private allocateId(): number | null {
    const start = this.role === 'server' ? 1 : 0;
    for (let id = start; id < this.settings.maxStreams; id += 2) {
      if (!this.byId.has(id)) return id;
    }
    return null;
  }

  private handleMessage(streamId: number, ppid: number, data: Uint8Array, now: number): void {
    if (ppid === Ppid.DCEP) {
      this.handleDcep(streamId, data, now);
      return;
    }
    const channel = this.byId.get(streamId);
    if (channel === undefined || (channel.state !== 'open' && channel.state !== 'closing')) {
      this.counters.droppedMessages++;
      return;
    }
    let binary: boolean;
    let payload: Uint8Array;
    switch (ppid) {
      // delivered data is owned by the receiver (@tsrtc/sctp README): no copy
      case Ppid.STRING: binary = false; payload = data; break;
      case Ppid.BINARY: binary = true; payload = data; break;
      case Ppid.STRING_EMPTY: binary = false; payload = new Uint8Array(0); break;
      case Ppid.BINARY_EMPTY: binary = true; payload = new Uint8Array(0); break;
      default:
        this.counters.droppedMessages++;
        return;
    }
    // RFC 8832 §6: user data from the peer on this stream implies the OPEN was acknowledged
    channel.awaitingAck = false;
    channel.messagesReceived++;
    channel.bytesReceived += payload.length;
    this.counters.messagesReceived++;
    this.counters.bytesReceived += payload.length;
    this.events.push({ type: 'message', channel, data: payload, binary });
  }

  private handleDcep(streamId: number, data: Uint8Array, now: number): void {
    let message;
    try {
      message = decodeDcep(data);
    } catch {
      this.counters.droppedDcep++;
      return;
    }
    if (message.type === 'ack') {
      const channel = this.byId.get(streamId);
      if (channel === undefined || !channel.awaitingAck) {
        this.counters.droppedDcep++;
        return;
      }
      channel.awaitingAck = false;
      return;
    }
    // DATA_CHANNEL_OPEN from the peer
    if (this.sctp === undefined || this.byId.has(streamId) || streamId >= this.settings.maxStreams) {
      this.counters.droppedDcep++;
      return;
    }
    if (this.byId.size + this.unassigned.length >= this.settings.maxChannels) {
      // refuse: close the stream the peer opened (RFC 8832 §6 allows rejecting by reset)
      this.counters.refusedChannels++;
      this.sctp.resetStreams([streamId], now);
      return;
    }
    const r = reliabilityOf(message);
    const channel = new ManagedChannel(message.label, message.protocol, r.ordered, r.maxRetransmits,
      r.maxPacketLifeTime, false, message.priority, streamId);
    this.byId.set(streamId, channel);
    // RFC 8832 §6: the ACK goes on the same stream, ordered and reliable
    this.sctp.send(streamId, Ppid.DCEP, encodeDataChannelAck(), {}, now);
    channel.state = 'open';
    this.counters.channelsOpened++;
    this.events.push({ type: 'datachannel', channel });
    this.events.push({ type: 'open', channel });
  }

  private handleIncomingReset(streamId: number, now: number): void {
    const channel = this.byId.get(streamId);
    if (channel === undefined) return;
    channel.incomingReset = true;
    if (channel.resetRequested) {
      if (channel.outgoingReset) this.finish(channel);
      return;
    }
    // RFC 8831 §6.7: the peer closed; reset our outgoing stream too
    if (channel.state !== 'closing') {
      channel.state = 'closing';
      this.events.push({ type: 'closing', channel });
    }
    this.requestReset(channel, now);
  }

  private requestReset(channel: ManagedChannel, now: number): void {
    channel.resetRequested = true;
    try {
      this.sctp!.resetStreams([channel.id!], now);
    } catch {
      // the association can no longer reset (shutting down): nothing more will flow
      this.finish(channel);
    }
  }

  private fail(channel: ManagedChannel, reason: string): void {
    this.events.push({ type: 'error', channel, reason });
    this.finish(channel);
  }

  private finish(channel: ManagedChannel): void {
    if (channel.state === 'closed') return;
    const wasOpen = channel.state !== 'connecting';
    channel.state = 'closed';
    channel.awaitingAck = false;
    if (channel.id !== null && this.byId.get(channel.id) === channel) this.byId.delete(channel.id);
    const pending = this.unassigned.indexOf(channel);
    if (pending >= 0) this.unassigned.splice(pending, 1);
    if (wasOpen) this.counters.channelsClosed++;
    this.events.push({ type: 'closed', channel });
  }
}
