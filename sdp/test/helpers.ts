import { SdpError, type SdpErrorCode } from '@tsrtc/sdp';

interface Asserts {
  fail(message: string): void;
  pass(message: string): void;
}

/** Runs `fn` and asserts it throws an SdpError (with `code`, and `line` when given). */
export function throwsSdpError(t: Asserts, fn: () => unknown, code?: SdpErrorCode, line?: number, name = String(code)): SdpError | undefined {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SdpError)) {
      t.fail(`${name}: threw ${String(e)} instead of an SdpError`);
      return undefined;
    }
    if (e.layer !== 'sdp' || (code !== undefined && e.code !== code) || (line !== undefined && e.line !== line)) {
      t.fail(`${name}: got ${e.code} at line ${e.line}, expected ${code ?? '*'} at line ${line ?? '*'} (${e.message})`);
      return e;
    }
    t.pass(`${name}: ${e.message}`);
    return e;
  }
  t.fail(`${name}: did not throw`);
  return undefined;
}
