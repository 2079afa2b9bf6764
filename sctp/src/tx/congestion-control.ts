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
  /** smallest round-trip sample seen (ms): the path without queueing */
  minRtt = Infinity;
  /** consecutive samples showing a standing queue during slow start */
  private delayedRounds = 0;

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

  /**
   * A round-trip sample (one per round trip, RFC 9260 §6.3.1 C4). The delay-increase exit of
   * HyStart++ (RFC 9406 §4.2, without its Conservative Slow Start): once samples grow by
   * clamp(minRtt/8, 4 ms, 16 ms) over the smallest one, a queue is building in front of the
   * receiver, so slow start ends here instead of at the first loss. Over loopback the "queue" is
   * the receiver's socket buffer and the first loss is a whole overflowed burst. Two consecutive
   * samples are required: one sample per round trip is noisier than the RFC's eight.
   */
  onRttSample(rtt: number): void {
    if (!(rtt >= 0)) return;
    if (rtt < this.minRtt) this.minRtt = rtt;
    if (this.cwnd >= this.ssthresh) return void (this.delayedRounds = 0);
    const threshold = Math.min(16, Math.max(4, this.minRtt / 8));
    if (rtt < this.minRtt + threshold) return void (this.delayedRounds = 0);
    if (++this.delayedRounds >= 2) {
      this.ssthresh = this.cwnd;
      this.delayedRounds = 0;
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
