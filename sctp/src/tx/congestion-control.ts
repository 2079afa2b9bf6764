/**
 * Congestion control of RFC 9260 §7.2: slow start, congestion avoidance with
 * partial_bytes_acked, fast recovery, and the reactions to T3-rtx expiry. Sizes in bytes.
 */
/** RFC 9406 §4.3: Conservative Slow Start lasts this many rounds and grows this much slower */
const CSS_ROUNDS = 5;
const CSS_GROWTH_DIVISOR = 4;

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
  /** in HyStart++ Conservative Slow Start: the sample that started it (ms), else undefined */
  cssBaselineRtt: number | undefined;
  private cssRounds = 0;

  constructor(
    /** the PMTU in use (RFC 9260 §7.2: cwnd rules in MTUs); the association updates it (PLPMTUD) */
    public mtu: number,
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
      if (!fullyUtilized) return;
      // L bounds the growth per SACK for a peer that acknowledges every second packet; a SACK
      // that covers a batch the peer coalesced counts as the SACKs it stands in for (the burst
      // that growth allows is bounded by Max.Burst, not by L)
      const sacks = Math.max(1, Math.ceil(bytesAcked / (2 * this.mtu)));
      const growth = Math.min(bytesAcked, sacks * this.slowStartLimitMtus * this.mtu);
      this.cwnd += this.cssBaselineRtt === undefined ? growth : Math.floor(growth / CSS_GROWTH_DIVISOR);
      return;
    }
    this.partialBytesAcked += bytesAcked;
    if (this.partialBytesAcked >= this.cwnd && fullyUtilized) {
      this.partialBytesAcked -= this.cwnd;
      this.cwnd += this.mtu;
    }
  }

  /**
   * A round-trip sample (one per round trip, RFC 9260 §6.3.1 C4), for HyStart++ (RFC 9406):
   * once samples grow by clamp(minRtt/8, 4 ms, 16 ms) over the smallest one, a queue is building
   * in front of the receiver. Slow start then turns into Conservative Slow Start (growth / 4)
   * for CSS_ROUNDS samples and ends there (ssthresh = cwnd) instead of at the first loss, unless
   * a sample falls below the one that started it (a spurious exit: slow start resumes, §4.3).
   * Over loopback the "queue" is the receiver's socket buffer and the first loss is a whole
   * overflowed burst. Two consecutive high samples are required: one sample per round trip is
   * noisier than the RFC's eight.
   */
  onRttSample(rtt: number): void {
    if (!(rtt >= 0)) return;
    if (rtt < this.minRtt) this.minRtt = rtt;
    if (this.cwnd > this.ssthresh) return;
    if (this.cssBaselineRtt !== undefined) {
      if (rtt < this.cssBaselineRtt) {
        this.cssBaselineRtt = undefined;
        this.delayedRounds = 0;
      } else if (++this.cssRounds >= CSS_ROUNDS) {
        this.ssthresh = this.cwnd;
        this.cssBaselineRtt = undefined;
      }
      return;
    }
    const threshold = Math.min(16, Math.max(4, this.minRtt / 8));
    if (rtt < this.minRtt + threshold) return void (this.delayedRounds = 0);
    if (++this.delayedRounds >= 2) {
      this.cssBaselineRtt = rtt;
      this.cssRounds = 0;
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
    this.cssBaselineRtt = undefined;
    this.cwnd = this.ssthresh;
    this.partialBytesAcked = 0;
    this.fastRecoveryExitPoint = highestOutstandingTsn;
  }

  /** T3-rtx expiry (§7.2.3): back to one MTU. */
  onRetransmitTimeout(): void {
    this.ssthresh = Math.max(Math.floor(this.cwnd / 2), 4 * this.mtu);
    this.cssBaselineRtt = undefined;
    this.cwnd = this.mtu;
    this.partialBytesAcked = 0;
    this.fastRecoveryExitPoint = undefined;
  }

  /** Idle for an RTO (§7.2.1): restart from the initial window at most. */
  onIdle(initialCwnd: number): void {
    this.cwnd = Math.min(this.cwnd, Math.max(initialCwnd, 4 * this.mtu));
  }
}
