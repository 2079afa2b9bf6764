/**
 * A WebSocket signaling relay with rooms (`ws`): browser peers join a named room, learn who
 * else is there, and exchange offer / answer / ICE candidates addressed to one peer. The
 * server never looks inside the SDP beyond a sanity check; it only relays.
 *
 * Message formats: see room-protocol.ts (plain `{type}` framing and JSON-RPC 2.0).
 *
 * Robustness:
 * - every message is validated; a bad one gets an error reply and changes nothing;
 * - messages over `maxMessageBytes` get a `too-large` error (frames over 4× that are refused by
 *   `ws` itself, which closes the socket with 1009);
 * - keep-alive: every `pingIntervalMs` each socket is sent a ping; a socket that has neither
 *   answered the previous ping nor sent anything since is terminated, and its room is told
 *   (`peer-left`). Browsers answer pings automatically; `{type:'ping'}` also counts. A tick
 *   that fires late (the server itself stalled) terminates nobody.
 * - rate: a socket may send `maxMessagesPerSecond` messages per one-second window; beyond
 *   that its messages are dropped (one `rate-limited` error per window says so), and a socket
 *   that keeps flooding (10× the rate in a window) is closed with 1008 (policy violation).
 * - rooms are independent: a failure in one (or in one socket) never touches another.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { SignalingError, errorMessage } from './errors.js';
import {
  type Decoded,
  type Framing,
  type RoomCommand,
  type RoomNotice,
  decodeFrame,
  encodeError,
  encodeNotice,
  encodeResult,
} from './room-protocol.js';

export interface RoomServerOptions {
  /** Attach to this HTTP server's `upgrade` requests (on `path`). */
  server?: Server;
  /** Or listen on this port (0 = any free port) … */
  port?: number;
  /** … on this host (default all interfaces, as `ws` does). */
  host?: string;
  /** Only upgrade requests for this path (default: any). */
  path?: string;
  /** Most peers in one room (default 16). */
  maxRoomSize?: number;
  /** Most rooms at once (default 10000). */
  maxRooms?: number;
  /** Most concurrent sockets (default 10000); more are closed with 1013 "try again later". */
  maxConnections?: number;
  /** Largest message accepted (default 64 KiB). */
  maxMessageBytes?: number;
  /** Keep-alive ping period; 0 disables (default 30000 ms). */
  pingIntervalMs?: number;
  /** Messages one socket may send per second (default 200: a burst of trickled candidates is ~20). */
  maxMessagesPerSecond?: number;
  /**
   * Decides whether an upgrade request may connect (cookies, a token in the URL, Origin…);
   * refused requests get HTTP 401 and never become sockets. Default: everyone.
   */
  authorize?: (request: IncomingMessage) => boolean | Promise<boolean>;
}

export const DEFAULT_ROOM_SERVER_OPTIONS = {
  maxRoomSize: 16,
  maxRooms: 10_000,
  maxConnections: 10_000,
  maxMessageBytes: 64 * 1024,
  pingIntervalMs: 30_000,
  maxMessagesPerSecond: 200,
} as const;

export interface RoomServerStats {
  connections: number;
  rooms: number;
  peers: number;
  /** offers, answers and candidates delivered */
  relayed: number;
  /** error replies sent (and errors in notifications, which get none) */
  errors: number;
  /** sockets terminated by the keep-alive */
  terminated: number;
  /** messages dropped by the rate limit */
  rateLimited: number;
}

export interface RoomServer {
  readonly wss: WebSocketServer;
  /** Resolves once listening (at once when attached to a server). */
  readonly ready: Promise<void>;
  /** The port listened on, when the server was given `port`. */
  readonly port: number | undefined;
  /** For `noServer` use (neither `server` nor `port`): hand an HTTP upgrade to the room server. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** The rooms and the peer ids in each. */
  rooms(): { room: string; peers: string[] }[];
  stats(): RoomServerStats;
  /** Closes every socket and stops listening. */
  close(): Promise<void>;
}

/** One connected socket. */
interface Client {
  ws: WebSocket;
  framing: Framing;
  alive: boolean;
  room: string | undefined;
  peerId: string | undefined;
  /** start of the current one-second rate window, and messages counted in it */
  windowStart: number;
  windowCount: number;
}

