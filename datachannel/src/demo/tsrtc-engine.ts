/**
 * The demo's default engine: tsrtc's server endpoint — one UDP port for every browser,
 * ICE-lite, DTLS server — echoing every message on every channel.
 */
import { RtcEndpoint } from '../endpoint/index.js';
import type { EchoEngine, EchoStats } from './echo-engine.js';

export async function tsrtcEchoEngine(options: { udpPort?: number } = {}): Promise<EchoEngine> {
  const endpoint = await RtcEndpoint.listen({ port: options.udpPort ?? 0 });
  const counters = { messages: 0, bytes: 0 };
  endpoint.on('message', (data, channel) => {
    if (channel.readyState !== 'open') return;
    counters.messages++;
    counters.bytes += typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    channel.send(data);
  });
  return {
    name: 'tsrtc',
    async accept(offerSdp, id) {
      return endpoint.accept(offerSdp, { id }).sdp;
    },
    close(id) {
      endpoint.peer(id)?.close('closed by the page');
    },
    stats(): EchoStats {
      const peers = endpoint.peers;
      return { peers: peers.length, channels: peers.reduce((n, p) => n + p.channels.length, 0), ...counters };
    },
    shutdown: () => endpoint.close(),
  };
}
