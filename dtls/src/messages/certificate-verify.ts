import { ByteReader, ByteWriter } from '../bytes.js';

/**
 * CertificateVerify (RFC 5246 §7.4.8): `digitally-signed struct { opaque handshake_messages[] }`,
 * i.e. SignatureAndHashAlgorithm + opaque signature<0..2^16-1>.
 */
export interface DigitallySigned {
  signatureScheme: number;
  signature: Uint8Array;
}

export function decodeCertificateVerify(body: Uint8Array): DigitallySigned {
  const r = new ByteReader(body);
  const signatureScheme = r.u16();
  const signature = r.vec16();
  r.expectEnd();
  return { signatureScheme, signature };
}

export function encodeCertificateVerify(signatureScheme: number, signature: Uint8Array): Uint8Array {
  return new ByteWriter(4 + signature.length).u16(signatureScheme).vec16(signature).finish();
}
