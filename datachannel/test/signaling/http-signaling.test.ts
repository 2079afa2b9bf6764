// HTTP signaling against real HTTP requests (fetch / node:http) with injected fake handlers.
import t, { type Test } from 'tap';
import fc from 'fast-check';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createHttpSignaling,
  startHttpSignalingServer,
  SignalingError,
  type HttpSignalingOptions,
  type TrickleCandidate,
} from '../../src/signaling/index.js';

const OFFER = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n';
const answerFor = (offer: string) => offer.replace('o=- 1 1', 'o=- 2 2');

/** Fake handlers that record calls; `accept` answers by rewriting the origin line. */
function fakes() {
  const calls: { name: string; args: unknown[] }[] = [];
  const options: HttpSignalingOptions = {
    accept: (sdp, ctx) => {
      calls.push({ name: 'accept', args: [sdp, ctx.id] });
      return answerFor(sdp);
    },
    createOffer: (opts, ctx) => {
      calls.push({ name: 'createOffer', args: [opts, ctx.id] });
      return { sdp: OFFER, id: `srv-${calls.length}` };
    },
    applyAnswer: (id, sdp) => {
      calls.push({ name: 'applyAnswer', args: [id, sdp] });
      if (id === 'nope') throw new SignalingError(404, 'unknown-session', `no session ${id}`);
    },
    addCandidate: (id, c) => void calls.push({ name: 'addCandidate', args: [id, c] }),
    close: (id) => void calls.push({ name: 'close', args: [id] }),
  };
  return { calls, options };
}

async function serve(t: Test, options: HttpSignalingOptions) {
  const s = await startHttpSignalingServer(options);
  t.teardown(() => s.close());
  return s;
}

const post = (url: string, body: string, type = 'application/json') =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': type } });

t.test('POST /offer with JSON: 201, answer, Location naming the session', async (t) => {
  const { calls, options } = fakes();
  const s = await serve(t, options);
  const res = await post(`${s.url}/offer`, JSON.stringify({ type: 'offer', sdp: OFFER }));
  t.equal(res.status, 201);
  const body = (await res.json()) as { type: string; sdp: string; id: string };
  t.equal(body.type, 'answer');
  t.equal(body.sdp, answerFor(OFFER));
  t.equal(calls.length, 1);
  t.equal(calls[0]!.args[0], OFFER);
  t.equal(body.id, calls[0]!.args[1], 'the id in the reply is the one the handler was given');
  t.equal(res.headers.get('location'), `/session/${body.id}`);
});

t.test('POST /offer with application/sdp (WHIP): SDP in, SDP out', async (t) => {
  const { options } = fakes();
  const s = await serve(t, options);
  const res = await post(`${s.url}/offer`, OFFER, 'application/sdp');
  t.equal(res.status, 201);
  t.equal(res.headers.get('content-type'), 'application/sdp');
  t.match(res.headers.get('location'), /^\/session\/[0-9a-f-]{36}$/);
  t.equal(await res.text(), answerFor(OFFER));
});

t.test('malformed bodies get 400 {error, code} and never reach the handler', async (t) => {
  const { calls, options } = fakes();
  const s = await serve(t, options);
  const cases: [string, string, string][] = [
    ['{"type":"offer",', 'bad-json', 'truncated JSON'],
    ['[1,2]', 'bad-json', 'array instead of object'],
    ['null', 'bad-json', 'null'],
    ['{"type":"offer"}', 'missing-field', 'no sdp'],
    ['{"type":"offer","sdp":42}', 'bad-field', 'sdp not a string'],
    ['{"type":"answer","sdp":"v=0"}', 'bad-field', 'wrong type'],
    ['{"type":"offer","sdp":"hello"}', 'bad-sdp', 'not SDP'],
    ['', 'bad-json', 'empty body'],
  ];
  for (const [body, code, what] of cases) {
    const res = await post(`${s.url}/offer`, body);
    t.equal(res.status, 400, what);
    const json = (await res.json()) as { error: string; code: string };
    t.equal(json.code, code, what);
    t.type(json.error, 'string');
  }
  const sdpRes = await post(`${s.url}/offer`, 'not sdp', 'application/sdp');
  t.equal(sdpRes.status, 400, 'application/sdp body that is not SDP');
  t.equal(calls.length, 0);
});

