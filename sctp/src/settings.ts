/** Settings of an SCTP association, with the defaults (dcSCTP's, see INTEROP.md). */
export interface SctpSettings {
  /** SCTP source port (RFC 8841 a=sctp-port); default 5000 */
  localPort?: number;
  /** SCTP destination port; default 5000 */
  remotePort?: number;
  /** fills `out` with random bytes (tags, initial TSNs, cookie key, heartbeat nonces) */
  random: (out: Uint8Array) => void;
  /** largest SCTP packet (the DTLS/UDP payload) every path carries: BASE_PLPMTU of RFC 8899; default 1200 */
  mtu?: number;
  /**
   * largest SCTP packet to probe for (RFC 8899 MAX_PLPMTU, PLPMTUD with HEARTBEAT + PAD probes,
   * RFC 8899 §6.2); default `mtu` (no probing). The data-channel driver derives it from the
   * local interface MTU.
   */
  maxMtu?: number;
  /** PLPMTUD PROBE_TIMER, ms (RFC 8899 §5.1.1: at least 1000); default 1000 */
  pmtuProbeTimer?: number;
  /** PLPMTUD PMTU_RAISE_TIMER, ms: search again for a larger size this long after a search; default 600000 */
  pmtuRaiseTimer?: number;
  /** largest incoming message we accept (RFC 8841 max-message-size we announce); default 262144 */
  maxMessageSize?: number;
  /** largest message the peer accepts (its a=max-message-size); 0 = unlimited; default 65536 (RFC 8841 §6.1) */
  remoteMaxMessageSize?: number;
  /** accept RFC 9653 zero checksum (method DTLS) and use it when the peer accepts it too; default false */
  zeroChecksum?: boolean;
  /** advertised receiver window; default max(5 MiB, 2 × maxMessageSize) */
  aRwnd?: number;
  /** cap on bytes held for reassembly and ordering; default aRwnd + maxMessageSize */
  maxReceiveBufferBytes?: number;
  /** streams announced (OS and MIS); default 65535 */
  streams?: number;
  /** RTO (RFC 6298) in ms: initial 500, min 400, max 60000 */
  rtoInitial?: number;
  rtoMin?: number;
  rtoMax?: number;
  /** upper bound on the delayed SACK timer, ms; default 200 (the timer is min(RTO/2, this)) */
  delayedAckMax?: number;
  /** INIT / COOKIE-ECHO / SHUTDOWN retransmissions before giving up; default 8 */
  maxInitRetransmits?: number;
  /** consecutive T3 / heartbeat timeouts before ABORT; undefined = never (dcSCTP in Chrome) */
  maxRetransmissions?: number;
  /** heartbeat interval while idle, ms; 0 disables; default 30000 */
  heartbeatInterval?: number;
  /** lifetime of our state cookies, ms; default 60000 */
  cookieLifetime?: number;
  /** initial congestion window in MTUs; default 10 */
  initialCwndMtus?: number;
  /**
   * Max.Burst (RFC 9260 §6.1 D, §16): packets of new DATA sent per transmission opportunity
   * (a received packet, a timer, a send on an idle association); default 4
   */
  maxBurst?: number;
  /** cap on gap ack ranges kept for an attacker-controlled TSN pattern; default 256 */
  maxGapRanges?: number;
  /** offer I-DATA / I-FORWARD-TSN (RFC 8260 message interleaving); used when the peer offers them too; default false */
  interleaving?: boolean;
}

export type ResolvedSctpSettings = Required<Omit<SctpSettings, 'maxRetransmissions'>> & { maxRetransmissions: number | undefined };

export const DEFAULT_SCTP_SETTINGS = {
  localPort: 5000,
  remotePort: 5000,
  mtu: 1200,
  pmtuProbeTimer: 1000,
  pmtuRaiseTimer: 600_000,
  maxMessageSize: 262144,
  remoteMaxMessageSize: 65536,
  zeroChecksum: false,
  streams: 65535,
  rtoInitial: 500,
  rtoMin: 400,
  rtoMax: 60000,
  delayedAckMax: 200,
  maxInitRetransmits: 8,
  maxRetransmissions: undefined as number | undefined,
  heartbeatInterval: 30000,
  cookieLifetime: 60000,
  initialCwndMtus: 10,
  maxBurst: 4,
  maxGapRanges: 256,
  interleaving: false,
} as const;

export function resolveSettings(s: SctpSettings): ResolvedSctpSettings {
  const d = DEFAULT_SCTP_SETTINGS;
  const maxMessageSize = s.maxMessageSize ?? d.maxMessageSize;
  const aRwnd = s.aRwnd ?? Math.max(5 * 1024 * 1024, 2 * maxMessageSize);
  return {
    localPort: s.localPort ?? d.localPort,
    remotePort: s.remotePort ?? d.remotePort,
    random: s.random,
    mtu: s.mtu ?? d.mtu,
    maxMtu: s.maxMtu ?? s.mtu ?? d.mtu,
    pmtuProbeTimer: Math.max(1000, s.pmtuProbeTimer ?? d.pmtuProbeTimer),
    pmtuRaiseTimer: s.pmtuRaiseTimer ?? d.pmtuRaiseTimer,
    maxMessageSize,
    remoteMaxMessageSize: s.remoteMaxMessageSize ?? d.remoteMaxMessageSize,
    zeroChecksum: s.zeroChecksum ?? d.zeroChecksum,
    aRwnd,
    maxReceiveBufferBytes: s.maxReceiveBufferBytes ?? aRwnd + maxMessageSize,
    streams: s.streams ?? d.streams,
    rtoInitial: s.rtoInitial ?? d.rtoInitial,
    rtoMin: s.rtoMin ?? d.rtoMin,
    rtoMax: s.rtoMax ?? d.rtoMax,
    delayedAckMax: s.delayedAckMax ?? d.delayedAckMax,
    maxInitRetransmits: s.maxInitRetransmits ?? d.maxInitRetransmits,
    maxRetransmissions: s.maxRetransmissions,
    heartbeatInterval: s.heartbeatInterval ?? d.heartbeatInterval,
    cookieLifetime: s.cookieLifetime ?? d.cookieLifetime,
    initialCwndMtus: s.initialCwndMtus ?? d.initialCwndMtus,
    maxBurst: s.maxBurst ?? d.maxBurst,
    maxGapRanges: s.maxGapRanges ?? d.maxGapRanges,
    interleaving: s.interleaving ?? d.interleaving,
  };
}
