/**
 * The demo's default engine: tsrtc. Each browser offer gets a tsrtc RTCPeerConnection (W3C
 * API) that answers and echoes every message on every channel.
 */
import { RTCPeerConnection } from '../w3c/index.js';
import type { EchoEngine } from './echo-engine.js';
import { w3cEchoEngine, type W3cPeerConnectionCtor } from './w3c-echo-engine.js';

export async function tsrtcEchoEngine(): Promise<EchoEngine> {
  return w3cEchoEngine('tsrtc', RTCPeerConnection as unknown as W3cPeerConnectionCtor);
}
