/**
 * Server-as-offerer broadcast: the server offers each viewer a peer connection with two data
 * channels and relays one stream of frames to every viewer.
 *
 *   "video"   unordered, maxRetransmits 0 (RFC 8831 §6.1 partial reliability): a lost frame is
 *             not resent, a late one is dropped; a viewer whose channel backs up skips frames
 *             instead of slowing everyone down.
 *   "command" ordered, reliable: viewers send commands ({cmd:'color'|'speed'|'pause'}) that
 *             change the shared stream; the server tells every viewer who did what, and how
 *             many viewers there are.
 *
 * Frames are synthetic (an animated pattern, raw RGB, 96×54) so the example needs no codec:
 * 16-byte header (u32 frame number, f64 send time in ms since epoch, u16 width, u16 height)
 * followed by width × height × 3 bytes.
 *
 * Signaling (HTTP, see datachannel/src/signaling/http-signaling.ts): POST /connect →
 * {type:'offer', sdp, id} (all server candidates included); the page answers with POST /answer
 * {id, sdp} before it applies the answer itself, then trickles its candidates with POST
 * /candidate — so the server knows the viewer's ICE credentials and DTLS fingerprint before
 * the first connectivity check arrives.
 *
 * One RtcEndpoint (one UDP port, ICE-lite, DTLS server) serves every viewer; the endpoint
 * opens both channels in-band (DCEP) once a viewer is connected.
 *
 * Run (from the repository root):
 *   node --conditions=tsrtc-source --import tsx examples/broadcast-offerer.ts [--port 8082] [--udp-port 40000]
 * then open http://localhost:8082/ in as many tabs or browsers as you like.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createHttpSignaling, RtcEndpoint, SignalingError, type RTCDataChannel, type RtcPeer } from '@tsrtc/datachannel';

const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' }, 'udp-port': { type: 'string' } } });
const page = readFileSync(new URL('./broadcast-offerer.html', import.meta.url));

const WIDTH = 96;
const HEIGHT = 54;
const FPS = 15;
/** A viewer whose video channel holds more than this skips frames until it drains. */
const MAX_VIDEO_BACKLOG = 256 * 1024;

const endpoint = await RtcEndpoint.listen({ port: Number(values['udp-port'] ?? 0), connectTimeout: 30_000 });

interface Viewer {
  peer: RtcPeer;
  video?: RTCDataChannel;
  command?: RTCDataChannel;
  skipped: number;
}
const viewers = new Map<string, Viewer>();
const shortId = (id: string) => id.slice(0, 8);

endpoint.on('channel', (channel, peer) => {
  const viewer = viewers.get(peer.id);
  if (!viewer) return;
  if (channel.label === 'video') viewer.video = channel;
  if (channel.label === 'command') {
    viewer.command = channel;
    tellEveryone({ event: 'joined', from: shortId(peer.id) });
  }
});
endpoint.on('message', (data, channel, peer) => {
  const viewer = viewers.get(peer.id);
  if (viewer && channel.label === 'command') onCommand(viewer, data);
});
endpoint.on('peer-closed', (peer) => {
  if (!viewers.delete(peer.id)) return;
  tellEveryone({ event: 'left', from: shortId(peer.id) });
});

// ---- the shared stream ----

const stream = { frame: 0, hue: 200, speed: 1, paused: false, t: 0 };

function renderFrame(): Uint8Array {
  const out = new Uint8Array(16 + WIDTH * HEIGHT * 3);
  const view = new DataView(out.buffer);
  view.setUint32(0, stream.frame);
  view.setFloat64(4, Date.now());
  view.setUint16(12, WIDTH);
  view.setUint16(14, HEIGHT);
  const [br, bg, bb] = hsl(stream.hue);
  const cx = WIDTH / 2 + Math.cos(stream.t * 1.3) * 30;
  const cy = HEIGHT / 2 + Math.sin(stream.t * 2.1) * 16;
  for (let y = 0, i = 16; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++, i += 3) {
      const wave = 0.5 + 0.5 * Math.sin(x / 9 + stream.t) * Math.cos(y / 7 - stream.t / 2);
      const ball = (x - cx) ** 2 + (y - cy) ** 2 < 64;
      out[i] = ball ? br : 20 + wave * 40;
      out[i + 1] = ball ? bg : 30 + wave * 60;
      out[i + 2] = ball ? bb : 60 + wave * 120;
    }
  }
  return out;
}