t.test('answer/candidate/session ids are validated', async (t) => {
  const { calls, options } = fakes();
  const s = await serve(t, options);
  let res = await post(`${s.url}/answer`, JSON.stringify({ sdp: OFFER }));
  t.equal(res.status, 400);
  t.equal(((await res.json()) as { code: string }).code, 'missing-field');
  res = await post(`${s.url}/answer`, JSON.stringify({ id: 'a b/c', sdp: OFFER }));
  t.equal(res.status, 400, 'id with forbidden characters');
  res = await post(`${s.url}/answer`, JSON.stringify({ id: 7, sdp: OFFER }));
  t.equal(res.status, 400, 'numeric id');
  res = await post(`${s.url}/candidate`, JSON.stringify({ id: 'x', candidate: 5 }));
  t.equal(res.status, 400, 'candidate not a string');
  res = await post(`${s.url}/candidate`, JSON.stringify({ id: 'x', candidate: 'candidate:1', sdpMLineIndex: -1 }));
  t.equal(res.status, 400, 'negative sdpMLineIndex');
  res = await fetch(`${s.url}/session/%E0%A4%A`, { method: 'DELETE' });
  t.equal(res.status, 400, 'undecodable id in path');
  t.equal(calls.length, 0);
});

t.test('oversize bodies: 413, whether declared or streamed', async (t) => {
  const { calls, options } = fakes();
  const s = await serve(t, { ...options, maxBodyBytes: 1000 });
  const big = JSON.stringify({ type: 'offer', sdp: OFFER + 'a=x'.repeat(500) });
  const res = await post(`${s.url}/offer`, big);
  t.equal(res.status, 413);
  t.equal(((await res.json()) as { code: string }).code, 'too-large');

  // chunked, no Content-Length: the cap applies to the running total
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${s.url}/offer`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (r) => {
      r.resume();
      resolve(r.statusCode!);
    });
    req.on('error', reject);
    let n = 0;
    const pump = () => {
      while (n < 50 && req.write('x'.repeat(100))) n++;
      if (n < 50) req.once('drain', pump);
      else req.end();
    };
    pump();
  });
  t.equal(status, 413);
  t.equal(calls.length, 0);
  const ok = await post(`${s.url}/offer`, JSON.stringify({ sdp: OFFER }));
  t.equal(ok.status, 201, 'the server still serves the next request');
});

t.test('invalid UTF-8 and unsupported Content-Type', async (t) => {
  const { options } = fakes();
  const s = await serve(t, options);
  const res = await fetch(`${s.url}/offer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
  });
  t.equal(res.status, 400);
  t.equal(((await res.json()) as { code: string }).code, 'bad-encoding');
  const form = await post(`${s.url}/offer`, 'a=b', 'application/x-www-form-urlencoded');
  t.equal(form.status, 415);
  const patch = await fetch(`${s.url}/session/abc`, { method: 'PATCH', body: 'a=mid:0', headers: { 'content-type': 'application/json' } });
  t.equal(patch.status, 415);
});

t.test('handler failures: 500 with the message, status from SignalingError, 400/409 for SDP and W3C errors; others unaffected', async (t) => {
  let n = 0;
  const s = await serve(t, {
    accept: (sdp) => {
      n++;
      if (sdp.includes('boom')) throw new Error('endpoint exploded');
      if (sdp.includes('full')) throw new SignalingError(503, 'busy', 'too many peers');
      if (sdp.includes('parse')) throw Object.assign(new Error('bad m= line'), { layer: 'sdp', code: 'syntax' });
      if (sdp.includes('reject')) return Promise.reject('a string, not an Error');
      if (sdp.includes('refused')) throw new DOMException('accept: no m=application section', 'OperationError');
      if (sdp.includes('closed')) throw new DOMException('accept: endpoint closed', 'InvalidStateError');
      return answerFor(sdp);
    },
  });
  const send = (extra: string) => post(`${s.url}/offer`, JSON.stringify({ sdp: OFFER + extra }));
  const [boom, full, parse, reject, refused, closed, fine] = await Promise.all(
    ['boom', 'full', 'parse', 'reject', 'refused', 'closed', ''].map(send),
  );
  t.equal(boom.status, 500);
  t.same(await boom.json(), { error: 'endpoint exploded', code: 'internal' });
  t.equal(full.status, 503);
  t.same(await full.json(), { error: 'too many peers', code: 'busy' });
  t.equal(parse.status, 400);
  t.equal(reject.status, 500);
  t.same(await reject.json(), { error: 'a string, not an Error', code: 'internal' });
  t.equal(refused.status, 400, 'a W3C OperationError: the offer was refused');
  t.same(await refused.json(), { error: 'accept: no m=application section', code: 'rejected' });
  t.equal(closed.status, 409, 'InvalidStateError: wrong time');
  t.equal(fine.status, 201);
  t.equal(n, 7);
});

