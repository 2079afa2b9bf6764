/**
 * The one error class of @tsrtc/sdp. The parser and the typed getters throw it for malformed
 * input, with the 1-based line number of the offending line (0 when the problem is the whole
 * text, e.g. its size); builders and the writer throw it for API misuse.
 */
export type SdpErrorCode =
  /** The input is not a string. */
  | 'not-a-string'
  /** The text exceeds `maxLength` (see `SdpParseOptions`). */
  | 'too-large'
  /** More lines than `maxLines`. */
  | 'too-many-lines'
  /** A line longer than `maxLineLength`. */
  | 'line-too-long'
  /** More m= sections than `maxMediaSections`. */
  | 'too-many-media'
  /** A line that is not `<type letter>=<value>` (RFC 8866 §5), or a blank line. */
  | 'bad-line'
  /** A NUL character (RFC 8866 §5: text fields exclude NUL, CR and LF). */
  | 'bad-character'
  /** The first line is not `v=0` (RFC 8866 §5.1). */
  | 'bad-version'
  /** A mandatory session-level line (o=, s=, t=) is missing (RFC 8866 §5). */
  | 'missing-line'
  /** The o= line does not have its six fields (RFC 8866 §5.2). */
  | 'bad-origin'
  /** The m= line does not have media, port, proto and at least one fmt (RFC 8866 §5.14). */
  | 'bad-media'
  /** The c= line is not `<nettype> <addrtype> <address>` (RFC 8866 §5.7). */
  | 'bad-connection'
  /** An a=candidate value that does not follow RFC 8839 §5.1. */
  | 'bad-candidate'
  /** An a=fingerprint value that does not follow RFC 8122 §5. */
  | 'bad-fingerprint'
  /** Another attribute whose value does not follow its grammar (setup, group, ice-ufrag...). */
  | 'bad-attribute'
  /** The description lacks what a data channel needs (no SCTP section, no ICE credentials...). */
  | 'missing-attribute'
  /** An argument given to a builder or to the writer is invalid (API misuse, never network input). */
  | 'bad-argument';

export class SdpError extends Error {
  readonly layer = 'sdp' as const;
  readonly code: SdpErrorCode;
  /** 1-based line number in the parsed text, or 0 when no single line is at fault. */
  readonly line: number;

  constructor(code: SdpErrorCode, message: string, line = 0) {
    super(line > 0 ? `sdp ${code} at line ${line}: ${message}` : `sdp ${code}: ${message}`);
    this.name = 'SdpError';
    this.code = code;
    this.line = line;
  }
}
