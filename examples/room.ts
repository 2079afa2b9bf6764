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
 * Signaling protocol: see datachannel/src/signaling/room-protocol.ts (plain `{type}` frames;
 * JSON-RPC 2.0 is accepted too).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createRoomServer } from '@tsrtc/datachannel';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
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
  console.log(`room example: http://localhost:${(http.address() as AddressInfo).port}/#lobby`);
});
const stop = () => rooms.close().then(() => http.close(() => process.exit(0)));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
