/**
 * HTTP signaling: a `node:http` request handler that turns HTTP requests into calls on
 * injected functions (a server endpoint's `accept`, or an offering peer's
 * `createOffer`/`applyAnswer`). Non-trickle by default: every SDP carries its candidates.
 *
 * Routes (relative to `basePath`, default ''):
 *
 *   POST   /offer          client offers, server answers (WHIP-style, RFC 9725 §4.2)
 *                          body `application/sdp` (the offer)   -> 201, `application/sdp` answer
 *                          body JSON `{type:'offer', sdp}`      -> 201, `{type:'answer', sdp, id}`
 *                          both with `Location: <basePath>/session/<id>`
 *   POST   /connect        server offers: optional JSON body (passed to createOffer)
 *                                                               -> 201, `{type:'offer', sdp, id}`
 *   POST   /answer         `{id, sdp[, type:'answer']}`         -> 200, `{ok:true, id}`
 *   POST   /candidate      `{id, candidate, sdpMid?, sdpMLineIndex?}` (candidate '' or null =
 *                          end of candidates)                   -> 200, `{ok:true, id}`
 *   PATCH  /session/:id    WHIP trickle, `application/trickle-ice-sdpfrag` body  -> 204
 *   DELETE /session/:id    ends the session (WHIP §4.2)         -> 200, `{ok:true, id}`
 *
 * Errors are JSON `{error, code}`: 400 malformed body / missing or mistyped field, 404 unknown
 * route (or a handler's `SignalingError(404)` for an unknown session), 405 wrong method, 413
 * body over `maxBodyBytes`, 415 unsupported Content-Type, 501 route whose handler was not
 * given, 500 a handler threw (its message is returned; but a thrown DOMException OperationError /
 * InvalidAccessError / SyntaxError / TypeError is 400 and InvalidStateError 409), 504 a handler still running after
 * `handlerTimeoutMs`. A failing request never affects
 * another one, and nothing thrown escapes the handler.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignalingError, errorMessage } from './errors.js';
import { readBody } from './http-body.js';
import { type TrickleCandidate, parseTrickleSdpFrag } from './trickle-sdpfrag.js';
import {
  type JsonObject,
  MAX_CANDIDATE_LENGTH,
  checkSdpText,
  checkType,
  MAX_SDP_LENGTH,
  optionalInteger,
  optionalString,
  parseJsonObject,
  requireId,
  requireSdp,
  ID_PATTERN,
} from './validate.js';

/** What a handler learns about the request that created a session. */
export interface SessionContext {
  /** The session id this request creates (a random UUID); the handler may return its own. */
  id: string;
  remoteAddress: string | undefined;
  request: IncomingMessage;
}

/** A handler may return the SDP alone, or the SDP with its own session id. */
export type SdpResult = string | { sdp: string; id?: string };
type MaybePromise<T> = T | Promise<T>;

export interface HttpSignalingOptions {
  /** Client offers, server answers: returns the answer SDP (candidates included). */
  accept?: (offerSdp: string, context: SessionContext) => MaybePromise<SdpResult>;
  /** Server offers: returns the offer SDP; `options` is the JSON body of POST /connect ({} if none). */
  createOffer?: (options: JsonObject, context: SessionContext) => MaybePromise<SdpResult>;
  /** Applies the client's answer to the session `id` made by createOffer. */
  applyAnswer?: (id: string, answerSdp: string) => MaybePromise<void>;
  /** A trickled remote candidate for session `id`; `candidate: ''` is end-of-candidates. */
  addCandidate?: (id: string, candidate: TrickleCandidate) => MaybePromise<void>;
  /** DELETE /session/:id. */
  close?: (id: string) => MaybePromise<void>;
  /** Largest request body accepted (default 64 KiB). */
  maxBodyBytes?: number;
  /** A request whose handler has not finished by then is answered 504 (default 30000 ms). */
  handlerTimeoutMs?: number;
  /** Path prefix the routes live under, e.g. '/signal' (default ''). */
  basePath?: string;
  /** Sets `Access-Control-Allow-Origin` (and answers CORS preflights) when given, e.g. '*'. */
  allowOrigin?: string;
}

/** `next` (as in Connect/Express middleware) is called for paths outside the routes. */
export type HttpSignalingHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

export const DEFAULT_HTTP_SIGNALING_OPTIONS = { maxBodyBytes: 64 * 1024, basePath: '', handlerTimeoutMs: 30_000 } as const;

const SDP_TYPE = 'application/sdp';
const SDPFRAG_TYPE = 'application/trickle-ice-sdpfrag';
const JSON_TYPE = 'application/json';

interface Route {
  method: string;
  run(req: IncomingMessage, res: ServerResponse, sessionId: string | undefined): Promise<void>;
}

