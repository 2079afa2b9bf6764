/**
 * W3C webrtc-pc §6.2 RTCDataChannel over a `ManagedChannel` of the data-channel manager.
 * State changes become visible when their event is dispatched (from the driver, after
 * draining), except `close()`, which moves to `closing` at once as the spec says.
 */
import type { DataChannelManagerEvent, DataChannelReadyState, ManagedChannel } from '../data-channel-manager.js';
import { copyBytes, DataChannelError } from '../errors.js';
import { defineEventHandlers } from './event-handlers.js';
import { RTCError, RTCErrorEvent } from './events.js';

/** What a channel needs from the connection that carries it. */
export interface ChannelHost {
  /** `transfer`: `data` is a fresh buffer nobody else holds (an encoded string): no copy needed */
  sendOnChannel(channel: ManagedChannel, data: Uint8Array, binary: boolean, transfer?: boolean): void;
  closeChannel(channel: ManagedChannel): void;
  bufferedAmount(channel: ManagedChannel): number;
  setBufferedAmountLowThreshold(channel: ManagedChannel, bytes: number): void;
  /** the peer's a=max-message-size (0 = no limit) */
  readonly remoteMaxMessageSize: number;
}

export type BinaryType = 'arraybuffer' | 'blob';
export type RTCPriorityType = 'very-low' | 'low' | 'medium' | 'high';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function priorityName(p: number): RTCPriorityType {
  // RFC 8831 §6.4 / W3C: 128 very-low, 256 low, 512 medium, 1024 high
  if (p <= 128) return 'very-low';
  if (p <= 256) return 'low';
  if (p <= 512) return 'medium';
  return 'high';
}

type QueuedSend = { kind: 'bytes'; data: Uint8Array; binary: boolean } | { kind: 'blob'; blob: Blob };

export interface RTCDataChannel {
  onopen: ((this: RTCDataChannel, ev: Event) => unknown) | null;
  onmessage: ((this: RTCDataChannel, ev: MessageEvent) => unknown) | null;
  onbufferedamountlow: ((this: RTCDataChannel, ev: Event) => unknown) | null;
  onerror: ((this: RTCDataChannel, ev: RTCErrorEvent) => unknown) | null;
  onclosing: ((this: RTCDataChannel, ev: Event) => unknown) | null;
  onclose: ((this: RTCDataChannel, ev: Event) => unknown) | null;
}

export class RTCDataChannel extends EventTarget {
  #host: ChannelHost;
  #channel: ManagedChannel;
  #readyState: DataChannelReadyState;
  #binaryType: BinaryType = 'arraybuffer';
  #threshold = 0;
  /** sends waiting behind a Blob being read (keeps message order) */
  #queue: QueuedSend[] = [];
  #queuedBytes = 0;
  #draining = false;
  #announced = false;

  /** @internal — created by RTCPeerConnection / RtcEndpoint, not by applications */
  constructor(host: ChannelHost, channel: ManagedChannel) {
    super();
    this.#host = host;
    this.#channel = channel;
    this.#readyState = channel.state === 'open' ? 'connecting' : channel.state;
  }

