/**
 * The W3C WebRTC surface (webrtc-pc) the harness uses, typed structurally so that any
 * implementation plugs in: browsers, @roamhq/wrtc, werift, node-datachannel's polyfill, tsrtc.
 * This file must stay free of Node imports: it is bundled into the browser driver too.
 */

export interface W3cEventTarget {
  addEventListener(type: string, listener: (ev: any) => void): void;
  removeEventListener(type: string, listener: (ev: any) => void): void;
}

export interface W3cDataChannel extends W3cEventTarget {
  readonly label: string;
  readonly id: number | null;
  readonly ordered: boolean;
  readonly maxRetransmits: number | null;
  readonly maxPacketLifeTime: number | null;
  readonly protocol: string;
  readonly negotiated: boolean;
  readonly readyState: string;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: string;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(): void;
}

export interface W3cSessionDescription {
  type: string;
  sdp: string;
}

export interface W3cPeerConnection extends W3cEventTarget {
  readonly connectionState: string;
  readonly iceConnectionState: string;
  readonly iceGatheringState: string;
  readonly signalingState: string;
  readonly localDescription: W3cSessionDescription | null;
  readonly sctp?: { maxMessageSize: number } | null;
  createDataChannel(label: string, init?: object): W3cDataChannel;
  createOffer(): Promise<W3cSessionDescription>;
  createAnswer(): Promise<W3cSessionDescription>;
  setLocalDescription(desc?: W3cSessionDescription): Promise<void>;
  setRemoteDescription(desc: W3cSessionDescription): Promise<void>;
  addIceCandidate(candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }): Promise<void>;
  close(): void;
}

export type W3cPeerConnectionCtor = new (config?: any) => W3cPeerConnection;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Resolve when `check()` holds, re-checked on each named event and every `pollMs`; reject after `ms`. */
export function until(target: W3cEventTarget, events: string[], check: () => boolean, ms: number, what: string, pollMs = 50): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const done = (err?: Error) => {
      clearTimeout(timer); clearInterval(poll);
      for (const e of events) target.removeEventListener(e, onEvent);
      if (err) reject(err); else resolve();
    };
    const onEvent = () => { if (check()) done(); };
    for (const e of events) target.addEventListener(e, onEvent);
    const poll = setInterval(onEvent, pollMs);
    const timer = setTimeout(() => done(new Error(`timeout after ${ms} ms: ${what}`)), ms);
  });
}

/**
 * Non-trickle signalling: set the description, wait for ICE gathering to complete (webrtc-pc
 * §4.4.1.5), return the local description with every candidate in it.
 */
export async function setLocalAndGather(pc: W3cPeerConnection, desc: W3cSessionDescription, ms = 10_000): Promise<string> {
  await pc.setLocalDescription(desc);
  try {
    await until(pc, ['icegatheringstatechange'], () => pc.iceGatheringState === 'complete', ms, 'ICE gathering complete');
  } catch { /* use what was gathered so far */ }
  const local = pc.localDescription;
  if (!local) throw new Error('no localDescription after setLocalDescription');
  return local.sdp;
}

export async function makeOffer(pc: W3cPeerConnection): Promise<string> {
  return setLocalAndGather(pc, await pc.createOffer());
}

export async function acceptOffer(pc: W3cPeerConnection, sdp: string): Promise<string> {
  await pc.setRemoteDescription({ type: 'offer', sdp });
  return setLocalAndGather(pc, await pc.createAnswer());
}

export function waitOpen(dc: W3cDataChannel, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (dc.readyState === 'open') return resolve();
    until(dc, ['open', 'close', 'error'], () => dc.readyState !== 'connecting', ms, `channel "${dc.label}" open`)
      .then(() => dc.readyState === 'open' ? resolve() : reject(new Error(`channel "${dc.label}" is ${dc.readyState}, not open`)), reject);
  });
}

/** Byte length of a received or sent message: UTF-8 for strings. */
export function messageLength(data: unknown): number {
  if (typeof data === 'string') return new TextEncoder().encode(data).length;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  const size = (data as { size?: number } | null)?.size; // Blob
  return typeof size === 'number' ? size : 0;
}

export function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error(`not binary: ${typeof data}`);
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
