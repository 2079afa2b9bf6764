/**
 * Congestion control of RFC 9260 §7.2: slow start, congestion avoidance with
 * partial_bytes_acked, fast recovery, and the reactions to T3-rtx expiry. Sizes in bytes.
 */
/** RFC 9406 §4.3 constants: Conservative Slow Start lasts CSS_ROUNDS rounds and grows CSS_GROWTH_DIVISOR times slower */
const CSS_ROUNDS = 5;
const CSS_GROWTH_DIVISOR = 4;
/** RFC 9406 §4.3: the delay threshold is clamp(lastRoundMinRTT / 8, 4 ms, 16 ms), judged after N_RTT_SAMPLE samples of a round */
const MIN_RTT_THRESH = 4;
const MAX_RTT_THRESH = 16;
const MIN_RTT_DIVISOR = 8;
const N_RTT_SAMPLE = 8;

export class CongestionControl {
  cwnd: number;
  ssthresh: number;
  partialBytesAcked = 0;
  /** highest outstanding TSN when fast recovery began (RFC 9260 §7.2.4), or undefined */
  fastRecoveryExitPoint: number | undefined;
  /** smallest round-trip sample seen (ms): the path without queueing */
  minRtt = Infinity;
  /** HyStart++ rounds (RFC 9406 §4.2): a round ends when the cumulative ack reaches windowEnd */
  private windowEnd = -Infinity;
  private lastRoundMinRtt = Infinity;
  private currentRoundMinRtt = Infinity;
  private rttSampleCount = 0;
  /** in HyStart++ Conservative Slow Start: the round minimum that started it (ms), else undefined */
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
   * HyStart++ (RFC 9406 §4.2, §4.3), fed one RTT sample per SACK that newly acks a chunk sent
   * once. A round's minimum, over at least N_RTT_SAMPLE samples, that exceeds the previous
   * round's minimum by clamp(min/8, 4 ms, 16 ms) shows a standing queue: slow start turns into
   * Conservative Slow Start (growth / 4) for CSS_ROUNDS rounds, then ends (ssthresh = cwnd),
   * unless a round's minimum falls below the one that started it (a spurious exit: slow start
   * resumes). Minimums, not single samples: timer and scheduling jitter on a loaded host delays
   * some samples of every round, a queue delays all of them.
   */
  onRttSample(rtt: number): void {
    if (!(rtt >= 0)) return;
    if (rtt < this.minRtt) this.minRtt = rtt;
    if (this.cwnd > this.ssthresh) return;
    if (rtt < this.currentRoundMinRtt) this.currentRoundMinRtt = rtt;
    if (++this.rttSampleCount < N_RTT_SAMPLE || this.currentRoundMinRtt === Infinity || this.lastRoundMinRtt === Infinity) return;
    if (this.cssBaselineRtt !== undefined) {
      if (this.currentRoundMinRtt < this.cssBaselineRtt) this.cssBaselineRtt = undefined;
      return;
    }
    const threshold = Math.min(MAX_RTT_THRESH, Math.max(MIN_RTT_THRESH, this.lastRoundMinRtt / MIN_RTT_DIVISOR));
    if (this.currentRoundMinRtt >= this.lastRoundMinRtt + threshold) {
      this.cssBaselineRtt = this.currentRoundMinRtt;
      this.cssRounds = 0;
    }
  }

  /**
   * A SACK arrived: a round ends once the cumulative ack reaches the TSN that was the highest
   * sent when the round began (RFC 9406 §4.2 windowEnd). `highestSent`: the highest TSN sent now.
   */
  onRound(cumulativeTsn: number, highestSent: number): void {
    if (cumulativeTsn < this.windowEnd) return;
    this.windowEnd = highestSent;
    this.lastRoundMinRtt = this.currentRoundMinRtt;
    this.currentRoundMinRtt = Infinity;
    this.rttSampleCount = 0;
    if (this.cssBaselineRtt !== undefined && ++this.cssRounds >= CSS_ROUNDS) {
      this.ssthresh = this.cwnd;
      this.cssBaselineRtt = undefined;
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
