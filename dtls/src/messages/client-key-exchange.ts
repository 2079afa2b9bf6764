import { ByteReader, ByteWriter } from '../bytes.js';

/** ClientKeyExchange for ECDHE (RFC 8422 §5.7): `ECPoint ecdh_Yc <1..2^8-1>` (explicit form). */
export function decodeClientKeyExchange(body: Uint8Array): Uint8Array {
  const r = new ByteReader(body);
  const point = r.vec8();
  r.expectEnd();
  return point;
}

export function encodeClientKeyExchange(publicKey: Uint8Array): Uint8Array {
  return new ByteWriter(1 + publicKey.length).vec8(publicKey).finish();
}
