import type { DtlsCertificate } from './certificate.js';
import { DEFAULT_CIPHER_SUITES } from './cipher-suites.js';
import { DEFAULT_NAMED_GROUPS } from './ecdhe.js';
import type { CertificateFingerprint } from './fingerprint.js';
import { DEFAULT_SIGNATURE_SCHEMES } from './signature.js';
import { DEFAULT_SRTP_PROFILES } from './srtp.js';

/** Settings of a `DtlsEndpoint`: identity, randomness and role are required, the rest default. */
export interface DtlsSettings {
  role: 'client' | 'server';
  /** Our certificate and private key. */
  certificate: DtlsCertificate;
  /** Expected peer certificate fingerprints (SDP a=fingerprint). May be set later with `setRemoteFingerprints`. */
  remoteFingerprints?: readonly CertificateFingerprint[];
  /** Fills `out` with random bytes (hello randoms, cookie secret). */
  random: (out: Uint8Array) => void;
  /** Largest datagram we send (handshake flights are fragmented to fit). Default 1200. */
  mtu?: number;
  /** Cipher suites in preference order (client offer order; server choice order). */
  cipherSuites?: readonly number[];
  /** ECDHE groups in preference order. Default X25519, P-256. */
  namedGroups?: readonly number[];
  /** Signature schemes offered and accepted, preference order. */
  signatureSchemes?: readonly number[];
  /** use_srtp profiles offered (client) / accepted (server) in preference order; [] disables use_srtp. */
  srtpProfiles?: readonly number[];
  /** Refuse peers without extended_master_secret (RFC 7627). Default true. */
  requireExtendedMasterSecret?: boolean;
  /** Server: answer a ClientHello without a valid cookie with a HelloVerifyRequest. Default false (ICE already authenticated the peer). */
  helloVerifyRequest?: boolean;
  /** Server: send CertificateRequest and fail without a client certificate. Default true (WebRTC). */
  requireClientCertificate?: boolean;
  /** Retransmission timeout of a flight until a round trip has been measured, ms. Default 100. */
  initialRetransmitTimeout?: number;
  /** Lower bound of the adaptive timeout (2 × measured RTT), ms. Default 50. */
  minRetransmitTimeout?: number;
  /** Ceiling of the doubling retransmission timeout, ms. Default 60000. */
  maxRetransmitTimeout?: number;
  /** Timer expiries of one flight before the handshake fails. Default 12 (about 4.5 min with the defaults). */
  maxRetransmissions?: number;
  /** Largest handshake message we reassemble, bytes. Default 65536. */
  maxHandshakeMessageSize?: number;
  /** Records held while their epoch's keys are not yet known, or application data before `connected`. Default 16. */
  maxEarlyRecords?: number;
}

export type ResolvedDtlsSettings = Required<Omit<DtlsSettings, 'remoteFingerprints'>>;

export const DEFAULT_DTLS_SETTINGS = {
  mtu: 1200,
  cipherSuites: DEFAULT_CIPHER_SUITES,
  namedGroups: DEFAULT_NAMED_GROUPS,
  signatureSchemes: DEFAULT_SIGNATURE_SCHEMES,
  srtpProfiles: DEFAULT_SRTP_PROFILES,
  requireExtendedMasterSecret: true,
  helloVerifyRequest: false,
  requireClientCertificate: true,
  initialRetransmitTimeout: 100,
  minRetransmitTimeout: 50,
  maxRetransmitTimeout: 60_000,
  maxRetransmissions: 12,
  maxHandshakeMessageSize: 65_536,
  maxEarlyRecords: 16,
} as const;
