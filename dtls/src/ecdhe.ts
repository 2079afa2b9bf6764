import { createECDH, createPublicKey, diffieHellman, generateKeyPairSync, type ECDH, type KeyObject } from 'node:crypto';
import { NamedGroup } from './constants.js';
import { DtlsError } from './errors.js';

/**
 * One ephemeral ECDHE key pair (RFC 8422 §5.4 / §5.7) on X25519 (RFC 7748) or P-256
 * (uncompressed points only, RFC 8422 §5.1.2). Key generation uses node's own randomness.
 */
export class EcdheKeyPair {
  readonly publicKey: Uint8Array;
  private readonly ecdh: ECDH | undefined;
  private readonly x25519: KeyObject | undefined;

  constructor(readonly group: number) {
    if (group === NamedGroup.secp256r1) {
      this.ecdh = createECDH('prime256v1');
      this.publicKey = this.ecdh.generateKeys();
    } else if (group === NamedGroup.x25519) {
      // JWK import/export of raw X25519 keys is ~10× cheaper in node than SPKI DER (OpenSSL 3 decoders).
      const { privateKey, publicKey } = generateKeyPairSync('x25519');
      this.x25519 = privateKey;
      this.publicKey = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
    } else {
      throw new DtlsError('bad-argument', `unsupported group ${group}`);
    }
  }

  /**
   * The shared secret (the premaster secret for ECDHE), or undefined when the peer's point
   * is malformed, not on the curve, or (X25519) yields the all-zero secret (RFC 7748 §6.1).
   */
  computeSharedSecret(peerPublicKey: Uint8Array): Uint8Array | undefined {
    try {
      if (this.ecdh !== undefined) {
        if (peerPublicKey.length !== 65 || peerPublicKey[0] !== 4) return undefined;
        return this.ecdh.computeSecret(peerPublicKey);
      }
      if (peerPublicKey.length !== 32) return undefined;
      const x = Buffer.from(peerPublicKey.buffer, peerPublicKey.byteOffset, 32).toString('base64url');
      const peer = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
      const secret = diffieHellman({ privateKey: this.x25519!, publicKey: peer });
      let or = 0;
      for (const b of secret) or |= b;
      return or === 0 ? undefined : secret;
    } catch {
      return undefined;
    }
  }
}

export const DEFAULT_NAMED_GROUPS: readonly number[] = [NamedGroup.x25519, NamedGroup.secp256r1];
