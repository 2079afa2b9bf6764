import { createHash, createHmac } from 'node:crypto';
import { concatBytes } from './bytes.js';
import type { CipherSuite, PrfHash } from './cipher-suites.js';
import { VERIFY_DATA_LENGTH } from './constants.js';

/**
 * The TLS 1.2 key schedule (RFC 5246 §5, §6.3, §7.4.9, §8.1), with the extended master
 * secret (RFC 7627 §4) and the keying-material exporter (RFC 5705 §4).
 */

const encoder = new TextEncoder();

/** P_hash(secret, seed) truncated to `length` bytes (RFC 5246 §5). */
function pHash(hash: PrfHash, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a: Uint8Array = seed; // A(0)
  let written = 0;
  while (written < length) {
    a = createHmac(hash, secret).update(a).digest(); // A(i)
    const block = createHmac(hash, secret).update(a).update(seed).digest();
    const n = Math.min(block.length, length - written);
    out.set(block.subarray(0, n), written);
    written += n;
  }
  return out;
}

/** PRF(secret, label, seed) = P_<hash>(secret, label + seed). */
export function prf(hash: PrfHash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  return pHash(hash, secret, concatBytes([encoder.encode(label), seed]), length);
}

export const MASTER_SECRET_LENGTH = 48;

/** master_secret = PRF(pre_master_secret, "master secret", ClientHello.random + ServerHello.random)[0..47]. */
export function computeMasterSecret(hash: PrfHash, preMasterSecret: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Uint8Array {
  return prf(hash, preMasterSecret, 'master secret', concatBytes([clientRandom, serverRandom]), MASTER_SECRET_LENGTH);
}

/**
 * RFC 7627 §4: master_secret = PRF(pre_master_secret, "extended master secret", session_hash),
 * session_hash = Hash(handshake messages up to and including ClientKeyExchange).
 */
export function computeExtendedMasterSecret(hash: PrfHash, preMasterSecret: Uint8Array, sessionHash: Uint8Array): Uint8Array {
  return prf(hash, preMasterSecret, 'extended master secret', sessionHash, MASTER_SECRET_LENGTH);
}

export interface KeyBlock {
  clientWriteKey: Uint8Array;
  serverWriteKey: Uint8Array;
  clientWriteIv: Uint8Array;
  serverWriteIv: Uint8Array;
}

/**
 * key_block = PRF(master_secret, "key expansion", server_random + client_random), split into
 * client/server write keys then client/server write IVs (AEAD suites have no MAC keys).
 */
export function computeKeyBlock(suite: CipherSuite, masterSecret: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): KeyBlock {
  const k = suite.keyLength, iv = suite.fixedIvLength;
  const block = prf(suite.prfHash, masterSecret, 'key expansion', concatBytes([serverRandom, clientRandom]), 2 * k + 2 * iv);
  return {
    clientWriteKey: block.subarray(0, k),
    serverWriteKey: block.subarray(k, 2 * k),
    clientWriteIv: block.subarray(2 * k, 2 * k + iv),
    serverWriteIv: block.subarray(2 * k + iv, 2 * k + 2 * iv),
  };
}

/** Hash of the handshake transcript with the suite's PRF hash. */
export function transcriptHash(hash: PrfHash, messages: readonly Uint8Array[]): Uint8Array {
  const h = createHash(hash);
  for (const m of messages) h.update(m);
  return h.digest();
}

/** verify_data = PRF(master_secret, finished_label, Hash(handshake_messages))[0..11] (RFC 5246 §7.4.9). */
export function computeVerifyData(hash: PrfHash, masterSecret: Uint8Array, role: 'client' | 'server', handshakeHash: Uint8Array): Uint8Array {
  return prf(hash, masterSecret, role === 'client' ? 'client finished' : 'server finished', handshakeHash, VERIFY_DATA_LENGTH);
}

/**
 * RFC 5705 §4: PRF(master_secret, label, client_random + server_random [+ context_length + context]).
 * A missing context and an empty one give different output, as the RFC requires.
 */
export function exportKeyingMaterial(
  hash: PrfHash,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  label: string,
  context: Uint8Array | undefined,
  length: number,
): Uint8Array {
  const parts = [clientRandom, serverRandom];
  if (context !== undefined) parts.push(Uint8Array.of(context.length >>> 8, context.length & 0xff), context);
  return prf(hash, masterSecret, label, concatBytes(parts), length);
}
