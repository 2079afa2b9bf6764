import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ClientHello } from './messages/client-hello.js';

/**
 * Stateless HelloVerifyRequest cookies (RFC 6347 §4.2.1): Cookie = HMAC(Secret, Client-Parameters).
 * The endpoint already belongs to one ICE-authenticated peer, so the client address is not
 * mixed in; the parameters are the hello's version, random, session_id and cipher_suites.
 */
export const COOKIE_LENGTH = 20;

export function computeCookie(secret: Uint8Array, hello: ClientHello): Uint8Array {
  const h = createHmac('sha256', secret);
  h.update(Uint8Array.of(hello.clientVersion >>> 8, hello.clientVersion & 0xff));
  h.update(hello.random);
  h.update(hello.sessionId);
  for (const s of hello.cipherSuites) h.update(Uint8Array.of(s >>> 8, s & 0xff));
  return h.digest().subarray(0, COOKIE_LENGTH);
}

export function verifyCookie(secret: Uint8Array, hello: ClientHello): boolean {
  if (hello.cookie.length !== COOKIE_LENGTH) return false;
  return timingSafeEqual(hello.cookie, computeCookie(secret, hello));
}
