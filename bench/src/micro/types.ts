/**
 * One microbenchmark row: an operation ("group") done by one implementation ("impl").
 * The row whose impl is 'tsrtc' is the reference for ratios; `targetNs` (on the tsrtc row)
 * is the target for the median, judged PASS/MISS.
 */
export interface MicroCase {
  /** The operation, e.g. "parse Chrome data-channel offer". Rows with the same group are compared. */
  group: string;
  /** 'tsrtc' or the anchor's npm name, e.g. 'sdp-transform', 'werift'. */
  impl: string;
  /** The operation itself; its return value is kept alive so it cannot be optimised away. */
  fn: () => unknown;
  /** Target for tsrtc's median in nanoseconds. */
  targetNs?: number;
}

/** A micro suite: a named list of cases (one file per layer under bench/src/micro/). */
export interface MicroSuite {
  name: string;
  cases: MicroCase[];
}