export function createHttpSignaling(options: HttpSignalingOptions): HttpSignalingHandler {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_HTTP_SIGNALING_OPTIONS.maxBodyBytes;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? DEFAULT_HTTP_SIGNALING_OPTIONS.handlerTimeoutMs;
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  const sessionPath = (id: string) => `${basePath}/session/${encodeURIComponent(id)}`;

  const need = <K extends 'accept' | 'createOffer' | 'applyAnswer' | 'addCandidate' | 'close'>(name: K) => {
    const fn = options[name];
    if (!fn) throw new SignalingError(501, 'not-implemented', `this server does not implement ${name}`);
    return fn as NonNullable<HttpSignalingOptions[K]>;
  };
  const context = (req: IncomingMessage): SessionContext => ({ id: randomUUID(), remoteAddress: req.socket.remoteAddress, request: req });
  const readJson = async (req: IncomingMessage, optional = false): Promise<JsonObject> => {
    const type = mediaType(req);
    if (type !== undefined && type !== JSON_TYPE) throw unsupported(type, JSON_TYPE);
    const text = await readBody(req, maxBodyBytes);
    if (optional && text.trim() === '') return {};
    return parseJsonObject(text);
  };

  /** 201 with the new session's SDP: JSON `{type, sdp, id}`, and where the session lives. */
  const created = (res: ServerResponse, type: 'offer' | 'answer', result: { sdp: string; id: string }): void =>
    sendJson(res, 201, { type, sdp: result.sdp, id: result.id }, { location: sessionPath(result.id) });

  const offer: Route = {
    method: 'POST',
    async run(req, res) {
      const accept = need('accept');
      const whip = mediaType(req) === SDP_TYPE; // RFC 9725 §4.2: the body is the bare offer
      const sdp = whip ? checkSdpText(await readBody(req, maxBodyBytes)) : offerSdp(await readJson(req));
      const ctx = context(req);
      const result = normalize(await accept(sdp, ctx), ctx.id);
      if (whip) send(res, 201, result.sdp, { 'content-type': SDP_TYPE, location: sessionPath(result.id) });
      else created(res, 'answer', result);
    },
  };

  const connect: Route = {
    method: 'POST',
    async run(req, res) {
      const createOffer = need('createOffer');
      const body = await readJson(req, true);
      const ctx = context(req);
      created(res, 'offer', normalize(await createOffer(body, ctx), ctx.id));
    },
  };

  const answer: Route = {
    method: 'POST',
    async run(req, res) {
      const applyAnswer = need('applyAnswer');
      const body = await readJson(req);
      checkType(body, 'answer');
      const id = requireId(body, 'id');
      await applyAnswer(id, requireSdp(body));
      sendJson(res, 200, { ok: true, id });
    },
  };

  const candidate: Route = {
    method: 'POST',
    async run(req, res) {
      const addCandidate = need('addCandidate');
      const body = await readJson(req);
      const id = requireId(body, 'id');
      await addCandidate(id, candidateInit(body));
      sendJson(res, 200, { ok: true, id });
    },
  };

  const trickle: Route = {
    method: 'PATCH',
    async run(req, res, id) {
      const addCandidate = need('addCandidate');
      const type = mediaType(req);
      if (type !== SDPFRAG_TYPE) throw unsupported(type, SDPFRAG_TYPE);
      for (const c of parseTrickleSdpFrag(await readBody(req, maxBodyBytes))) await addCandidate(id!, c);
      send(res, 204, '');
    },
  };

  const remove: Route = {
    method: 'DELETE',
    async run(req, res, id) {
      const close = need('close');
      req.resume();
      await close(id!);
      sendJson(res, 200, { ok: true, id });
    },
  };

  const fixed = new Map<string, Route>([
    [`${basePath}/offer`, offer],
    [`${basePath}/connect`, connect],
    [`${basePath}/answer`, answer],
    [`${basePath}/candidate`, candidate],
  ]);
  const sessionPrefix = `${basePath}/session/`;

  return (req, res, next) => {
    const path = pathOf(req.url);
    let routes: Route[] | undefined;
    let sessionId: string | undefined;
    const route = path === undefined ? undefined : fixed.get(path);
    if (route) routes = [route];
    else if (path?.startsWith(sessionPrefix)) {
      sessionId = safeDecode(path.slice(sessionPrefix.length));
      routes = [trickle, remove];
    }
    if (!routes && next) {
      next(); // not ours: the application's route, untouched
      return;
    }
    if (options.allowOrigin !== undefined) res.setHeader('access-control-allow-origin', options.allowOrigin);
    if (!routes) {
      fail(req, res, new SignalingError(404, 'not-found', `no route ${req.method} ${path ?? req.url}`));
      return;
    }
    const allow = routes.map((r) => r.method).join(', ');
    if (req.method === 'OPTIONS') {
      req.resume();
      send(res, 204, '', {
        allow: `${allow}, OPTIONS`,
        ...(options.allowOrigin !== undefined && {
          'access-control-allow-methods': `${allow}, OPTIONS`,
          'access-control-allow-headers': 'content-type, authorization',
          'access-control-expose-headers': 'location',
        }),
      });
      return;
    }
    const chosen = routes.find((r) => r.method === req.method);
    if (!chosen) {
      res.setHeader('allow', `${allow}, OPTIONS`);
      fail(req, res, new SignalingError(405, 'method-not-allowed', `${req.method} not allowed on ${path}; use ${allow}`));
      return;
    }
    if (sessionId !== undefined && !ID_PATTERN.test(sessionId)) {
      fail(req, res, new SignalingError(400, 'bad-field', 'malformed session id in path'));
      return;
    }
    // A handler that never settles (say, ICE gathering that never completes) costs its own
    // request a 504, nothing more.
    const timer = setTimeout(() => fail(req, res, new SignalingError(504, 'timeout', `no answer from the handler within ${handlerTimeoutMs} ms`)), handlerTimeoutMs);
    chosen
      .run(req, res, sessionId)
      .catch((err: unknown) => fail(req, res, err))
      .finally(() => clearTimeout(timer));
  };
}

