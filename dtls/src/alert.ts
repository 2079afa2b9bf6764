/** AlertLevel (RFC 5246 §7.2). */
export const AlertLevel = {
  warning: 1,
  fatal: 2,
} as const;

/** AlertDescription (RFC 5246 §7.2, RFC 6347 §4.1.2.1 adds nothing new for 1.2). */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  user_canceled: 90,
  no_renegotiation: 100,
  unsupported_extension: 110,
} as const;

/** The two-byte Alert struct (RFC 5246 §7.2). */
export function encodeAlert(level: number, description: number): Uint8Array {
  return Uint8Array.of(level, description);
}

/** A name for logs and failure reasons. */
export function alertName(description: number): string {
  for (const [name, value] of Object.entries(AlertDescription)) if (value === description) return name;
  return `alert(${description})`;
}

/**
 * A handshake failure: the endpoint sends `alert` (fatal) and reports `reason`.
 * Thrown inside the handshake state machine and caught by the endpoint; never escapes.
 */
export class HandshakeFailure extends Error {
  constructor(readonly alert: number, readonly reason: string) {
    super(reason);
  }
}

/**
 * A handshake message of the wrong type (or epoch) for the current state. Fatal
 * (unexpected_message) when it arrived authenticated; in epoch 0 anyone could have sent it,
 * so the endpoint drops it and waits for the genuine message instead (RFC 6347 §4.1.2.7).
 */
export class UnexpectedMessage extends HandshakeFailure {
  constructor(reason: string) {
    super(AlertDescription.unexpected_message, reason);
  }
}
