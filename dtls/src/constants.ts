/** Wire constants of DTLS 1.2 (RFC 6347, RFC 5246 and the IANA TLS registries). */

/** ProtocolVersion as DTLS writes it: the one's complement of 1.x (RFC 6347 §4.1). */
export const ProtocolVersion = {
  DTLS_1_0: 0xfeff,
  DTLS_1_2: 0xfefd,
  /** Only ever seen in a peer's supported_versions; this stack speaks 1.2. */
  DTLS_1_3: 0xfefc,
} as const;

/** ContentType (RFC 5246 §6.2.1). */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

/** HandshakeType (RFC 5246 §7.4, RFC 6347 §4.3.2). */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
} as const;

/** ExtensionType values this stack reads or writes (IANA TLS ExtensionType registry). */
export const ExtensionType = {
  supported_groups: 10,
  ec_point_formats: 11,
  signature_algorithms: 13,
  use_srtp: 14,
  extended_master_secret: 23,
  renegotiation_info: 0xff01,
} as const;

/** NamedGroup (RFC 8422 §5.1.1, RFC 7748). */
export const NamedGroup = {
  secp256r1: 23,
  x25519: 29,
} as const;
export type NamedGroupId = (typeof NamedGroup)[keyof typeof NamedGroup];

/** ECCurveType.named_curve (RFC 8422 §5.4). */
export const EC_CURVE_TYPE_NAMED_CURVE = 3;
/** ECPointFormat.uncompressed (RFC 8422 §5.1.2). */
export const EC_POINT_FORMAT_UNCOMPRESSED = 0;

/** ClientCertificateType (RFC 5246 §7.4.4, RFC 8422 §5.5). */
export const ClientCertificateType = {
  rsa_sign: 1,
  ecdsa_sign: 64,
} as const;

/** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3): counts as an empty renegotiation_info. */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** Sizes fixed by the protocol. */
export const RECORD_HEADER_LENGTH = 13;
export const HANDSHAKE_HEADER_LENGTH = 12;
export const RANDOM_LENGTH = 32;
export const VERIFY_DATA_LENGTH = 12;
export const MAX_COOKIE_LENGTH = 255;
/** Largest record plaintext (RFC 5246 §6.2.1). */
export const MAX_PLAINTEXT_LENGTH = 16384;
