/**
 * The smallest useful tsrtc server: an echo endpoint behind WHIP-style HTTP signaling.
 * Every message on every data channel a client opens comes straight back (text as text,
 * binary as binary).
 *
 * Run (from the repository root):
 *   node --conditions=tsrtc-source --import tsx examples/echo-server.ts [--port 8083]   (or PORT=…)
 *
 * Then any WebRTC peer can connect, non-trickle: gather all candidates, then
 *   POST /offer   {"type":"offer","sdp":"…"}  → 201 {"type":"answer","sdp":"…","id":"…"}
 *   (or Content-Type: application/sdp → 201 with the answer SDP and a Location header)
 *   DELETE /session/<id>                     → closes that peer
 * e.g. from a browser console on any page:
 *   const pc = new RTCPeerConnection(), dc = pc.createDataChannel('echo');
 *   dc.onmessage = (e) => console.log('echo:', e.data); dc.onopen = () => dc.send('hello');
 *   await pc.setLocalDescription(); await new Promise((r) => setTimeout(r, 500));
 *   const res = await fetch('http://localhost:8083/offer', { method: 'POST', body: JSON.stringify(pc.localDescription) });
 *   await pc.setRemoteDescription(await res.json());
 * (the server sends `Access-Control-Allow-Origin: *`, so any page may try it).
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { startHttpSignalingServer } from '@tsrtc/datachannel';
import { loadRTCPeerConnection, type Channel, type PeerConnection } from './w3c.js';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' }, engine: { type: 'string', default: 'tsrtc' } } });
const RTCPeerConnection = await loadRTCPeerConnection(values.engine!);
const peers = new Map<string, PeerConnection>();

function echo(channel: Channel): void {
  channel.binaryType = 'arraybuffer';
  channel.onmessage = ({ data }) => channel.send(data as string | ArrayBuffer);
}

const server = await startHttpSignalingServer({
  port: Number(values.port ?? process.env.PORT ?? 8083),
  host: values.host ?? '0.0.0.0',
  allowOrigin: '*',
  async accept(offerSdp, { id }) {
    const pc = new RTCPeerConnection();
    peers.set(id, pc);
    pc.ondatachannel = ({ channel }) => echo(channel);
    pc.onconnectionstatechange = () => {
      if (['failed', 'closed', 'disconnected'].includes(pc.connectionState)) {
        pc.close();
        peers.delete(id);
      }
    };
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => (pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve()));
    }
    return pc.localDescription!.sdp;
  },
  close(id) {
    peers.get(id)?.close();
    peers.delete(id);
  },
});
console.log(`echo server: http://localhost:${(server.server.address() as AddressInfo).port}/offer`);

const stop = () => {
  for (const pc of peers.values()) pc.close();
  server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
