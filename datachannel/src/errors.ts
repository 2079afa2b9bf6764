/**
 * Errors of @tsrtc/datachannel.
 *
 * - `DataChannelError`: the package's typed error (CONVENTIONS.md "Errors"), thrown by the
 *   DCEP decoder on malformed bytes and by the sans-IO engines on API misuse. Network input
 *   never lets it escape an engine: the engines catch, drop and count.
 * - `domException(name, message)`: what the W3C surface throws (`InvalidStateError`,
 *   `OperationError`, `InvalidAccessError`, …). `TypeError` is a plain JS TypeError, as in browsers.
 */
export class DataChannelError extends Error {
  readonly layer = 'datachannel' as const;
  readonly code: string;
  readonly offset: number | undefined;

  constructor(code: string, message: string, offset?: number) {
    super(message);
    this.name = 'DataChannelError';
    this.code = code;
    this.offset = offset;
  }
}

/** A W3C `DOMException` with the given name (Node ≥ 17 has `DOMException` as a global). */
export function domException(name: string, message: string): DOMException {
  return new DOMException(message, name);
}

/**
 * A copy of `bytes` that owns its memory. (`Buffer#slice` returns a view, so `.slice()` is not a
 * copy when a Node Buffer from a socket flows through the layers.)
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}
