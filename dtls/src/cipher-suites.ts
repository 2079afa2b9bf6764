/**
 * The cipher suites this stack implements: ECDHE key exchange with AEAD record protection
 * (RFC 5289 for AES-GCM, RFC 7905 for ChaCha20-Poly1305). WebRTC's mandatory suite is
 * TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (RFC 8827 §6.5).
 */
export type AeadAlgorithm = 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305';
export type PrfHash = 'sha256' | 'sha384';
/** Which certificate key authenticates the server in this suite. */
export type AuthenticationAlgorithm = 'ecdsa' | 'rsa';

export interface CipherSuite {
  id: number;
  name: string;
  authentication: AuthenticationAlgorithm;
  aead: AeadAlgorithm;
  /** enc_key_length (RFC 5246 §6.3). */
  keyLength: number;
  /** fixed_iv_length: 4-byte salt for GCM (RFC 5288 §3), 12-byte IV for ChaCha (RFC 7905 §2). */
  fixedIvLength: number;
  /** Explicit nonce carried in every record: 8 for GCM, 0 for ChaCha20-Poly1305. */
  explicitNonceLength: number;
  /** Hash of the TLS 1.2 PRF and of the Finished transcript. */
  prfHash: PrfHash;
}

export const AEAD_TAG_LENGTH = 16;

export const CipherSuiteId = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 0xc02b,
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 0xc02c,
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 0xcca9,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 0xc02f,
} as const;

const gcm = (id: number, name: string, authentication: AuthenticationAlgorithm, keyLength: number, prfHash: PrfHash): CipherSuite => ({
  id,
  name,
  authentication,
  aead: keyLength === 16 ? 'aes-128-gcm' : 'aes-256-gcm',
  keyLength,
  fixedIvLength: 4,
  explicitNonceLength: 8,
  prfHash,
});

export const CIPHER_SUITES: readonly CipherSuite[] = [
  gcm(CipherSuiteId.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ecdsa', 16, 'sha256'),
  gcm(CipherSuiteId.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ecdsa', 32, 'sha384'),
  {
    id: CipherSuiteId.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    authentication: 'ecdsa',
    aead: 'chacha20-poly1305',
    keyLength: 32,
    fixedIvLength: 12,
    explicitNonceLength: 0,
    prfHash: 'sha256',
  },
  gcm(CipherSuiteId.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'rsa', 16, 'sha256'),
];

export function cipherSuiteById(id: number): CipherSuite | undefined {
  for (const s of CIPHER_SUITES) if (s.id === id) return s;
  return undefined;
}

/** Default preference order (client offer order and server choice order). */
export const DEFAULT_CIPHER_SUITES: readonly number[] = CIPHER_SUITES.map((s) => s.id);
