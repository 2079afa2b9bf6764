import { createHmac } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Test-only ICE-lite stand-in so a browser will run DTLS with us: answers STUN Binding
 * requests (RFC 8489) with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY (our ICE password) and
 * FINGERPRINT. The request itself is not verified; the DTLS layer under test does not care.
 */
export function isStunBindingRequest(b: Uint8Array): boolean {
  return b.length >= 20 && b[0] === 0x00 && b[1] === 0x01 && b[4] === 0x21 && b[5] === 0x12 && b[6] === 0xa4 && b[7] === 0x42;
}

/** True when the request carries USE-CANDIDATE (0x0025): the controlling agent nominated the pair. */
export function hasUseCandidate(b: Uint8Array): boolean {
  for (let off = 20; off + 4 <= b.length; ) {
    const type = (b[off] << 8) | b[off + 1];
    const len = (b[off + 2] << 8) | b[off + 3];
    if (type === 0x0025) return true;
    off += 4 + ((len + 3) & ~3);
  }
  return false;
}

export function bindingSuccess(request: Uint8Array, from: { address: string; port: number }, icePwd: string): Uint8Array {
  const out = Buffer.alloc(20 + 12 + 24 + 8);
  out.writeUInt16BE(0x0101, 0);
  Buffer.from(request.subarray(4, 20)).copy(out, 4); // magic cookie + transaction id
  // XOR-MAPPED-ADDRESS (IPv4)
  out.writeUInt16BE(0x0020, 20);
  out.writeUInt16BE(8, 22);
  out[24] = 0;
  out[25] = 1;
  out.writeUInt16BE(from.port ^ 0x2112, 26);
  const ip = from.address.split('.').map(Number);
  out.writeUInt32BE((((ip[0] << 24) | (ip[1] << 16) | (ip[2] << 8) | ip[3]) ^ 0x2112a442) >>> 0, 28);
  // MESSAGE-INTEGRITY over the message with the length covering it
  out.writeUInt16BE(12 + 24, 2);
  const mac = createHmac('sha1', icePwd).update(out.subarray(0, 32)).digest();
  out.writeUInt16BE(0x0008, 32);
  out.writeUInt16BE(20, 34);
  mac.copy(out, 36);
  // FINGERPRINT
  out.writeUInt16BE(12 + 24 + 8, 2);
  out.writeUInt16BE(0x8028, 56);
  out.writeUInt16BE(4, 58);
  out.writeUInt32BE((crc32(out.subarray(0, 56)) ^ 0x5354554e) >>> 0, 60);
  return out;
}

/** A data-channel answer from an ICE-lite endpoint on 127.0.0.1:port. */
export function liteAnswer(o: { ufrag: string; pwd: string; fingerprint: string; setup: 'active' | 'passive'; port: number; mid: string }): string {
  return [
    'v=0',
    'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${o.mid}`,
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    'c=IN IP4 127.0.0.1',
    `a=mid:${o.mid}`,
    `a=ice-ufrag:${o.ufrag}`,
    `a=ice-pwd:${o.pwd}`,
    `a=fingerprint:sha-256 ${o.fingerprint}`,
    `a=setup:${o.setup}`,
    'a=sctp-port:5000',
    'a=max-message-size:262144',
    `a=candidate:1 1 udp 2130706431 127.0.0.1 ${o.port} typ host`,
    'a=end-of-candidates',
    '',
  ].join('\r\n');
}
