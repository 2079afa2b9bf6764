import { ByteReader, ByteWriter } from '../bytes.js';
import { DtlsError } from '../errors.js';

/**
 * CertificateRequest (RFC 5246 §7.4.4):
 *
 *   ClientCertificateType certificate_types<1..2^8-1>;
 *   SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;
 *   DistinguishedName certificate_authorities<0..2^16-1>;
 */
export interface CertificateRequest {
  certificateTypes: number[];
  signatureAlgorithms: number[];
}

export function decodeCertificateRequest(body: Uint8Array): CertificateRequest {
  const r = new ByteReader(body);
  const certificateTypes = [...r.vec8()];
  const algs = r.vec16();
  if (algs.length % 2 !== 0) throw new DtlsError('bad-length', 'odd supported_signature_algorithms length');
  const signatureAlgorithms: number[] = [];
  for (let i = 0; i < algs.length; i += 2) signatureAlgorithms.push((algs[i] << 8) | algs[i + 1]);
  r.vec16(); // certificate_authorities: WebRTC certificates are self-signed, ignored
  r.expectEnd();
  return { certificateTypes, signatureAlgorithms };
}

export function encodeCertificateRequest(certificateTypes: readonly number[], signatureAlgorithms: readonly number[]): Uint8Array {
  const w = new ByteWriter(64);
  w.u8(certificateTypes.length);
  for (const t of certificateTypes) w.u8(t);
  w.u16(2 * signatureAlgorithms.length);
  for (const s of signatureAlgorithms) w.u16(s);
  w.u16(0);
  return w.finish();
}