  get label(): string {
    return this.#channel.label;
  }
  get protocol(): string {
    return this.#channel.protocol;
  }
  get id(): number | null {
    return this.#channel.id;
  }
  get ordered(): boolean {
    return this.#channel.ordered;
  }
  get maxRetransmits(): number | null {
    return this.#channel.maxRetransmits;
  }
  get maxPacketLifeTime(): number | null {
    return this.#channel.maxPacketLifeTime;
  }
  get negotiated(): boolean {
    return this.#channel.negotiated;
  }
  get priority(): RTCPriorityType {
    return priorityName(this.#channel.priority);
  }
  get readyState(): DataChannelReadyState {
    return this.#readyState;
  }
  get reliable(): boolean {
    return this.#channel.maxRetransmits === null && this.#channel.maxPacketLifeTime === null;
  }

  /** Bytes queued for sending and not yet sent (W3C: application data only). */
  get bufferedAmount(): number {
    if (this.#readyState === 'closed') return this.#queuedBytes;
    return this.#host.bufferedAmount(this.#channel) + this.#queuedBytes;
  }

  get bufferedAmountLowThreshold(): number {
    return this.#threshold;
  }
  set bufferedAmountLowThreshold(value: number) {
    const v = Number(value) >>> 0;
    this.#threshold = v;
    this.#host.setBufferedAmountLowThreshold(this.#channel, v);
  }

  get binaryType(): BinaryType {
    return this.#binaryType;
  }
  set binaryType(value: BinaryType) {
    // WebIDL enum attribute: other values are ignored
    if (value === 'arraybuffer' || value === 'blob') this.#binaryType = value;
  }

  /**
   * Send a string (UTF-8, PPID 51), an ArrayBuffer / ArrayBufferView or a Blob (binary, PPID 53).
   * Throws InvalidStateError unless open, TypeError above the peer's max-message-size.
   */
  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (this.#readyState !== 'open') {
      throw new DOMException(`RTCDataChannel "${this.label}" is ${this.#readyState}, not open: cannot send`, 'InvalidStateError');
    }
    let bytes: Uint8Array;
    let binary = true;
    if (typeof data === 'string') {
      bytes = encoder.encode(data);
      binary = false;
    } else if (data instanceof ArrayBuffer) {
      bytes = new Uint8Array(data);
    } else if (ArrayBuffer.isView(data)) {
      bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } else if (typeof Blob !== 'undefined' && data instanceof Blob) {
      this.#checkSize(data.size);
      this.#queue.push({ kind: 'blob', blob: data });
      this.#queuedBytes += data.size;
      void this.#drainQueue();
      return;
    } else {
      throw new TypeError('RTCDataChannel.send: data must be a string, ArrayBuffer, ArrayBufferView or Blob');
    }
    if (this.#queue.length > 0) {
      this.#checkSize(bytes.length);
      this.#queue.push({ kind: 'bytes', data: copyBytes(bytes), binary });
      this.#queuedBytes += bytes.length;
      return;
    }
    this.#sendNow(bytes, binary, !binary);
  }

  /** W3C "closing procedure": readyState → closing now; `close` follows when both streams are reset. */
  close(): void {
    if (this.#readyState === 'closing' || this.#readyState === 'closed') return;
    this.#readyState = 'closing';
    this.#host.closeChannel(this.#channel);
  }

  /** @internal — the manager's event for this channel, dispatched by the connection. */
  _dispatch(e: DataChannelManagerEvent): void {
    switch (e.type) {
      case 'open':
        if (this.#announced || this.#readyState === 'closing' || this.#readyState === 'closed') return;
        this.#announced = true;
        this.#readyState = 'open';
        this.dispatchEvent(new Event('open'));
        return;
      case 'message': {
        let data: string | ArrayBuffer | Blob;
        if (!e.binary) data = decoder.decode(e.data);
        else if (this.#binaryType === 'blob') data = new Blob([e.data]);
        else data = e.data.byteOffset === 0 && e.data.byteLength === e.data.buffer.byteLength
          ? (e.data.buffer as ArrayBuffer)
          : (copyBytes(e.data).buffer as ArrayBuffer);
        this.dispatchEvent(new MessageEvent('message', { data }));
        return;
      }
      case 'buffered-amount-low':
        // stale if an earlier handler in this drain already refilled the buffer
        if (this.bufferedAmount > this.#threshold) return;
        this.dispatchEvent(new Event('bufferedamountlow'));
        return;
      case 'closing':
        if (this.#readyState === 'closed') return;
        this.#readyState = 'closing';
        this.dispatchEvent(new Event('closing'));
        return;
      case 'error':
        this.dispatchEvent(new RTCErrorEvent('error', {
          error: new RTCError({ errorDetail: e.reason.startsWith('SCTP') || e.reason.startsWith('DTLS') ? 'sctp-failure' : 'data-channel-failure' }, e.reason),
        }));
        return;
      case 'closed':
        if (this.#readyState === 'closed') return;
        this.#readyState = 'closed';
        this.#queue.length = 0;
        this.#queuedBytes = 0;
        this.dispatchEvent(new Event('close'));
        return;
      case 'datachannel':
        return;
    }
  }

  /** @internal — an incoming channel is already open when `datachannel` fires (W3C §6.2 "announce"). */
  _markOpen(): void {
    if (this.#readyState === 'connecting') this.#readyState = 'open';
  }

  /** @internal */
  get _channel(): ManagedChannel {
    return this.#channel;
  }

  /** The manager enforces it on send; checking here makes a queued send fail synchronously too. */
  #checkSize(size: number): void {
    const max = this.#host.remoteMaxMessageSize;
    if (max > 0 && size > max) {
      throw new TypeError(`message of ${size} bytes exceeds the peer's max-message-size ${max}`);
    }
  }

  #sendNow(bytes: Uint8Array, binary: boolean, transfer = false): void {
    try {
      this.#host.sendOnChannel(this.#channel, bytes, binary, transfer);
    } catch (e) {
      if (e instanceof DataChannelError && e.code === 'message-too-large') throw new TypeError(e.message);
      if (e instanceof DataChannelError && e.code === 'invalid-state') throw new DOMException(e.message, 'InvalidStateError');
      if (e instanceof DataChannelError) throw new DOMException(e.message, 'OperationError');
      throw e;
    }
  }

  async #drainQueue(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const item = this.#queue[0];
        let bytes: Uint8Array;
        let binary = true;
        if (item.kind === 'blob') {
          bytes = new Uint8Array(await item.blob.arrayBuffer());
        } else {
          bytes = item.data;
          binary = item.binary;
        }
        if (this.#queue[0] !== item) return; // closed meanwhile
        this.#queue.shift();
        this.#queuedBytes -= bytes.length;
        if (this.#readyState !== 'open') continue;
        try {
          this.#sendNow(bytes, binary, true); // a copy or a fresh Blob buffer: ours to give
        } catch (e) {
          this.dispatchEvent(new RTCErrorEvent('error', {
            error: new RTCError({ errorDetail: 'data-channel-failure' }, e instanceof Error ? e.message : String(e)),
          }));
        }
      }
    } finally {
      this.#draining = false;
    }
  }
}

defineEventHandlers(RTCDataChannel.prototype, ['open', 'message', 'bufferedamountlow', 'error', 'closing', 'close']);
