/** W3C event interfaces of webrtc-pc: RTCPeerConnectionIceEvent, RTCDataChannelEvent, RTCErrorEvent. */
import type { RTCIceCandidate } from './descriptions.js';
import type { RTCDataChannel } from './rtc-data-channel.js';

/** DOM EventInit (not in @types/node's globals). */
export interface EventInit {
  bubbles?: boolean;
  cancelable?: boolean;
  composed?: boolean;
}

export class RTCPeerConnectionIceEvent extends Event {
  readonly candidate: RTCIceCandidate | null;
  readonly url: string | null;

  constructor(type: string, init: EventInit & { candidate?: RTCIceCandidate | null; url?: string | null } = {}) {
    super(type, init);
    this.candidate = init.candidate ?? null;
    this.url = init.url ?? null;
  }
}

export class RTCDataChannelEvent extends Event {
  readonly channel: RTCDataChannel;

  constructor(type: string, init: EventInit & { channel: RTCDataChannel }) {
    super(type, init);
    if (init?.channel === undefined) throw new TypeError('RTCDataChannelEvent: channel is required');
    this.channel = init.channel;
  }
}

export type RTCErrorDetailType = 'data-channel-failure' | 'dtls-failure' | 'fingerprint-failure' | 'sctp-failure' | 'sdp-syntax-error' | 'hardware-encoder-not-available' | 'hardware-encoder-error';

/** W3C webrtc-pc §11.1 RTCError: a DOMException named OperationError with details. */
export class RTCError extends DOMException {
  readonly errorDetail: RTCErrorDetailType;
  readonly sdpLineNumber: number | null;
  readonly sctpCauseCode: number | null;
  readonly receivedAlert: number | null;
  readonly sentAlert: number | null;

  constructor(init: { errorDetail: RTCErrorDetailType; sdpLineNumber?: number; sctpCauseCode?: number; receivedAlert?: number; sentAlert?: number }, message = '') {
    super(message, 'OperationError');
    this.errorDetail = init.errorDetail;
    this.sdpLineNumber = init.sdpLineNumber ?? null;
    this.sctpCauseCode = init.sctpCauseCode ?? null;
    this.receivedAlert = init.receivedAlert ?? null;
    this.sentAlert = init.sentAlert ?? null;
  }
}

export class RTCErrorEvent extends Event {
  readonly error: RTCError;

  constructor(type: string, init: EventInit & { error: RTCError }) {
    super(type, init);
    this.error = init.error;
  }
}
