/**
 * The smallest useful tsrtc server: an echo endpoint behind WHIP-style HTTP signaling.
 * One UDP port serves every peer (RtcEndpoint: ICE-lite, DTLS server). Every message on
 * every data channel a client opens comes straight back (text as text, binary as binary).
 *
 * Run (from the repository root):
 *   node --conditions=tsrtc-source --import tsx examples/echo-server.ts [--port 8083] [--udp-port 40000]
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
import { RtcEndpoint, startHttpSignalingServer } from '@tsrtc/datachannel';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' }, 'udp-port': { type: 'string' } } });

const endpoint = await RtcEndpoint.listen({ port: Number(values['udp-port'] ?? 0) });
endpoint.on('message', (data, channel) => channel.send(data));
endpoint.on('peer', (peer) => console.log(`peer ${peer.id} connected from ${peer.remoteAddress?.address}`));
endpoint.on('peer-closed', (peer, reason) => console.log(`peer ${peer.id} closed: ${reason}`));

const http = await startHttpSignalingServer({
  port: Number(values.port ?? process.env.PORT ?? 8083),
  host: values.host ?? '0.0.0.0',
  allowOrigin: '*',
  accept: (offerSdp, { id }) => endpoint.accept(offerSdp, { id }).sdp,
  close: (id) => endpoint.peer(id)?.close(),
});
console.log(`echo server: http://localhost:${(http.server.address() as AddressInfo).port}/offer (UDP port ${endpoint.port})`);

const stop = async () => {
  await http.close();
  await endpoint.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
