import { ByteReader, ByteWriter } from '../bytes.js';
import { RANDOM_LENGTH } from '../constants.js';
import { DtlsError } from '../errors.js';
import { decodeExtensions, type ExtensionsWriter, type HelloExtensions } from '../extensions.js';

/**
 * ServerHello (RFC 5246 §7.4.1.3):
 *
 *   ProtocolVersion server_version; Random random; SessionID session_id;
 *   CipherSuite cipher_suite; CompressionMethod compression_method; Extension extensions<0..2^16-1>;
 */
export interface ServerHello {
  serverVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: HelloExtensions;
}

export function decodeServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body);
  const serverVersion = r.u16();
  const random = r.take(RANDOM_LENGTH);
  const sessionId = r.vec8();
  if (sessionId.length > 32) throw new DtlsError('bad-length', 'session_id longer than 32', r.pos);
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  const extensions = decodeExtensions(r);
  return { serverVersion, random, sessionId, cipherSuite, compressionMethod, extensions };
}

export function encodeServerHello(serverVersion: number, random: Uint8Array, sessionId: Uint8Array, cipherSuite: number, extensions: ExtensionsWriter): Uint8Array {
  const w = new ByteWriter(128);
  w.u16(serverVersion).bytes(random).vec8(sessionId).u16(cipherSuite).u8(0);
  extensions.writeTo(w);
  return w.finish();
}
