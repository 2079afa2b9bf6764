// The WebSocket room server, driven by real `ws` clients over loopback.
import t, { type Test } from 'tap';
import fc from 'fast-check';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRoomServer, JsonRpcCode, type RoomServerOptions } from '../../src/signaling/index.js';
import { TestClient } from './ws-client.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n';
const CANDIDATE = { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 61764 typ host', sdpMid: '0', sdpMLineIndex: 0 };
const PONG = { type: 'pong' };

async function start(t: Test, options: RoomServerOptions = {}) {
  const server = createRoomServer({ port: 0, host: '127.0.0.1', ...options });
  await server.ready;
  const clients: TestClient[] = [];
  t.teardown(async () => {
    for (const c of clients) c.ws.terminate();
    await server.close();
  });
  const url = `ws://127.0.0.1:${server.port}`;
  const connect = async (opts?: ConstructorParameters<typeof TestClient>[1]) => {
    const c = await TestClient.open(url, opts);
    clients.push(c);
    return c;
  };
  /** A client that has joined `room` as `peerId` (and drained its join reply). */
  const joined = async (room: string, peerId: string) => {
    const c = await connect();
    const reply = await c.request({ type: 'join', room, peerId });
    if (reply.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(reply)}`);
    return c;
  };
  return { server, url, connect, joined };
}

t.test('rooms: join lists the peers, others hear of it, relays reach the named peer only', async (t) => {
  const { server, connect, joined } = await start(t);
  const a1 = await connect();
  t.same(await a1.request({ type: 'join', room: 'a', peerId: 'alice' }), { type: 'joined', room: 'a', peerId: 'alice', peers: [] });
  const a2 = await connect();
  t.same(await a2.request({ type: 'join', room: 'a', peerId: 'bob' }), { type: 'joined', room: 'a', peerId: 'bob', peers: ['alice'] });
  t.same(await a1.next(), { type: 'peer-joined', room: 'a', peerId: 'bob' });
  const b1 = await joined('b', 'carol');
  const anon = await connect();
  const anonJoin = await anon.request({ type: 'join', room: 'b' });
  t.match(anonJoin, { type: 'joined', room: 'b', peers: ['carol'] });
  t.match(anonJoin.peerId, /^[0-9a-f]{8}$/, 'the server names a peer that did not choose');
  t.same(await b1.next(), { type: 'peer-joined', room: 'b', peerId: anonJoin.peerId });

  a1.send({ type: 'offer', to: 'bob', sdp: SDP });
  t.same(await a2.next(), { type: 'offer', from: 'alice', sdp: SDP });
  a2.send({ type: 'answer', to: 'alice', sdp: SDP });
  t.same(await a1.next(), { type: 'answer', from: 'bob', sdp: SDP });
  a2.send({ type: 'candidate', to: 'alice', candidate: CANDIDATE });
  t.same(await a1.next(), { type: 'candidate', from: 'bob', candidate: { ...CANDIDATE, usernameFragment: null } });
  a2.send({ type: 'candidate', to: 'alice', candidate: null });
  t.same(await a1.next(), { type: 'candidate', from: 'bob', candidate: null }, 'end-of-candidates');

  t.same(await a1.request({ type: 'offer', to: 'carol', sdp: SDP }), {
    type: 'error', code: 'unknown-peer', message: 'no peer "carol" in room "a"', request: 'offer',
  }, 'a peer in another room cannot be reached');
  t.same(await b1.expectNothingBeforePong(), PONG, 'room b heard nothing of room a');
  t.same(server.rooms(), [{ room: 'a', peers: ['alice', 'bob'] }, { room: 'b', peers: ['carol', anonJoin.peerId] }]);
  t.match(server.stats(), { connections: 4, rooms: 2, peers: 4, relayed: 4, errors: 1 });
});

t.test('many rooms at once: 20 pairs exchange 10 signals each, none crosses into another room', async (t) => {
  const { server, joined } = await start(t);
  const pairs = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const a = await joined(`room-${i}`, 'a');
      const b = await joined(`room-${i}`, 'b');
      await a.next(); // peer-joined b
      return { i, a, b };
    }),
  );
  for (const { i, a } of pairs) for (let k = 0; k < 10; k++) a.send({ type: 'offer', to: 'b', sdp: `${SDP}a=room:${i}:${k}\r\n` });
  for (const { i, b } of pairs) {
    for (let k = 0; k < 10; k++) {
      const m = await b.next();
      if (m.sdp !== `${SDP}a=room:${i}:${k}\r\n` || m.from !== 'a') t.fail(`room ${i} got ${JSON.stringify(m)}`);
    }
    t.same(await b.expectNothingBeforePong(), PONG);
  }
  t.equal(server.stats().relayed, 200);
  t.equal(server.stats().rooms, 20);
});

t.test('leave and disconnect tell the room; an emptied room disappears', async (t) => {
  const { server, joined } = await start(t);
  const a = await joined('r', 'a');
  const b = await joined('r', 'b');
  const c = await joined('r', 'c');
  await a.next(); await a.next(); await b.next(); // peer-joined notices
  t.same(await b.request({ type: 'leave' }), { type: 'left', room: 'r' });
  t.same(await a.next(), { type: 'peer-left', room: 'r', peerId: 'b' });
  t.same(await c.next(), { type: 'peer-left', room: 'r', peerId: 'b' });
  t.same(await b.request({ type: 'leave' }), { type: 'error', code: 'not-joined', message: 'not in a room', request: 'leave' });
  c.close();
  t.same(await a.next(), { type: 'peer-left', room: 'r', peerId: 'c' });
  a.close();
  await a.closed;
  t.same(await b.request({ type: 'join', room: 'r', peerId: 'b' }), { type: 'joined', room: 'r', peerId: 'b', peers: [] }, 'the old ids are free again');
  t.same(server.rooms(), [{ room: 'r', peers: ['b'] }]);
});

t.test('bad messages: an error reply each, no state change, nothing reaches the peers', async (t) => {
  const { server, joined } = await start(t);
  const a = await joined('r', 'a');
  const b = await joined('r', 'b');
  t.same(await a.next(), { type: 'peer-joined', room: 'r', peerId: 'b' });
  const cases: [unknown, string][] = [
    ['{not json', 'bad-json'],
    ['"a string"', 'bad-message'],
    ['null', 'bad-message'],
    [{ to: 'b' }, 'missing-field'],
    [{ type: 7 }, 'missing-field'],
    [{ type: 'dance' }, 'unknown-type'],
    [{ type: 'toString' }, 'unknown-type'],
    [{ type: 'offer', sdp: SDP }, 'missing-field'],
    [{ type: 'offer', to: 'b' }, 'missing-field'],
    [{ type: 'offer', to: 'b', sdp: 42 }, 'bad-field'],
    [{ type: 'offer', to: 'b', sdp: 'hello' }, 'bad-sdp'],
    [{ type: 'offer', to: 'b c', sdp: SDP }, 'bad-field'],
    [{ type: 'answer', to: 'a', sdp: SDP }, 'unknown-peer'],
    [{ type: 'candidate', to: 'b' }, 'missing-field'],
    [{ type: 'candidate', to: 'b', candidate: 'candidate:1 1 udp 1 1.1.1.1 1 typ host' }, 'bad-field'],
    [{ type: 'candidate', to: 'b', candidate: { sdpMid: '0' } }, 'missing-field'],
    [{ type: 'candidate', to: 'b', candidate: { candidate: '', sdpMLineIndex: 1.5 } }, 'bad-field'],
    [{ type: 'join', room: 'other' }, 'already-joined'],
    [{ type: 'join' }, 'missing-field'],
  ];
  for (const [message, code] of cases) {
    const reply = await a.request(message);
    t.equal(reply.type, 'error', JSON.stringify(message));
    t.equal(reply.code, code, JSON.stringify(message));
    t.type(reply.message, 'string');
  }
  t.same(await b.expectNothingBeforePong(), PONG, 'b received nothing');
  t.same(server.rooms(), [{ room: 'r', peers: ['a', 'b'] }]);
  a.send({ type: 'offer', to: 'b', sdp: SDP });
  t.same(await b.next(), { type: 'offer', from: 'a', sdp: SDP }, 'a still works');
  t.equal(server.stats().errors, cases.length);

  const outsider = await (await start(t)).connect();
  t.match(await outsider.request({ type: 'offer', to: 'a', sdp: SDP }), { type: 'error', code: 'not-joined' });
  t.match(await outsider.request(Buffer.from('{"type":"ping"}')), { type: 'error', code: 'bad-message' }, 'binary frames');
});

t.test('caps: room size, peer ids, message size (error reply, then 1009 close beyond 4x)', async (t) => {
  const { server, connect, joined } = await start(t, { maxRoomSize: 2, maxMessageBytes: 1024 });
  const a = await joined('r', 'a');
  const b = await joined('r', 'b');
  const c = await connect();
  t.match(await c.request({ type: 'join', room: 'r' }), { type: 'error', code: 'room-full' });
  t.match(await c.request({ type: 'join', room: 's', peerId: 'x'.repeat(129) }), { type: 'error', code: 'bad-field' });
  t.same(await c.request({ type: 'join', room: 's', peerId: 'a' }), { type: 'joined', room: 's', peerId: 'a', peers: [] }, 'ids are per room');
  const d = await connect();
  t.match(await d.request({ type: 'join', room: 's', peerId: 'a' }), { type: 'error', code: 'peer-id-taken' });

  await a.next(); // peer-joined b
  const big = { type: 'offer', to: 'b', sdp: SDP + 'a=x\r\n'.repeat(300) };
  t.same(await a.request(big), { type: 'error', code: 'too-large', message: 'message larger than 1024 bytes' });
  t.same(await b.expectNothingBeforePong(), PONG);
  a.send({ type: 'offer', to: 'b', sdp: SDP + 'a=x\r\n'.repeat(1000) });
  t.equal((await a.closed).code, 1009, 'a frame over the hard cap ends the socket (1009 message too big)');
  t.same(await b.next(), { type: 'peer-left', room: 'r', peerId: 'a' });
  t.equal(server.stats().connections, 3);
});

t.test('caps: connections beyond maxConnections are closed with 1013', async (t) => {
  const { connect } = await start(t, { maxConnections: 2 });
  const a = await connect();
  await connect();
  const c = await connect();
  t.equal((await c.closed).code, 1013, 'try again later');
  t.same(await a.request({ type: 'ping' }), PONG, 'the admitted ones work');
});

t.test('keep-alive: a socket that stops answering pings is terminated and its room told', async (t) => {
  const { server, connect, joined } = await start(t, { pingIntervalMs: 100 });
  const live = await joined('r', 'live');
  const dead = await connect({ autoPong: false });
  t.match(await dead.request({ type: 'join', room: 'r', peerId: 'dead' }), { type: 'joined' });
  t.same(await live.next(), { type: 'peer-joined', room: 'r', peerId: 'dead' });
  t.same(await live.next(), { type: 'peer-left', room: 'r', peerId: 'dead' });
  t.equal((await dead.closed).code, 1006, 'terminated, no close handshake');
  t.equal(server.stats().terminated, 1);
  t.same(server.rooms(), [{ room: 'r', peers: ['live'] }], 'the live socket (auto pong) stays');
});

t.test('keep-alive: a stall of the server itself condemns nobody', async (t) => {
  const { server, joined } = await start(t, { pingIntervalMs: 100 });
  const a = await joined('r', 'a');
  // When the server's ping arrives, the client has already queued its pong; then this whole
  // process (the server included) blocks for 500 ms, so the pong sits unread while the next
  // keep-alive tick comes due.
  await new Promise<void>((resolve) =>
    a.ws.once('ping', () => {
      const until = performance.now() + 500;
      while (performance.now() < until);
      resolve();
    }),
  );
  await new Promise((r) => setTimeout(r, 350)); // a few ordinary ticks after the stall
  t.equal(server.stats().terminated, 0);
  t.equal(a.ws.readyState, a.ws.OPEN, 'still connected');
  if (a.ws.readyState === a.ws.OPEN) t.same(await a.request({ type: 'ping' }), PONG, 'and served');
});

t.test('JSON-RPC 2.0 framing: methods, notifications, errors, mixed with plain clients', async (t) => {
  const { connect, joined } = await start(t);
  const plain = await joined('r', 'plain');
  const rpc = await connect();
  t.same(await rpc.request({ jsonrpc: '2.0', method: 'announce', params: { room: 'r', peerId: 'rpc' }, id: 1 }), {
    jsonrpc: '2.0', result: { room: 'r', peerId: 'rpc', peers: ['plain'] }, id: 1,
  });
  t.same(await plain.next(), { type: 'peer-joined', room: 'r', peerId: 'rpc' }, 'plain clients hear plain notices');

  t.same(await rpc.request({ jsonrpc: '2.0', method: 'offer', params: { to: 'plain', sdp: SDP }, id: 'o1' }), { jsonrpc: '2.0', result: { ok: true }, id: 'o1' });
  t.same(await plain.next(), { type: 'offer', from: 'rpc', sdp: SDP });
  plain.send({ type: 'answer', to: 'rpc', sdp: SDP });
  t.same(await rpc.next(), { jsonrpc: '2.0', method: 'answer', params: { from: 'plain', sdp: SDP } }, 'JSON-RPC clients get notifications');
  plain.send({ type: 'candidate', to: 'rpc', candidate: CANDIDATE });
  t.same(await rpc.next(), { jsonrpc: '2.0', method: 'ice_candidate', params: { from: 'plain', candidate: { ...CANDIDATE, usernameFragment: null } } });
  rpc.send({ jsonrpc: '2.0', method: 'ice_candidate', params: { to: 'plain', candidate: null } }); // a notification: no reply
  t.same(await plain.next(), { type: 'candidate', from: 'rpc', candidate: null });

  const late = await joined('r', 'late');
  t.same(await rpc.next(), { jsonrpc: '2.0', method: 'announce', params: { room: 'r', peerId: 'late' } });
  late.close();
  t.same(await rpc.next(), { jsonrpc: '2.0', method: 'disconnect', params: { room: 'r', peerId: 'late' } });
  await plain.next(); await plain.next();

  const err = (code: number, id: unknown) => ({ jsonrpc: '2.0', error: { code }, id });
  t.match(await rpc.request('{"jsonrpc":"2.0",'), err(JsonRpcCode.PARSE_ERROR, null), 'parse error, id null');
  t.match(await rpc.request({ jsonrpc: '1.0', method: 'offer', id: 3 }), err(JsonRpcCode.INVALID_REQUEST, 3));
  t.match(await rpc.request({ jsonrpc: '2.0', method: 5, id: 4 }), err(JsonRpcCode.INVALID_REQUEST, 4));
  t.match(await rpc.request({ jsonrpc: '2.0', method: 'offer', id: {} }), err(JsonRpcCode.INVALID_REQUEST, null));
  t.match(await rpc.request({ jsonrpc: '2.0', method: 'fly', id: 5 }), err(JsonRpcCode.METHOD_NOT_FOUND, 5));
  t.match(await rpc.request({ jsonrpc: '2.0', method: 'offer', params: { to: 'plain' }, id: 6 }), err(JsonRpcCode.INVALID_PARAMS, 6));
  t.match(await rpc.request({ jsonrpc: '2.0', method: 'offer', params: [1], id: 7 }), err(JsonRpcCode.INVALID_PARAMS, 7));
  t.same(await rpc.request({ jsonrpc: '2.0', method: 'offer', params: { to: 'ghost', sdp: SDP }, id: 8 }), {
    jsonrpc: '2.0', error: { code: JsonRpcCode.SERVER_ERROR, message: 'no peer "ghost" in room "r"', data: { code: 'unknown-peer' } }, id: 8,
  });
  rpc.send({ jsonrpc: '2.0', method: 'fly' }); // a failing notification gets no reply (§4.1)
  t.same(await rpc.request({ jsonrpc: '2.0', method: 'ping', id: 9 }), { jsonrpc: '2.0', result: 'pong', id: 9 });

  const batch = await rpc.request([
    { jsonrpc: '2.0', method: 'ping', id: 'p' },
    { jsonrpc: '2.0', method: 'offer', params: { to: 'plain', sdp: SDP } },
    { jsonrpc: '2.0', method: 'nope', id: 'n' },
  ]);
  t.same(batch, [{ jsonrpc: '2.0', result: 'pong', id: 'p' }, { jsonrpc: '2.0', error: { code: JsonRpcCode.METHOD_NOT_FOUND, message: 'unknown method "nope"' }, id: 'n' }], 'batch: one array of responses');
  t.same(await plain.next(), { type: 'offer', from: 'rpc', sdp: SDP }, 'the notification in the batch ran');
  t.match(await rpc.request([]), err(JsonRpcCode.INVALID_REQUEST, null), 'empty batch');

  t.same(await rpc.request({ jsonrpc: '2.0', method: 'disconnect', id: 10 }), { jsonrpc: '2.0', result: { room: 'r' }, id: 10 });
  t.same(await plain.next(), { type: 'peer-left', room: 'r', peerId: 'rpc' });
});

t.test('rate limit: a flooding socket is told once, dropped, then closed (1008); its room carries on', async (t) => {
  const { server, joined } = await start(t, { maxMessagesPerSecond: 5 });
  const flood = await joined('r', 'flood');
  const calm = await joined('r', 'calm');
  t.same(await flood.next(), { type: 'peer-joined', room: 'r', peerId: 'calm' });
  const received: { type: string; code?: string }[] = [];
  flood.ws.on('message', (d) => received.push(JSON.parse(d.toString())));
  for (let i = 0; i < 300; i++) flood.send({ type: 'ping' });
  t.equal((await flood.closed).code, 1008, 'closed for policy violation');
  const limited = received.filter((m) => m.code === 'rate-limited');
  t.ok(limited.length >= 1, 'told it was rate limited');
  t.ok(received.filter((m) => m.type === 'pong').length < 300, 'not every ping was served');
  t.ok(server.stats().rateLimited > 0);
  t.same(await calm.next(), { type: 'peer-left', room: 'r', peerId: 'flood' });
  t.same(await calm.request({ type: 'ping' }), PONG, 'the other socket is unaffected');
});

t.test('authorize: refused upgrades get 401 and never join', async (t) => {
  const { server, url } = await start(t, { authorize: (req) => req.url === '/?token=secret' });
  const ok = await TestClient.open(`${url}/?token=secret`);
  t.same(await ok.request({ type: 'ping' }), PONG);
  const refused = await TestClient.open(`${url}/?token=guess`).then(
    () => 'connected',
    (err: Error) => err.message,
  );
  t.match(refused, /401/);
  t.equal(server.stats().connections, 1);
  ok.close();
});

t.test('attached to an existing HTTP server on a path, beside plain HTTP', async (t) => {
  const http = createServer((_req, res) => res.end('page'));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const rooms = createRoomServer({ server: http, path: '/ws' });
  t.teardown(async () => {
    await rooms.close();
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
  });
  const port = (http.address() as AddressInfo).port;
  t.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'page');
  const c = await TestClient.open(`ws://127.0.0.1:${port}/ws`);
  t.same(await c.request({ type: 'ping' }), PONG);
  c.close();
});

t.test('noServer mode: handleUpgrade from the application', async (t) => {
  const rooms = createRoomServer({});
  const http = createServer();
  http.on('upgrade', (req, socket, head) => {
    if (req.url === '/signal') rooms.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.teardown(async () => {
    await rooms.close();
    await new Promise((r) => http.close(r));
  });
  const c = await TestClient.open(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/signal`);
  t.match(await c.request({ type: 'join', room: 'x' }), { type: 'joined', room: 'x' });
  t.equal(rooms.stats().peers, 1);
  c.close();
});

t.test('fuzz: arbitrary frames from one client never disturb another room or crash the server', async (t) => {
  const { server, connect, joined } = await start(t, { maxMessagesPerSecond: 1e9 });
  const a = await joined('quiet', 'a');
  const b = await joined('quiet', 'b');
  await a.next();
  const bystander = await joined('noisy', 'a'); // someone the fuzzer can really reach
  const noisy = await connect();
  const frame = fc.oneof(
    fc.string(),
    fc.json(),
    fc.record({
      type: fc.constantFrom('join', 'leave', 'offer', 'answer', 'candidate', 'ping', 'x'),
      room: fc.constantFrom('noisy', 'other', '', 'a/b'),
      to: fc.constantFrom('a', 'b', 'zz', ''),
      sdp: fc.constantFrom(SDP, '', 'v=1'),
      candidate: fc.oneof(fc.constant(null), fc.record({ candidate: fc.string() }), fc.anything()),
    }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
    fc.record({
      jsonrpc: fc.constantFrom('2.0', '1.0'),
      method: fc.constantFrom('announce', 'offer', 'answer', 'ice_candidate', 'disconnect', 'ping', 'x'),
      params: fc.anything(),
      id: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.anything()),
    }, { requiredKeys: ['jsonrpc', 'method'] }).map((o) => JSON.stringify(o)),
    fc.constantFrom('{"type":"join","room":"noisy"}', '{"jsonrpc":"2.0","method":"announce","params":{"room":"noisy"},"id":1}'),
    fc.constantFrom('{"type":"offer","to":"a","sdp":"v=0"}', '{"jsonrpc":"2.0","method":"ice_candidate","params":{"to":"a","candidate":null}}'),
  );
  await fc.assert(
    fc.asyncProperty(frame, async (text) => {
      noisy.send(text);
      // sync: the plain ping's pong follows whatever replies the frame produced
      noisy.send({ type: 'ping' });
      for (;;) {
        const m = await noisy.next();
        if (m && m.type === 'pong') return true;
      }
    }),
    { numRuns: 400, seed: 62 },
  );
  t.same(server.rooms().find((r) => r.room === 'quiet'), { room: 'quiet', peers: ['a', 'b'] });
  t.ok(server.stats().relayed > 0, 'the fuzzer did get messages relayed (in its own room)');
  bystander.ws.terminate();
  t.same(await b.expectNothingBeforePong(), PONG, 'b heard nothing from the fuzzer');
  a.send({ type: 'offer', to: 'b', sdp: SDP });
  t.same(await b.next(), { type: 'offer', from: 'a', sdp: SDP }, 'room quiet still relays');
});