export function createRoomServer(options: RoomServerOptions = {}): RoomServer {
  const o = { ...DEFAULT_ROOM_SERVER_OPTIONS, ...definedOnly(options) };
  const wss = new WebSocketServer({
    ...(options.server ? { server: options.server } : options.port !== undefined ? { port: options.port, host: options.host } : { noServer: true }),
    ...(options.path !== undefined && { path: options.path }),
    maxPayload: o.maxMessageBytes * 4,
    perMessageDeflate: false,
    clientTracking: true,
    ...(options.authorize && {
      verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number) => void) => {
        Promise.resolve()
          .then(() => options.authorize!(info.req))
          .then((ok) => done(ok === true, 401), () => done(false, 401));
      },
    }),
  });
  const rooms = new Map<string, Map<string, Client>>();
  const clients = new Set<Client>();
  const stats = { relayed: 0, errors: 0, terminated: 0, rateLimited: 0 };

  const ready =
    options.port !== undefined
      ? new Promise<void>((resolve, reject) => {
          wss.once('listening', resolve);
          wss.once('error', reject);
        })
      : Promise.resolve();

  const send = (client: Client, message: object | undefined): void => {
    if (message === undefined || client.ws.readyState !== WebSocket.OPEN) return;
    client.ws.send(JSON.stringify(message));
  };

  const broadcast = (room: Map<string, Client>, except: Client, notice: RoomNotice): void => {
    for (const peer of room.values()) if (peer !== except) send(peer, encodeNotice(notice, peer.framing));
  };

  const leave = (client: Client): string | undefined => {
    const name = client.room;
    if (name === undefined) return undefined;
    const room = rooms.get(name);
    const peerId = client.peerId!;
    client.room = client.peerId = undefined;
    if (room) {
      room.delete(peerId);
      if (room.size === 0) rooms.delete(name);
      else broadcast(room, client, { kind: 'peer-left', room: name, peerId });
    }
    return name;
  };

  const join = (client: Client, name: string, wanted: string | undefined) => {
    if (client.room !== undefined) throw new SignalingError(409, 'already-joined', `already in room "${client.room}"; leave first`);
    let room = rooms.get(name);
    if (!room && rooms.size >= o.maxRooms) throw new SignalingError(503, 'too-many-rooms', 'the server has too many rooms');
    if (room && room.size >= o.maxRoomSize) throw new SignalingError(409, 'room-full', `room "${name}" is full (${o.maxRoomSize} peers)`);
    if (wanted !== undefined && room?.has(wanted)) throw new SignalingError(409, 'peer-id-taken', `peer id "${wanted}" is taken in room "${name}"`);
    let peerId = wanted;
    while (peerId === undefined || room?.has(peerId)) peerId = randomUUID().slice(0, 8);
    if (!room) rooms.set(name, (room = new Map()));
    const peers = [...room.keys()];
    room.set(peerId, client);
    client.room = name;
    client.peerId = peerId;
    broadcast(room, client, { kind: 'peer-joined', room: name, peerId });
    return { room: name, peerId, peers };
  };

  const relay = (client: Client, c: Extract<RoomCommand, { kind: 'signal' }>): void => {
    if (client.room === undefined) throw new SignalingError(409, 'not-joined', 'join a room first');
    const target = rooms.get(client.room)?.get(c.to);
    if (!target || target === client) throw new SignalingError(404, 'unknown-peer', `no peer "${c.to}" in room "${client.room}"`);
    const notice: RoomNotice = { kind: 'signal', signal: c.signal, from: client.peerId! };
    if (c.signal === 'candidate') notice.candidate = c.candidate ?? null;
    else notice.sdp = c.sdp!;
    send(target, encodeNotice(notice, target.framing));
    stats.relayed++;
  };

  /** Runs one decoded request; returns the reply (undefined = none). */
  const execute = (client: Client, d: Decoded): object | undefined => {
    try {
      if (d.error) throw d.error;
      client.framing = d.framing;
      const c = d.command!;
      switch (c.kind) {
        case 'join':
          return encodeResult(d, 'joined', join(client, c.room, c.peerId));
        case 'leave': {
          const room = leave(client);
          if (room === undefined) throw new SignalingError(409, 'not-joined', 'not in a room');
          return encodeResult(d, 'left', { room });
        }
        case 'signal':
          relay(client, c);
          return encodeResult(d, undefined, { ok: true });
        case 'ping':
          return encodeResult(d, 'pong', 'pong');
      }
    } catch (err) {
      stats.errors++;
      const e = err instanceof SignalingError ? err : new SignalingError(500, 'internal', errorMessage(err));
      return encodeError(d, e);
    }
  };

  /** Counts a message against the socket's rate; false = drop it. */
  const withinRate = (client: Client): boolean => {
    const now = performance.now();
    if (now - client.windowStart >= 1000) {
      client.windowStart = now;
      client.windowCount = 0;
    }
    const n = ++client.windowCount;
    if (n <= o.maxMessagesPerSecond) return true;
    stats.rateLimited++;
    if (n === o.maxMessagesPerSecond + 1) {
      const err = new SignalingError(429, 'rate-limited', `more than ${o.maxMessagesPerSecond} messages per second; dropping until the next second`);
      send(client, encodeError({ framing: client.framing, id: null }, err));
    } else if (n > o.maxMessagesPerSecond * 10) {
      client.ws.close(1008, 'message flood');
    }
    return false;
  };

  const onMessage = (client: Client, data: RawData, isBinary: boolean): void => {
    client.alive = true;
    if (!withinRate(client)) return;
    const bytes = byteLength(data);
    if (isBinary || bytes > o.maxMessageBytes) {
      stats.errors++;
      const err = isBinary
        ? new SignalingError(400, 'bad-message', 'binary frames are not accepted; send JSON text')
        : new SignalingError(413, 'too-large', `message larger than ${o.maxMessageBytes} bytes`);
      send(client, encodeError({ framing: client.framing, id: null }, err));
      return;
    }
    const { batch, items } = decodeFrame(data.toString(), client.framing);
    const replies = items.map((d) => execute(client, d)).filter((r) => r !== undefined);
    if (!batch) send(client, replies[0]);
    else if (replies.length > 0) send(client, replies); // all notifications: nothing (§6)
  };

  wss.on('connection', (ws) => {
    ws.on('error', () => ws.terminate()); // e.g. 1009 oversize frame; 'close' follows
    if (wss.clients.size > o.maxConnections) {
      ws.close(1013, 'too many connections');
      return;
    }
    const client: Client = { ws, framing: 'plain', alive: true, room: undefined, peerId: undefined, windowStart: performance.now(), windowCount: 0 };
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data, isBinary) => onMessage(client, data, isBinary));
    ws.on('close', () => leave(client));
    clients.add(client);
    ws.once('close', () => clients.delete(client));
  });
  wss.on('error', () => {}); // listen errors surface through `ready`

  // Keep-alive. A tick that comes late (this process was stalled: GC, a busy loop) condemns
  // nobody: the pongs that arrived during the stall are still unread (timers run before I/O
  // in Node's event loop), so silence is not the client's fault. It only pings.
  let lastTick = performance.now();
  const keepAlive =
    o.pingIntervalMs > 0
      ? setInterval(() => {
          const now = performance.now();
          const stalled = now - lastTick > 1.5 * o.pingIntervalMs;
          lastTick = now;
          for (const client of clients) {
            if (!client.alive && !stalled) {
              stats.terminated++;
              client.ws.terminate();
              continue;
            }
            client.alive = false;
            client.ws.ping();
          }
        }, o.pingIntervalMs)
      : undefined;
  keepAlive?.unref();

  return {
    wss,
    ready,
    get port() {
      return options.port !== undefined ? (wss.address() as AddressInfo | null)?.port : undefined;
    },
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    rooms: () => [...rooms].map(([room, peers]) => ({ room, peers: [...peers.keys()] })),
    stats: () => ({
      connections: clients.size,
      rooms: rooms.size,
      peers: [...rooms.values()].reduce((n, r) => n + r.size, 0),
      ...stats,
    }),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(keepAlive);
        for (const client of clients) client.ws.terminate();
        wss.close(() => resolve());
      }),
  };
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
