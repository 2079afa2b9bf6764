/**
 * The demo's default engine: tsrtc's server endpoint (one UDP port, many peers, ICE-lite),
 * echoing every message on every channel.
 */
import type { EchoEngine } from './echo-engine.js';

export async function tsrtcEchoEngine(): Promise<EchoEngine> {
  throw new Error('the tsrtc server endpoint has not landed in @tsrtc/datachannel yet; run with --engine=node-datachannel for now');
}
