/**
 * Retransmission timeout estimator (RFC 6298 as RFC 9260 §6.3.1 applies it): SRTT, RTTVAR,
 * RTO = SRTT + 4·RTTVAR clamped to [min, max]. Samples follow Karn's rule: the caller only
 * measures chunks that were sent once.
 */
export class RtoEstimator {
  srtt: number | undefined;
  rttvar = 0;
  rto: number;

  constructor(
    readonly initial: number,
    readonly min: number,
    readonly max: number,
  ) {
    this.rto = initial;
  }

  /** A round-trip sample in ms. */
  observe(rtt: number): void {
    if (!(rtt >= 0)) return;
    if (this.srtt === undefined) {
      this.srtt = rtt;
      this.rttvar = rtt / 2;
    } else {
      // RTO.Alpha = 1/8, RTO.Beta = 1/4 (RFC 9260 §16)
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rtt);
      this.srtt = 0.875 * this.srtt + 0.125 * rtt;
    }
    this.rto = Math.min(this.max, Math.max(this.min, this.srtt + 4 * this.rttvar));
  }

  /** T3-rtx expiry: back off (RFC 9260 §6.3.3 E2). */
  backOff(): void {
    this.rto = Math.min(this.max, this.rto * 2);
  }
}
