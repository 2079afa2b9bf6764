/**
 * One peer connection as the driver drives it: the sans-IO core, its data-channel wrappers,
 * and where its non-channel events go. Shared by RTCPeerConnection (one session per driver)
 * and RtcEndpoint (many sessions on one driver).
 */
import type { ManagedChannel } from './data-channel-manager.js';
import type { DrivenConnection, UdpDriver } from './driver/udp-driver.js';
import type { IceTransmit, TransportAddress } from './engines.js';
import type { PeerConnectionCore, PeerConnectionCoreEvent } from './peer-connection-core.js';
import { RTCDataChannel, type ChannelHost } from './w3c/rtc-data-channel.js';

export type SessionEvent = Exclude<PeerConnectionCoreEvent, { channel: ManagedChannel }> | { type: 'datachannel'; channel: RTCDataChannel };

export class PeerSession implements DrivenConnection, ChannelHost {
  scheduledAt: number | undefined;
  driver: UdpDriver | undefined;
  readonly core: PeerConnectionCore;
  private readonly wrappers = new Map<ManagedChannel, RTCDataChannel>();
  /** absolute deadline (driver clock) by which the connection must be up, else `onExpired` */
  expiresAt: number | undefined;
  onExpired: () => void = () => {};
  /**
   * An engine threw on input (a bug: engines promise not to throw on network input). The
   * connection is unusable; the owner closes it. Default: rethrow.
   */
  onInternalError: (error: unknown) => void = (error) => {
    throw error;
  };
  /** receives every non-channel event, and `datachannel` with the wrapper */
  onEvent: (e: SessionEvent) => void = () => {};

  constructor(core: PeerConnectionCore) {
    this.core = core;
  }

  /** The W3C channel for a manager channel (created on first use). */
  wrap(channel: ManagedChannel): RTCDataChannel {
    let w = this.wrappers.get(channel);
    if (w === undefined) {
      w = new RTCDataChannel(this, channel);
      this.wrappers.set(channel, w);
    }
    return w;
  }

  channels(): RTCDataChannel[] {
    return [...this.wrappers.values()];
  }

  now(): number {
    return this.driver?.now() ?? 0;
  }

  /** After an API call: flush soon (microtask), from the driver. */
  kick(): void {
    this.driver?.requestService(this);
  }

  // ---- DrivenConnection ----
  handleTimeout(now: number): void {
    if (this.expiresAt !== undefined && now >= this.expiresAt) {
      this.expiresAt = undefined;
      if (this.core.connectionState !== 'connected') {
        this.onExpired();
        return;
      }
    }
    try {
      this.core.handleTimeout(now);
    } catch (e) {
      this.onInternalError(e);
    }
  }

  /** Feed one datagram (the driver's router calls this). */
  handlePacket(bytes: Uint8Array, from: TransportAddress, to: TransportAddress, now: number): void {
    try {
      this.core.handlePacket(bytes, from, to, now);
    } catch (e) {
      this.onInternalError(e);
    }
  }

  /** A datagram an IceMux already handed to this connection's agent. */
  handleDeliveredPacket(length: number, now: number): void {
    try {
      this.core.handleDeliveredPacket(length, now);
    } catch (e) {
      this.onInternalError(e);
    }
  }

  nextDeadline(): number | undefined {
    const d = this.core.nextDeadline();
    const x = this.expiresAt;
    if (x === undefined) return d;
    return d === undefined || x < d ? x : d;
  }
  pollTransmit(): IceTransmit | undefined {
    try {
      return this.core.pollTransmit();
    } catch (e) {
      this.onInternalError(e);
      return undefined;
    }
  }
  dispatchEvents(): boolean {
    let any = false;
    for (let e = this.core.pollEvent(); e !== undefined; e = this.core.pollEvent()) {
      any = true;
      if ('channel' in e) {
        const w = this.wrap(e.channel);
        if (e.type === 'datachannel') {
          w._markOpen();
          this.onEvent({ type: 'datachannel', channel: w });
        }
        else w._dispatch(e);
        if (e.type === 'closed') this.wrappers.delete(e.channel);
      } else {
        this.onEvent(e);
      }
    }
    return any;
  }

  // ---- ChannelHost ----
  sendOnChannel(channel: ManagedChannel, data: Uint8Array, binary: boolean, transfer?: boolean): void {
    this.core.sendOnChannel(channel, data, binary, this.now(), transfer);
    this.kick();
  }
  closeChannel(channel: ManagedChannel): void {
    this.core.closeChannel(channel, this.now());
    this.kick();
  }
  bufferedAmount(channel: ManagedChannel): number {
    return this.core.channels.bufferedAmount(channel);
  }
  setBufferedAmountLowThreshold(channel: ManagedChannel, bytes: number): void {
    this.core.channels.setBufferedAmountLowThreshold(channel, bytes);
  }
  get remoteMaxMessageSize(): number {
    return this.core.channels.remoteMaxMessageSize;
  }
}
