/** The one error class of @tsrtc/sctp (CONVENTIONS.md "Errors"). */
export class SctpError extends Error {
  readonly layer = 'sctp' as const;
  constructor(
    /** short stable code, e.g. 'truncated', 'bad-length', 'message-too-large' */
    readonly code: string,
    message: string,
    /** byte offset in the packet, where it applies */
    readonly offset?: number,
  ) {
    super(message);
    this.name = 'SctpError';
  }
}
