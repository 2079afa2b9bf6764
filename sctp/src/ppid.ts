/** Payload Protocol Identifiers of WebRTC data channels (RFC 8831 §8). */
export const Ppid = {
  DCEP: 50,
  STRING: 51,
  /** deprecated partial string (RFC 8831 §8) */
  STRING_PARTIAL: 52,
  BINARY: 53,
  /** deprecated partial binary (RFC 8831 §8) */
  BINARY_PARTIAL: 54,
  /** an empty string, sent as one zero byte (RFC 8831 §6.6) */
  STRING_EMPTY: 56,
  /** an empty binary message, sent as one zero byte (RFC 8831 §6.6) */
  BINARY_EMPTY: 57,
} as const;