t.test('a slow session does not hold up another one', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const order: string[] = [];
  const s = await serve(t, {
    accept: async (sdp) => {
      if (sdp.includes('slow')) await gate;
      order.push(sdp.includes('slow') ? 'slow' : 'fast');
      return answerFor(sdp);
    },
  });
  const slow = post(`${s.url}/offer`, JSON.stringify({ sdp: OFFER + 'slow' }));
  const fast = await post(`${s.url}/offer`, JSON.stringify({ sdp: OFFER }));
  t.equal(fast.status, 201);
  t.same(order, ['fast']);
  release();
  t.equal((await slow).status, 201);
  t.same(order, ['fast', 'slow']);
});

t.test('a handler that never settles costs its request a 504, nothing more', async (t) => {
  let late!: (sdp: string) => void;
  const s = await serve(t, {
    handlerTimeoutMs: 50,
    accept: (sdp) => (sdp.includes('hang') ? new Promise<string>((resolve) => (late = resolve)) : answerFor(sdp)),
  });
  const hung = await post(`${s.url}/offer`, JSON.stringify({ sdp: OFFER + 'hang' }));
  t.equal(hung.status, 504);
  t.equal(((await hung.json()) as { code: string }).code, 'timeout');
  late(answerFor(OFFER)); // the late answer is dropped, not written twice
  const ok = await post(`${s.url}/offer`, JSON.stringify({ sdp: OFFER }));
  t.equal(ok.status, 201);
});

