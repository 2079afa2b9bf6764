import { ByteReader, ByteWriter } from '../bytes.js';
import { MAX_COOKIE_LENGTH } from '../constants.js';
import { DtlsError } from '../errors.js';

/**
 * HelloVerifyRequest (RFC 6347 §4.2.1): `ProtocolVersion server_version; opaque cookie<0..2^8-1>;`
 * server_version is DTLS 1.0 whatever version will be negotiated (RFC 6347 §4.2.1).
 */
export interface HelloVerifyRequest {
  serverVersion: number;
  cookie: Uint8Array;
}

export function decodeHelloVerifyRequest(body: Uint8Array): HelloVerifyRequest {
  const r = new ByteReader(body);
  const serverVersion = r.u16();
  const cookie = r.vec8();
  r.expectEnd();
  if (cookie.length > MAX_COOKIE_LENGTH) throw new DtlsError('bad-length', 'cookie too long');
  return { serverVersion, cookie };
}

export function encodeHelloVerifyRequest(serverVersion: number, cookie: Uint8Array): Uint8Array {
  return new ByteWriter(3 + cookie.length).u16(serverVersion).vec8(cookie).finish();
}
