import { ByteReader, ByteWriter } from '../bytes.js';

/** Certificate (RFC 5246 §7.4.2): `ASN.1Cert certificate_list<0..2^24-1>;` each `opaque<1..2^24-1>`. */
export function decodeCertificateMessage(body: Uint8Array): Uint8Array[] {
  const r = new ByteReader(body);
  const list = new ByteReader(r.vec24());
  r.expectEnd();
  const chain: Uint8Array[] = [];
  while (list.remaining > 0) chain.push(list.vec24());
  return chain;
}

export function encodeCertificateMessage(chain: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter(1024);
  const mark = w.beginLength(3);
  for (const c of chain) w.vec24(c);
  return w.endLength(mark, 3).finish();
}
