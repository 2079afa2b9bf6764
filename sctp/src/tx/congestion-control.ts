/**
 * Congestion control of RFC 9260 §7.2: slow start, congestion avoidance with
 * partial_bytes_acked, fast recovery, and the reactions to T3-rtx expiry. Sizes in bytes.
 */
export class CongestionControl {
  cwnd: number;
  ssthresh: number;
  partialBytesAcked = 0;
  /** highest outstanding TSN when fast recovery began (RFC 9260 §7.2.4), or undefined */
  fastRecoveryExitPoint: number | undefined;

  constructor(
    readonly mtu: number,
    initialCwndMtus: number,
    initialSsthresh: number,
    /** L of RFC 9260 §7.2.1: slow-start growth limit per SACK, in MTUs */
    readonly slowStartLimitMtus = 2,
  ) {
    this.cwnd = initialCwndMtus * mtu;
    this.ssthresh = initialSsthresh;
  }

  get inFastRecovery(): boolean {
    return this.fastRecoveryExitPoint !== undefined;
  }

  /**
   * A SACK advanced the cumulative TSN by `bytesAcked` (newly acked, cumulative and gap).
   * `fullyUtilized`: flight size before the SACK was at least cwnd (§7.2.1/§7.2.2).
   */
  onAck(bytesAcked: number, fullyUtilized: boolean, cumulativeAdvanced: boolean): void {
    if (!cumulativeAdvanced || this.inFastRecovery) return;
    if (this.cwnd <= this.ssthresh) {
      if (fullyUtilized) this.cwnd += Math.min(bytesAcked, this.slowStartLimitMtus * this.mtu);
      return;
    }
    this.partialBytesAcked += bytesAcked;
    if (this.partialBytesAcked >= this.cwnd && fullyUtilized) {
      this.partialBytesAcked -= this.cwnd;
      this.cwnd += this.mtu;
    }
  }

  /** Exit fast recovery once the cumulative ack reaches the exit point. */
  onCumulativeAck(cumulativeTsn: number): void {
    if (this.fastRecoveryExitPoint !== undefined && cumulativeTsn >= this.fastRecoveryExitPoint) this.fastRecoveryExitPoint = undefined;
  }

  /** Fast retransmit (§7.2.4): enter fast recovery unless already in it. */
  onFastRetransmit(highestOutstandingTsn: number): void {
    if (this.inFastRecovery) return;
    this.ssthresh = Math.max(Math.floor(this.cwnd / 2), 4 * this.mtu);
    this.cwnd = this.ssthresh;
    this.partialBytesAcked = 0;
    this.fastRecoveryExitPoint = highestOutstandingTsn;
  }

  /** T3-rtx expiry (§7.2.3): back to one MTU. */
  onRetransmitTimeout(): void {
    this.ssthresh = Math.max(Math.floor(this.cwnd / 2), 4 * this.mtu);
    this.cwnd = this.mtu;
    this.partialBytesAcked = 0;
    this.fastRecoveryExitPoint = undefined;
  }

  /** Idle for an RTO (§7.2.1): restart from the initial window at most. */
  onIdle(initialCwnd: number): void {
    this.cwnd = Math.min(this.cwnd, Math.max(initialCwnd, 4 * this.mtu));
  }
}
