/**
 * The one error class of @tsrtc/stun. Decoders throw it for malformed input (with the byte
 * offset where decoding stopped); the writer and key helpers throw it for API misuse.
 */
export type StunErrorCode =
  /** Fewer bytes than the 20-byte header, or than a fixed-size field needs. */
  | 'truncated'
  /** The two most significant bits of the first byte are not zero (RFC 8489 §5). */
  | 'not-stun'
  /** The magic cookie is not 0x2112A442 (RFC 3489 messages are not accepted). */
  | 'bad-magic-cookie'
  /** The header length is not a multiple of 4 or does not match the datagram. */
  | 'bad-length'
  /** An attribute's value runs past the end of the message. */
  | 'attribute-overrun'
  /** An attribute's value fits, but its padding to a 4-byte boundary does not. */
  | 'bad-padding'
  /** An attribute value has the wrong size or an impossible field (address family, error class). */
  | 'bad-attribute'
  /** A ChannelData message is malformed (channel number outside 0x4000–0x4FFF, bad length). */
  | 'bad-channel-data'
  /** An argument given to an encoder or helper is invalid (API misuse, never network input). */
  | 'bad-argument'
  /** A string contains a code point that SASLprep (RFC 4013) prohibits. */
  | 'saslprep';

export class StunError extends Error {
  readonly layer = 'stun' as const;
  readonly code: StunErrorCode;
  /** Byte offset in the decoded buffer where the problem was found, when it applies. */
  readonly offset: number | undefined;

  constructor(code: StunErrorCode, message: string, offset?: number) {
    super(offset === undefined ? `stun ${code}: ${message}` : `stun ${code} at byte ${offset}: ${message}`);
    this.name = 'StunError';
    this.code = code;
    this.offset = offset;
  }
}
