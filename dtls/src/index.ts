/**
 * @tsrtc/dtls — a sans-IO DTLS 1.2 endpoint (RFC 6347) for WebRTC data channels.
 */
export { DtlsError, type DtlsErrorCode } from './errors.js';
export { DtlsEndpoint, type DtlsEvent, type DtlsState, type DtlsStats } from './endpoint.js';
export { DEFAULT_DTLS_SETTINGS, type DtlsSettings, type ResolvedDtlsSettings } from './settings.js';
export { DtlsCertificate, generateCertificate, type GenerateCertificateOptions } from './certificate.js';
export { computeFingerprint, matchesFingerprint, type CertificateFingerprint } from './fingerprint.js';
export { isDtlsRecord, readRecordHeader, emptyRecordHeader, type RecordHeader } from './record.js';
export { CIPHER_SUITES, CipherSuiteId, cipherSuiteById, DEFAULT_CIPHER_SUITES, type CipherSuite } from './cipher-suites.js';
export { NamedGroup, ContentType, HandshakeType, ExtensionType, ProtocolVersion } from './constants.js';
export { SignatureScheme, DEFAULT_SIGNATURE_SCHEMES } from './signature.js';
export { SrtpProfile, srtpProfileName, DEFAULT_SRTP_PROFILES } from './srtp.js';
export { AlertDescription, AlertLevel, alertName } from './alert.js';
export { RecordProtection } from './record-protection.js';
export { ReplayWindow, REPLAY_WINDOW_SIZE } from './replay-window.js';
export { HandshakeReassembler, type HandshakeMessage } from './reassembly.js';
export { readHandshakeFragment, encodeHandshakeMessage, type HandshakeFragment } from './handshake.js';
export { decodeClientHello, type ClientHello } from './messages/client-hello.js';
export { decodeServerHello, type ServerHello } from './messages/server-hello.js';
export { decodeExtensions, type HelloExtensions } from './extensions.js';
export { prf, computeKeyBlock, exportKeyingMaterial } from './key-schedule.js';
export { ByteReader } from './bytes.js';
