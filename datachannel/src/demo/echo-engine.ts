/**
 * What the demo needs from a WebRTC stack on the server side: turn a browser's offer into an
 * answer (non-trickle) and echo every message on every data channel the browser opens.
 *
 * Two bindings: tsrtc's server endpoint (the default, see tsrtc-engine.ts), and — only
 * behind `--engine=node-datachannel`, for comparison — the node-datachannel W3C polyfill
 * (libdatachannel), see w3c-echo-engine.ts.
 */
export interface EchoStats {
  /** peer connections up now */
  peers: number;
  /** data channels open now */
  channels: number;
  /** messages echoed since start */
  messages: number;
  /** bytes echoed since start */
  bytes: number;
}

export interface EchoEngine {
  readonly name: string;
  /** Answers `offerSdp` (all candidates in the answer); `id` names the session for `close`. */
  accept(offerSdp: string, id: string): Promise<string>;
  close(id: string): void;
  stats(): EchoStats;
  shutdown(): Promise<void>;
}

export const ENGINE_NAMES = ['tsrtc', 'node-datachannel'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export async function createEchoEngine(name: EngineName, options: { udpPort?: number } = {}): Promise<EchoEngine> {
  if (name === 'node-datachannel') {
    const { nodeDatachannelEchoEngine } = await import('./w3c-echo-engine.js');
    return nodeDatachannelEchoEngine();
  }
  const { tsrtcEchoEngine } = await import('./tsrtc-engine.js');
  return tsrtcEchoEngine(options);
}