function offerSdp(body: JsonObject): string {
  checkType(body, 'offer');
  return requireSdp(body);
}

/** A validated `RTCIceCandidateInit` from a POST /candidate body. */
function candidateInit(body: JsonObject): TrickleCandidate {
  return {
    candidate: optionalString(body, 'candidate', MAX_CANDIDATE_LENGTH) ?? '',
    sdpMid: optionalString(body, 'sdpMid', 64) ?? null,
    sdpMLineIndex: optionalInteger(body, 'sdpMLineIndex', 0, 65535) ?? null,
    usernameFragment: optionalString(body, 'usernameFragment', 256) ?? null,
  };
}

function normalize(result: SdpResult, id: string): { sdp: string; id: string } {
  const out = typeof result === 'string' ? { sdp: result, id } : { sdp: result.sdp, id: result.id ?? id };
  if (typeof out.sdp !== 'string' || out.sdp.length > MAX_SDP_LENGTH) throw new Error('handler returned no SDP');
  return out;
}

const REFUSED_DOM_ERRORS: Record<string, number> = {
  OperationError: 400,
  InvalidAccessError: 400,
  SyntaxError: 400,
  TypeError: 400,
  InvalidStateError: 409,
};

/** The HTTP status for something a handler (or validation) threw. */
export function statusOf(err: unknown): number {
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599) return status;
  // A typed SDP parse error means the client's description was malformed: its fault.
  if ((err as { layer?: unknown } | null)?.layer === 'sdp') return 400;
  // The W3C errors tsrtc's peer connection and endpoint throw at a description or candidate
  // they refuse (webrtc-pc §4.4.1.5/6): the request was wrong, or came at the wrong time.
  if (err instanceof DOMException) return REFUSED_DOM_ERRORS[err.name] ?? 500;
  return 500;
}

function fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const status = statusOf(err);
  const code = err instanceof SignalingError ? err.code : status === 500 ? 'internal' : 'rejected';
  if (res.headersSent) return; // answered already (e.g. 504 before the handler failed)
  // The body may still be arriving (oversize, or never read): close rather than keep the socket.
  if (!req.complete) res.setHeader('connection', 'close');
  sendJson(res, status, { error: errorMessage(err), code });
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, JSON.stringify(value), { 'content-type': JSON_TYPE, ...headers });
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return; // already answered (a 504 beat a late handler)
  res.writeHead(status, { 'cache-control': 'no-store', ...headers });
  res.end(body);
}

function mediaType(req: IncomingMessage): string | undefined {
  const header = req.headers['content-type'];
  return header === undefined ? undefined : header.split(';')[0]!.trim().toLowerCase();
}

function unsupported(type: string | undefined, expected: string): SignalingError {
  return new SignalingError(415, 'unsupported-media-type', `Content-Type ${type ?? '(none)'} not supported here; send ${expected}`);
}

function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '\0'; // fails the id pattern: 400
  }
}

export interface HttpSignalingServer {
  server: Server;
  port: number;
  /** e.g. `http://127.0.0.1:8080` */
  url: string;
  close(): Promise<void>;
}

/**
 * A `node:http` server running only the signaling routes (everything else is 404).
 * `port` 0 (the default) picks a free port; `host` defaults to 127.0.0.1.
 */
export async function startHttpSignalingServer(
  options: HttpSignalingOptions & { port?: number; host?: string },
): Promise<HttpSignalingServer> {
  const handler = createHttpSignaling(options);
  const server = createServer((req, res) => handler(req, res));
  server.requestTimeout = 30_000; // slow-body clients are cut off (Node's default is 300 s)
  server.headersTimeout = 10_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
