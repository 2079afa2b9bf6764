/**
 * The W3C RTCPeerConnection surface the examples use, and where it comes from: tsrtc by
 * default, or the node-datachannel polyfill (libdatachannel) with `--engine=node-datachannel`
 * to compare. Same code either way: that is the point of a W3C-compatible API.
 */
export interface Channel {
  readonly label: string;
  readonly readyState: string;
  readonly bufferedAmount: number;
  binaryType: string;
  onopen: (() => void) | null;
  onclose: (() => void) | null;
  onmessage: ((e: { data: unknown }) => void) | null;
  send(data: string | Uint8Array | ArrayBuffer): void;
  close(): void;
}
export interface PeerConnection {
  readonly connectionState: string;
  readonly iceGatheringState: string;
  readonly localDescription: { type: string; sdp: string } | null;
  onconnectionstatechange: (() => void) | null;
  onicegatheringstatechange: (() => void) | null;
  ondatachannel: ((e: { channel: Channel }) => void) | null;
  createDataChannel(label: string, init?: { ordered?: boolean; maxRetransmits?: number; maxPacketLifeTime?: number }): Channel;
  createOffer(): Promise<{ type: 'offer'; sdp: string }>;
  createAnswer(): Promise<{ type: 'answer'; sdp: string }>;
  setLocalDescription(d?: { type: string; sdp: string }): Promise<void>;
  setRemoteDescription(d: { type: 'offer' | 'answer'; sdp: string }): Promise<void>;
  addIceCandidate(c: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null }): Promise<void>;
  close(): void;
}
export type PeerConnectionConstructor = new (config?: { iceServers?: unknown[] }) => PeerConnection;

export async function loadRTCPeerConnection(engine: string): Promise<PeerConnectionConstructor> {
  if (engine === 'node-datachannel') {
    const polyfill = await import('node-datachannel/polyfill');
    return polyfill.RTCPeerConnection as unknown as PeerConnectionConstructor;
  }
  if (engine !== 'tsrtc') throw new Error(`unknown engine ${engine} (tsrtc | node-datachannel)`);
  const tsrtc: Record<string, unknown> = await import('@tsrtc/datachannel');
  if (typeof tsrtc.RTCPeerConnection !== 'function') {
    throw new Error('@tsrtc/datachannel does not export RTCPeerConnection yet; use --engine=node-datachannel');
  }
  return tsrtc.RTCPeerConnection as PeerConnectionConstructor;
}
