/**
 * The State Cookie (RFC 9260 §5.1.3): everything the passive side needs to build the
 * association, signed with HMAC-SHA256 under a secret only this endpoint knows, so no state is
 * kept between INIT-ACK and COOKIE-ECHO. Tie-tags (§5.2.2) let a COOKIE-ECHO be matched
 * against an existing association in the collision cases of §5.2.4.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { put16, put32, u16, u32 } from './packet/bytes.js';

export interface CookieContents {
  /** when the cookie was made, on the engine's clock (ms) */
  created: number;
  localTag: number;
  localInitialTsn: number;
  peerTag: number;
  peerInitialTsn: number;
  peerARwnd: number;
  peerOutboundStreams: number;
  peerInboundStreams: number;
  peerForwardTsn: boolean;
  peerReconfig: boolean;
  /** the peer accepts RFC 9653 zero checksum (method DTLS) */
  peerZeroChecksum: boolean;
  /** the peer supports I-DATA and I-FORWARD-TSN (RFC 8260) */
  peerIData?: boolean;
  localTieTag: number;
  peerTieTag: number;
}

const MAGIC = 0x74735331; // "tsS1"
const BODY = 4 + 8 + 4 * 6 + 2 * 2 + 1 + 4 * 2; // 49
const MAC = 32;
export const COOKIE_SIZE = BODY + MAC;

export function signCookie(key: Uint8Array, c: CookieContents): Uint8Array {
  const out = new Uint8Array(COOKIE_SIZE);
  const dv = new DataView(out.buffer);
  put32(out, 0, MAGIC);
  dv.setFloat64(4, c.created);
  put32(out, 12, c.localTag);
  put32(out, 16, c.localInitialTsn);
  put32(out, 20, c.peerTag);
  put32(out, 24, c.peerInitialTsn);
  put32(out, 28, c.peerARwnd);
  put32(out, 32, 0);
  put16(out, 36, c.peerOutboundStreams);
  put16(out, 38, c.peerInboundStreams);
  out[40] = (c.peerForwardTsn ? 1 : 0) | (c.peerReconfig ? 2 : 0) | (c.peerZeroChecksum ? 4 : 0) | (c.peerIData ? 8 : 0);
  put32(out, 41, c.localTieTag);
  put32(out, 45, c.peerTieTag);
  out.set(createHmac('sha256', key).update(out.subarray(0, BODY)).digest(), BODY);
  return out;
}

/** Verifies and decodes a cookie; undefined when forged, truncated or not ours. */
export function verifyCookie(key: Uint8Array, cookie: Uint8Array): CookieContents | undefined {
  if (cookie.length !== COOKIE_SIZE || u32(cookie, 0) !== MAGIC) return undefined;
  const mac = createHmac('sha256', key).update(cookie.subarray(0, BODY)).digest();
  if (!timingSafeEqual(mac, cookie.subarray(BODY))) return undefined;
  const dv = new DataView(cookie.buffer, cookie.byteOffset, cookie.byteLength);
  return {
    created: dv.getFloat64(4),
    localTag: u32(cookie, 12),
    localInitialTsn: u32(cookie, 16),
    peerTag: u32(cookie, 20),
    peerInitialTsn: u32(cookie, 24),
    peerARwnd: u32(cookie, 28),
    peerOutboundStreams: u16(cookie, 36),
    peerInboundStreams: u16(cookie, 38),
    peerForwardTsn: (cookie[40] & 1) !== 0,
    peerReconfig: (cookie[40] & 2) !== 0,
    peerZeroChecksum: (cookie[40] & 4) !== 0,
    peerIData: (cookie[40] & 8) !== 0,
    localTieTag: u32(cookie, 41),
    peerTieTag: u32(cookie, 45),
  };
}
