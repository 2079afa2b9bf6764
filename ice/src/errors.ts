/** The one error class of @tsrtc/ice: thrown for API misuse only, never for network input. */
export class IceError extends Error {
  readonly layer = 'ice' as const;
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'IceError';
    this.code = code;
  }
}
