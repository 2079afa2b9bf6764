/**
 * An echo engine over any W3C-shaped RTCPeerConnection: one peer connection per offer.
 * Used with the node-datachannel polyfill (libdatachannel) behind `--engine=node-datachannel`,
 * to compare the page against a mature native stack. Not tsrtc code: a reference.
 */
import type { EchoEngine, EchoStats } from './echo-engine.js';

/** The W3C surface this file uses (structural, so no DOM typings are needed). */
interface W3cChannel {
  binaryType: string;
  readyState: string;
  onmessage: ((e: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
  send(data: unknown): void;
}
interface W3cPeerConnection {
  iceGatheringState: string;
  connectionState: string;
  localDescription: { sdp: string } | null;
  ondatachannel: ((e: { channel: W3cChannel }) => void) | null;
  onicegatheringstatechange: (() => void) | null;
  onconnectionstatechange: (() => void) | null;
  setRemoteDescription(d: { type: 'offer'; sdp: string }): Promise<void>;
  setLocalDescription(d?: unknown): Promise<void>;
  close(): void;
}
export type W3cPeerConnectionCtor = new (config?: { iceServers: unknown[] }) => W3cPeerConnection;

export function w3cEchoEngine(name: string, RTCPeerConnection: W3cPeerConnectionCtor, onShutdown?: () => void): EchoEngine {
  const peers = new Map<string, W3cPeerConnection>();
  const counters: EchoStats = { peers: 0, channels: 0, messages: 0, bytes: 0 };
  let channels = 0;

  const echo = (channel: W3cChannel): void => {
    channel.binaryType = 'arraybuffer';
    channels++;
    channel.onclose = () => void channels--;
    channel.onmessage = ({ data }) => {
      if (channel.readyState !== 'open') return;
      counters.messages++;
      counters.bytes += typeof data === 'string' ? Buffer.byteLength(data) : (data as ArrayBuffer).byteLength;
      channel.send(data);
    };
  };

  return {
    name,
    async accept(offerSdp, id) {
      const pc = new RTCPeerConnection({ iceServers: [] });
      peers.set(id, pc);
      pc.ondatachannel = ({ channel }) => echo(channel);
      pc.onconnectionstatechange = () => {
        if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
          peers.delete(id);
          pc.close();
        }
      };
      try {
        await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
        await pc.setLocalDescription();
        await gatheringComplete(pc);
        return pc.localDescription!.sdp;
      } catch (err) {
        peers.delete(id);
        pc.close();
        throw err;
      }
    },
    close(id) {
      peers.get(id)?.close();
      peers.delete(id);
    },
    stats: () => ({ ...counters, peers: peers.size, channels }),
    async shutdown() {
      for (const pc of peers.values()) pc.close();
      peers.clear();
      onShutdown?.();
    },
  };
}

function gatheringComplete(pc: W3cPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === 'complete') resolve();
    };
  });
}

export async function nodeDatachannelEchoEngine(): Promise<EchoEngine> {
  let polyfill: typeof import('node-datachannel/polyfill');
  let ndc: typeof import('node-datachannel');
  try {
    polyfill = await import('node-datachannel/polyfill');
    ndc = await import('node-datachannel');
  } catch (err) {
    throw new Error(`--engine=node-datachannel needs the npm package node-datachannel (${(err as Error).message})`);
  }
  return w3cEchoEngine('node-datachannel (libdatachannel, for comparison)', polyfill.RTCPeerConnection as unknown as W3cPeerConnectionCtor, () =>
    ndc.cleanup(),
  );
}
