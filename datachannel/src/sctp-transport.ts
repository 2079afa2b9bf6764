/**
 * The part of `@tsrtc/sctp`'s `SctpAssociation` the data-channel manager uses
 * (CONVENTIONS.md "@tsrtc/sctp"). Declared structurally so the manager can be driven by the
 * real association or by anything with the same shape.
 */

/** RFC 8831 §8 Payload Protocol Identifiers: the SCTP layer owns them. */
export { Ppid } from '@tsrtc/sctp';

export interface SctpSendOptions {
  unordered?: boolean;
  maxRetransmits?: number;
  maxPacketLifeTime?: number;
  /** the caller gives up `data` (a fresh buffer): the association keeps it without a copy */
  transfer?: boolean;
}

export interface SctpTransport {
  send(streamId: number, ppid: number, data: Uint8Array, options: SctpSendOptions, now: number): void;
  resetStreams(streamIds: number[], now: number): void;
  bufferedAmount(streamId: number): number;
  setBufferedAmountLowThreshold(streamId: number, bytes: number): void;
}

export type SctpTransportEvent =
  | { type: 'connected' }
  /** `data` is the receiver's to keep (it may be a view into a larger buffer) */
  | { type: 'message'; streamId: number; ppid: number; data: Uint8Array }
  | { type: 'stream-reset'; streamIds: number[] }
  | { type: 'streams-reset-done'; streamIds: number[] }
  /** the peer refused our outgoing reset (RFC 6525 result code) */
  | { type: 'streams-reset-failed'; streamIds: number[]; result: number }
  | { type: 'buffered-amount-low'; streamId: number }
  /** the association-wide buffered amount fell to or below its threshold (not used by channels) */
  | { type: 'total-buffered-amount-low' }
  | { type: 'closed' }
  | { type: 'aborted'; reason: string };
