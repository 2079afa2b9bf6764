import { ByteReader, ByteWriter } from '../bytes.js';
import { EC_CURVE_TYPE_NAMED_CURVE } from '../constants.js';
import { DtlsError } from '../errors.js';

/**
 * ServerKeyExchange for ECDHE (RFC 8422 §5.4):
 *
 *   ServerECDHParams params = { ECParameters curve_params (named_curve, NamedCurve);
 *                               ECPoint public <1..2^8-1> };
 *   digitally-signed { client_random + server_random + params } (RFC 5246 §4.7: scheme + opaque<0..2^16-1>)
 */
export interface ServerKeyExchange {
  namedGroup: number;
  publicKey: Uint8Array;
  /** The encoded ServerECDHParams: what the signature covers after the two randoms. */
  params: Uint8Array;
  signatureScheme: number;
  signature: Uint8Array;
}

export function decodeServerKeyExchange(body: Uint8Array): ServerKeyExchange {
  const r = new ByteReader(body);
  const curveType = r.u8();
  if (curveType !== EC_CURVE_TYPE_NAMED_CURVE) throw new DtlsError('bad-value', 'only named_curve ECParameters are supported', 0);
  const namedGroup = r.u16();
  const publicKey = r.vec8();
  const params = body.subarray(0, r.pos);
  const signatureScheme = r.u16();
  const signature = r.vec16();
  r.expectEnd();
  return { namedGroup, publicKey, params, signatureScheme, signature };
}

export function encodeServerEcdhParams(namedGroup: number, publicKey: Uint8Array): Uint8Array {
  return new ByteWriter(4 + publicKey.length).u8(EC_CURVE_TYPE_NAMED_CURVE).u16(namedGroup).vec8(publicKey).finish();
}

export function encodeServerKeyExchange(params: Uint8Array, signatureScheme: number, signature: Uint8Array): Uint8Array {
  return new ByteWriter(params.length + 4 + signature.length).bytes(params).u16(signatureScheme).vec16(signature).finish();
}
