import { ByteReader, ByteWriter } from '../bytes.js';
import { MAX_COOKIE_LENGTH, RANDOM_LENGTH } from '../constants.js';
import { DtlsError } from '../errors.js';
import { decodeExtensions, type ExtensionsWriter, type HelloExtensions } from '../extensions.js';

/**
 * ClientHello (RFC 6347 §4.2.1 adds the cookie to RFC 5246 §7.4.1.2):
 *
 *   ProtocolVersion client_version; Random random; SessionID session_id;
 *   opaque cookie<0..2^8-1>; CipherSuite cipher_suites<2..2^16-2>;
 *   CompressionMethod compression_methods<1..2^8-1>; Extension extensions<0..2^16-1>;
 */
export interface ClientHello {
  clientVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cookie: Uint8Array;
  cipherSuites: number[];
  compressionMethods: Uint8Array;
  extensions: HelloExtensions;
}

export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new ByteReader(body);
  const clientVersion = r.u16();
  const random = r.take(RANDOM_LENGTH);
  const sessionId = r.vec8();
  if (sessionId.length > 32) throw new DtlsError('bad-length', 'session_id longer than 32', r.pos);
  const cookie = r.vec8();
  const suites = r.vec16();
  if (suites.length < 2 || suites.length % 2 !== 0) throw new DtlsError('bad-length', 'bad cipher_suites length', r.pos);
  const cipherSuites: number[] = [];
  for (let i = 0; i < suites.length; i += 2) cipherSuites.push((suites[i] << 8) | suites[i + 1]);
  const compressionMethods = r.vec8();
  if (compressionMethods.length < 1) throw new DtlsError('bad-length', 'empty compression_methods', r.pos);
  const extensions = decodeExtensions(r);
  return { clientVersion, random, sessionId, cookie, cipherSuites, compressionMethods, extensions };
}

export interface ClientHelloFields {
  clientVersion: number;
  random: Uint8Array;
  cookie: Uint8Array;
  cipherSuites: readonly number[];
  extensions: ExtensionsWriter;
}

export function encodeClientHello(h: ClientHelloFields): Uint8Array {
  if (h.cookie.length > MAX_COOKIE_LENGTH) throw new DtlsError('bad-argument', 'cookie too long');
  const w = new ByteWriter(512);
  w.u16(h.clientVersion).bytes(h.random).vec8(new Uint8Array(0)).vec8(h.cookie);
  w.u16(2 * h.cipherSuites.length);
  for (const s of h.cipherSuites) w.u16(s);
  w.u8(1).u8(0); // compression_methods: null only
  h.extensions.writeTo(w);
  return w.finish();
}