t.test('server-as-offerer: /connect, /answer, /candidate, PATCH trickle, DELETE', async (t) => {
  const { calls, options } = fakes();
  const s = await serve(t, options);
  let res = await fetch(`${s.url}/connect`, { method: 'POST' });
  t.equal(res.status, 201, 'empty body is allowed');
  const offer = (await res.json()) as { type: string; sdp: string; id: string };
  t.same(offer, { type: 'offer', sdp: OFFER, id: 'srv-1' });
  t.same(calls[0]!.args[0], {});
  res = await post(`${s.url}/connect`, JSON.stringify({ label: 'video' }));
  t.same(calls[1]!.args[0], { label: 'video' }, 'the JSON body reaches createOffer');
  await res.body?.cancel();

  res = await post(`${s.url}/answer`, JSON.stringify({ type: 'answer', id: offer.id, sdp: OFFER }));
  t.equal(res.status, 200);
  t.same(await res.json(), { ok: true, id: 'srv-1' });
  t.same(calls[2], { name: 'applyAnswer', args: ['srv-1', OFFER] });
  res = await post(`${s.url}/answer`, JSON.stringify({ id: 'nope', sdp: OFFER }));
  t.equal(res.status, 404, 'unknown session from the handler');

  res = await post(`${s.url}/candidate`, JSON.stringify({ id: 'srv-1', candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host', sdpMid: '0' }));
  t.equal(res.status, 200);
  res = await post(`${s.url}/candidate`, JSON.stringify({ id: 'srv-1', candidate: null }));
  t.equal(res.status, 200);
  const cands = calls.filter((c) => c.name === 'addCandidate').map((c) => c.args[1] as TrickleCandidate);
  t.same(cands, [
    { candidate: 'candidate:1 1 udp 1 1.2.3.4 5 typ host', sdpMid: '0', sdpMLineIndex: null, usernameFragment: null },
    { candidate: '', sdpMid: null, sdpMLineIndex: null, usernameFragment: null },
  ]);

  const frag = 'a=ice-ufrag:EsAw\r\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:0\r\n' +
    'a=candidate:1 1 udp 2122260223 192.0.2.1 61764 typ host\r\na=end-of-candidates\r\n';
  res = await fetch(`${s.url}/session/srv-1`, { method: 'PATCH', body: frag, headers: { 'content-type': 'application/trickle-ice-sdpfrag' } });
  t.equal(res.status, 204);
  const trickled = calls.filter((c) => c.name === 'addCandidate').slice(2).map((c) => c.args);
  t.same(trickled, [
    ['srv-1', { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 61764 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'EsAw' }],
    ['srv-1', { candidate: '', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'EsAw' }],
  ]);

  res = await fetch(`${s.url}/session/srv-1`, { method: 'DELETE' });
  t.equal(res.status, 200);
  t.same(calls.at(-1), { name: 'close', args: ['srv-1'] });
});

t.test('routing: 404, 405 with Allow, 501 for a missing handler, CORS preflight', async (t) => {
  const s = await serve(t, { accept: (sdp) => answerFor(sdp), allowOrigin: '*' });
  let res = await fetch(`${s.url}/nowhere`);
  t.equal(res.status, 404);
  res = await fetch(`${s.url}/offer`);
  t.equal(res.status, 405);
  t.equal(res.headers.get('allow'), 'POST, OPTIONS');
  res = await fetch(`${s.url}/connect`, { method: 'POST' });
  t.equal(res.status, 501);
  t.equal(((await res.json()) as { code: string }).code, 'not-implemented');
  res = await fetch(`${s.url}/offer`, { method: 'OPTIONS' });
  t.equal(res.status, 204);
  t.equal(res.headers.get('access-control-allow-origin'), '*');
  t.match(res.headers.get('access-control-allow-methods'), /POST/);
  t.equal(res.headers.get('access-control-expose-headers'), 'location');
});

t.test('mounted under a basePath beside other routes (next)', async (t) => {
  const handler = createHttpSignaling({ accept: (sdp) => answerFor(sdp), basePath: '/signal/', allowOrigin: 'https://app.example' });
  const server: Server = createServer((req, res) => handler(req, res, () => res.end('app route')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const res = await post(`${url}/signal/offer?x=1`, JSON.stringify({ sdp: OFFER }));
  t.equal(res.status, 201);
  t.match(res.headers.get('location'), /^\/signal\/session\//);
  t.equal(res.headers.get('access-control-allow-origin'), 'https://app.example');
  const app = await fetch(`${url}/index.html`);
  t.equal(await app.text(), 'app route');
  t.equal(app.headers.get('access-control-allow-origin'), null, 'application routes get no CORS header from us');
  t.equal(await (await fetch(`${url}/offer`)).text(), 'app route', 'routes outside basePath are not ours');
});

t.test('fuzz: arbitrary bodies on every route never produce a 500 or stop the server', async (t) => {
  const { options } = fakes();
  const s = await serve(t, options);
  const routes = ['/offer', '/answer', '/candidate', '/connect'];
  const statuses = new Set<number>();
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...routes),
      fc.oneof(
        fc.string(),
        fc.json(),
        fc.record({ type: fc.string(), sdp: fc.oneof(fc.string(), fc.constant(OFFER)), id: fc.oneof(fc.string(), fc.integer()) }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
        fc.record({ id: fc.stringMatching(/^[a-z0-9]{1,8}$/), candidate: fc.oneof(fc.string(), fc.constant(null)), sdpMid: fc.anything() }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
      ),
      async (route, body) => {
        const res = await post(`${s.url}${route}`, body);
        await res.arrayBuffer();
        statuses.add(res.status);
        return res.status < 500 || res.status === 501;
      },
    ),
    { numRuns: 300, seed: 6 },
  );
  t.ok(statuses.has(400), 'invalid bodies were rejected');
  t.ok([...statuses].some((x) => x === 200 || x === 201), 'some valid bodies were accepted');
  const ok = await post(`${s.url}/offer`, JSON.stringify({ sdp: OFFER }));
  t.equal(ok.status, 201);
});