/** Fully saturated colour of `hue` degrees, lightness 1/2. */
function hsl(hue: number): [number, number, number] {
  const f = (n: number) => {
    const k = (n + hue / 30) % 12;
    return Math.round(255 * (0.5 - 0.5 * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

const ticker = setInterval(() => {
  if (stream.paused || viewers.size === 0) return;
  stream.t += 0.08 * stream.speed;
  stream.frame++;
  const frame = renderFrame();
  for (const v of viewers.values()) {
    if (v.video?.readyState !== 'open') continue;
    if (v.video.bufferedAmount > MAX_VIDEO_BACKLOG) {
      v.skipped++;
      continue;
    }
    v.video.send(frame);
  }
}, 1000 / FPS);

// ---- commands ----

function tellEveryone(event: object): void {
  const open = [...viewers.values()].filter((v) => v.command?.readyState === 'open');
  const text = JSON.stringify({ ...event, viewers: open.length });
  for (const v of open) v.command!.send(text);
}

function onCommand(viewer: Viewer, data: string | Uint8Array): void {
  let m: { cmd?: unknown; value?: unknown };
  try {
    m = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    viewer.command?.send(JSON.stringify({ event: 'error', message: 'commands are JSON' }));
    return;
  }
  if (m.cmd === 'color' && typeof m.value === 'number' && m.value >= 0 && m.value < 360) stream.hue = m.value;
  else if (m.cmd === 'speed' && typeof m.value === 'number' && m.value >= 0.25 && m.value <= 4) stream.speed = m.value;
  else if (m.cmd === 'pause') stream.paused = !stream.paused;
  else {
    viewer.command?.send(JSON.stringify({ event: 'error', message: `unknown or bad command ${JSON.stringify(m.cmd)}` }));
    return;
  }
  const state = { hue: stream.hue, speed: stream.speed, paused: stream.paused };
  tellEveryone({ event: 'command', from: shortId(viewer.peer.id), cmd: m.cmd, value: m.value, state });
}

// ---- signaling: the server offers ----

const known = (id: string): Viewer => {
  const viewer = viewers.get(id);
  if (!viewer) throw new SignalingError(404, 'unknown-session', `no session ${id}`);
  return viewer;
};

const signaling = createHttpSignaling({
  createOffer(_options, { id }) {
    const { sdp, peer } = endpoint.createOffer({
      id,
      channels: [
        { label: 'video', ordered: false, maxRetransmits: 0 },
        { label: 'command' },
      ],
    });
    viewers.set(peer.id, { peer, skipped: 0 });
    return { sdp, id: peer.id };
  },
  applyAnswer: (id, sdp) => endpoint.applyAnswer(known(id).peer.id, sdp),
  addCandidate: (id, c) => endpoint.addIceCandidate(known(id).peer.id, c.candidate),
  close: (id) => known(id).peer.close('closed by the viewer'),
});

const http = createServer((req, res) =>
  signaling(req, res, () => {
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page);
    } else if (req.method === 'GET' && req.url === '/stats') {
      const list = [...viewers.values()].map((v) => ({ id: shortId(v.peer.id), state: v.peer.connectionState, skipped: v.skipped }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ frame: stream.frame, viewers: list }));
    } else {
      res.writeHead(404);
      res.end();
    }
  }),
);
http.listen(Number(values.port ?? process.env.PORT ?? 8082), values.host, () => {
  console.log(`broadcast example: http://localhost:${(http.address() as AddressInfo).port}/ (UDP port ${endpoint.port})`);
});

const stop = async () => {
  clearInterval(ticker);
  http.closeAllConnections();
  http.close();
  await endpoint.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
