/**
 * Deadlines are absolute ms on the caller's clock, undefined = none (CONVENTIONS.md). `nextDeadline()`
 * runs after every datagram, so the earliest of several is folded without closures or arrays.
 */

/** The earlier of two optional deadlines; `b` = Infinity (a timer parked "never") counts as none. */
export function earlier(a: number | undefined, b: number | undefined): number | undefined {
  if (b === undefined || b === Infinity) return a;
  return a === undefined || b < a ? b : a;
}
