/**
 * The one error class of @tsrtc/dtls. Decoders throw it for malformed input (with the byte
 * offset where decoding stopped); the endpoint throws it for API misuse only. Network input
 * never escapes the endpoint as an exception: it is dropped and counted, or ends the
 * association with a fatal alert and a `failed` event.
 */
export type DtlsErrorCode =
  /** Fewer bytes than a field or a length prefix needs. */
  | 'truncated'
  /** A length or field value that the structure does not allow. */
  | 'bad-length'
  /** A field holds a value the protocol forbids (version, type, compression...). */
  | 'bad-value'
  /** `send`/`exportKeyingMaterial` before the handshake completed, or after close. */
  | 'not-connected'
  /** An argument given to the API is invalid (API misuse, never network input). */
  | 'bad-argument'
  /** A certificate or key could not be parsed or has an unsupported type. */
  | 'bad-certificate'
  /** A method called in a state where it is not allowed (e.g. `start` on a server). */
  | 'bad-state';

export class DtlsError extends Error {
  readonly layer = 'dtls' as const;
  readonly code: DtlsErrorCode;
  /** Byte offset in the decoded buffer where the problem was found, when it applies. */
  readonly offset: number | undefined;

  constructor(code: DtlsErrorCode, message: string, offset?: number) {
    super(offset === undefined ? `dtls ${code}: ${message}` : `dtls ${code} at byte ${offset}: ${message}`);
    this.name = 'DtlsError';
    this.code = code;
    this.offset = offset;
  }
}
