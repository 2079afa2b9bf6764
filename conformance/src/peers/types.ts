/**
 * The shapes every peer adapter shares.
 *
 * A *remote* peer behaves like the HTTP echo peers of ../shared/peers (README there): every
 * channel, opened by either side, echoes every message back unchanged — except channels whose
 * label starts with `sink`, which only count (the HTTP peers echo those too) — and `stats()`
 * reports each channel as that side sees it. Browsers and in-process W3C peers add a few
 * commands the HTTP contract lacks (`caps` says which).
 */

/** RTCDataChannelInit plus the label (W3C webrtc-pc §6.2). */
export interface ChannelSpec {
  label?: string;
  ordered?: boolean;
  maxRetransmits?: number;
  maxPacketLifeTime?: number;
  protocol?: string;
  negotiated?: boolean;
  id?: number;
}

/** One channel as one side sees it (the `/stats` channel shape). */
export interface ChannelView {
  label: string;
  id: number | null;
  ordered: boolean | null;
  maxRetransmits: number | null;
  maxPacketLifeTime: number | null;
  protocol: string;
  readyState: string;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  stringMessagesIn?: number;
  binaryMessagesIn?: number;
}

export interface SessionView {
  id: number;
  connectionState: string;
  iceConnectionState?: string;
  channels: ChannelView[];
}

export interface PeerStats {
  peer: string;
  version?: string;
  sessions: SessionView[];
}

/** A message for `send`: text or base64 binary (small: it crosses HTTP / page.evaluate). */
export type WireMessage = { text: string } | { base64: string };

export interface RemoteCaps {
  /** open channels after connect, from this side */
  createChannel: boolean;
  /** close one channel from this side */
  closeChannel: boolean;
  /** pre-negotiated (negotiated: true) channels */
  negotiated: boolean;
  /** renegotiation on an existing session */
  renegotiate: boolean;
  /** close one session (not every session of the process) */
  closeSession: boolean;
  /** reports ordered/maxRetransmits/maxPacketLifeTime of channels the other side opened */
  channelParams: boolean;
  /** trickle ICE: answers at once and exchanges candidates one by one */
  trickle: boolean;
}

/** RTCIceCandidateInit (webrtc-pc §4.8.1) */
export interface CandidateInit {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
}

export interface RemotePeer {
  /** column name in the matrix */
  readonly name: string;
  /** what it is and its version, for the report */
  readonly description: string;
  readonly caps: RemoteCaps;
  /** the remote creates `spec` (default "echo") and offers; candidates included (non-trickle) */
  offer(spec?: ChannelSpec): Promise<{ session: number; sdp: string }>;
  /** a new session answers `sdp`; candidates included */
  answer(sdp: string): Promise<{ session: number; sdp: string }>;
  applyAnswer(session: number, sdp: string): Promise<void>;
  /** remote sends first on its newest open channel with that label */
  send(session: number, label: string, message: WireMessage): Promise<void>;
  stats(): Promise<PeerStats>;
  /** close every session (HTTP `/close`) */
  closeAll(): Promise<void>;
  // optional commands (caps)
  createChannel?(session: number, spec: ChannelSpec): Promise<void>;
  closeChannel?(session: number, label: string): Promise<void>;
  /** renegotiation: the remote answers a new offer on an existing session */
  reanswer?(session: number, sdp: string): Promise<string>;
  /** renegotiation: the remote makes a new offer on an existing session */
  reoffer?(session: number): Promise<string>;
  closeSession?(session: number): Promise<void>;
  /** trickle: answer without waiting for ICE gathering (candidates come from `takeCandidates`) */
  answerTrickle?(sdp: string): Promise<{ session: number; sdp: string }>;
  addIceCandidate?(session: number, candidate: CandidateInit): Promise<void>;
  /** the candidates gathered since the last call */
  takeCandidates?(session: number): Promise<CandidateInit[]>;
  /** stop the peer (process, browser) */
  dispose(): Promise<void>;
}
