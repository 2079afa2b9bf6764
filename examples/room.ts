/**
 * Browser-to-browser chat room over WebRTC data channels, signaled through tsrtc's WebSocket
 * room server. The server only relays offers, answers and ICE candidates; the data flows
 * directly between the browsers (a full mesh: every newcomer offers to everyone present).
 *
 * Run (from the repository root):
 *   node --conditions=tsrtc-source --import tsx examples/room.ts [--port 8081]   (or PORT=…)
 * then open http://localhost:8081/#lobby in two or more tabs or browsers (the part after #
 * names the room). Each tab shows the peers in the room and sends chat to all of them.
 *
 * `--bot <room>` also puts a tsrtc peer in that room: a Node.js `RTCPeerConnection` from
 * @tsrtc/datachannel that signals through the same WebSocket server (trickle ICE) and answers
 * every chat message with "echo: …" — the browsers see it as just another peer.
 *
 * Signaling protocol: see datachannel/src/signaling/room-protocol.ts (plain `{type}` frames;
 * JSON-RPC 2.0 is accepted too).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { createRoomServer, RTCPeerConnection, type RTCDataChannel } from '@tsrtc/datachannel';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' }, bot: { type: 'string' } } });
const port = Number(values.port ?? process.env.PORT ?? 8081);
const page = readFileSync(new URL('./room.html', import.meta.url));

const http = createServer((req, res) => {
  if (req.method === 'GET' && (req.url === '/' || req.url?.startsWith('/?'))) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page);
  } else {
    res.writeHead(404);
    res.end();
  }
});
const rooms = createRoomServer({ server: http, path: '/ws', maxRoomSize: 8, pingIntervalMs: 15_000 });

http.listen(port, values.host, () => {
  const bound = (http.address() as AddressInfo).port;
  console.log(`room example: http://localhost:${bound}/#${values.bot ?? 'lobby'}`);
  if (values.bot !== undefined) joinAsBot(`ws://127.0.0.1:${bound}/ws`, values.bot);
});

/** A tsrtc peer in the room: the same protocol as room.html, in Node. */
function joinAsBot(url: string, room: string): void {
  const ws = new WebSocket(url);
  const signal = (m: object) => ws.send(JSON.stringify(m));
  const peers = new Map<string, { pc: RTCPeerConnection; queue: Promise<void> }>();

  const peer = (id: string) => {
    let p = peers.get(id);
    if (p) return p;
    const pc = new RTCPeerConnection();
    p = { pc, queue: Promise.resolve() };
    peers.set(id, p);
    pc.onicecandidate = ({ candidate }) => signal({ type: 'candidate', to: id, candidate: candidate ? candidate.toJSON() : null });
    pc.ondatachannel = ({ channel }) => echo(channel);
    return p;
  };
  const echo = (channel: RTCDataChannel) => {
    channel.onmessage = ({ data }) => channel.send(`echo: ${typeof data === 'string' ? data : `${(data as ArrayBuffer).byteLength} bytes`}`);
  };
  const offerTo = async (id: string) => {
    const { pc } = peer(id);
    echo(pc.createDataChannel('chat'));
    await pc.setLocalDescription(await pc.createOffer());
    signal({ type: 'offer', to: id, sdp: pc.localDescription!.sdp });
  };
  const onSignal = async (m: { type: string; from: string; sdp?: string; candidate?: { candidate: string; sdpMid?: string } | null }) => {
    const { pc } = peer(m.from);
    if (m.type === 'offer') {
      await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp! });
      await pc.setLocalDescription(await pc.createAnswer());
      signal({ type: 'answer', to: m.from, sdp: pc.localDescription!.sdp });
    } else if (m.type === 'answer') {
      await pc.setRemoteDescription({ type: 'answer', sdp: m.sdp! });
    } else if (m.candidate) {
      await pc.addIceCandidate(m.candidate);
    }
  };

  ws.on('open', () => signal({ type: 'join', room, peerId: 'tsrtc-bot' }));
  ws.on('message', (raw) => {
    const m = JSON.parse(raw.toString());
    if (m.type === 'joined') for (const id of m.peers) offerTo(id).catch((e) => console.error(`bot → ${id}: ${e.message}`));
    else if (m.type === 'peer-left') {
      peers.get(m.peerId)?.pc.close();
      peers.delete(m.peerId);
    } else if (m.type === 'offer' || m.type === 'answer' || m.type === 'candidate') {
      // one peer's signals are applied in order, each after the last
      const p = peer(m.from);
      p.queue = p.queue.then(() => onSignal(m)).catch((e) => console.error(`bot ← ${m.from}: ${e.message}`));
    } else if (m.type === 'error') console.error(`bot: ${m.code}: ${m.message}`);
  });
  setInterval(() => ws.readyState === WebSocket.OPEN && signal({ type: 'ping' }), 20_000).unref();
}
const stop = () => rooms.close().then(() => http.close(() => process.exit(0)));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
