/**
 * The one error signaling code throws for bad input from a client. It carries the HTTP
 * status the request deserves (400 for a malformed body, 404 for an unknown session, 413
 * for an oversize body, …) and a short stable `code` that the WebSocket room server also
 * uses in its error replies.
 */
export class SignalingError extends Error {
  readonly layer = 'signaling' as const;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignalingError';
  }
}

/** The message of anything thrown, for an error reply (never a stack trace). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
