/**
 * A sans-IO SCTP association (RFC 9260) as WebRTC data channels use it (RFC 8261): one
 * association, many streams, partial reliability (RFC 3758), stream reset (RFC 6525), zero
 * checksum (RFC 9653). It takes and returns whole SCTP packets and owns no clock, timer or
 * socket (CONVENTIONS.md "The engine shape"). Structure after dcSCTP: packet/ codecs, rx/
 * (data tracker, reassembly), tx/ (send queue, retransmission queue, congestion control, RTO),
 * timers as deadlines.
 */
import { SctpError } from './errors.js';
import { copyBytes } from './byte-pool.js';
import { Ppid } from './ppid.js';
import { resolveSettings, type ResolvedSctpSettings, type SctpSettings } from './settings.js';
import { unwrap32, wrap32 } from './serial.js';
import { signCookie, verifyCookie, type CookieContents } from './cookie.js';
import { u16, u32, put32 } from './packet/bytes.js';
import { CauseCode, ChunkType, COMMON_HEADER_SIZE, DATA_CHUNK_HEADER_SIZE, ReconfigResult, ZERO_CHECKSUM_METHOD_DTLS } from './packet/constants.js';
import { sctpChecksum } from './packet/crc32c.js';
import { PacketReader } from './packet/packet.js';
import { PacketWriter } from './packet/writer.js';
import { decodeInit, encodeInit, type InitChunk } from './packet/init-chunk.js';
import { writeData } from './packet/data-chunk.js';
import { sackSize, writeSack } from './packet/sack-chunk.js';
import { decodeForwardTsn, encodeForwardTsn } from './packet/forward-tsn-chunk.js';
import { decodeReconfig, encodeOutgoingResetRequest, encodeReconfig, encodeReconfigResponse } from './packet/reconfig-chunk.js';
import {
  decodeCauses,
  decodeHeartbeatInfo,
  decodeShutdown,
  describeCauses,
  encodeAbort,
  encodeCause,
  encodeChunk,
  encodeHeartbeat,
  encodeShutdown,
} from './packet/control-chunks.js';
import { encodeParameter } from './packet/parameters.js';
import { DataTracker } from './rx/data-tracker.js';
import { InterleavedReassembly } from './rx/interleaved-reassembly.js';
import { I_DATA_CHUNK_HEADER_SIZE, writeIData } from './packet/i-data-chunk.js';
import { decodeIForwardTsn, encodeIForwardTsn } from './packet/i-forward-tsn-chunk.js';
import { Reassembly, type DeliveredMessage } from './rx/reassembly.js';
import { SendQueue, type OutMessage } from './tx/send-queue.js';
import { RetransmissionQueue, type SentChunk } from './tx/retransmission-queue.js';
import { CongestionControl } from './tx/congestion-control.js';
import { RtoEstimator } from './tx/rto.js';
import { Plpmtud, type PlpmtudState } from './pmtu/plpmtud.js';

export type SctpState =
  | 'closed'
  | 'cookie-wait'
  | 'cookie-echoed'
  | 'established'
  | 'shutdown-pending'
  | 'shutdown-sent'
  | 'shutdown-received'
  | 'shutdown-ack-sent';

export type SctpEvent =
  | { type: 'connected' }
  | DeliveredMessage
  /** the peer reset these incoming streams (closed its data channels) */
  | { type: 'stream-reset'; streamIds: number[] }
  /** our outgoing reset of these streams completed: their ids may be reused */
  | { type: 'streams-reset-done'; streamIds: number[] }
  /** the peer refused our outgoing reset (RFC 6525 result code) */
  | { type: 'streams-reset-failed'; streamIds: number[]; result: number }
  | { type: 'buffered-amount-low'; streamId: number }
  /** the association-wide buffered amount fell to or below its threshold */
  | { type: 'total-buffered-amount-low' }
  | { type: 'closed' }
  | { type: 'aborted'; reason: string };

export interface SctpSendOptions {
  unordered?: boolean;
  /** PR-SCTP: retransmit at most this many times (RFC 8831 maxRetransmits) */
  maxRetransmits?: number;
  /** PR-SCTP: give up after this many ms (RFC 8831 maxPacketLifeTime) */
  maxPacketLifeTime?: number;
  /**
   * Hand `data` over without a copy: the association keeps views of it until every fragment is
   * acknowledged, so the caller must not modify it afterwards (e.g. a freshly encoded string).
   * Default false: send() copies.
   */
  transfer?: boolean;
}

export interface SctpStats {
  state: SctpState;
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  dataChunksSent: number;
  dataChunksReceived: number;
  messagesSent: number;
  messagesReceived: number;
  retransmissions: number;
  fastRetransmits: number;
  t3Expiries: number;
  duplicateTsnsReceived: number;
  abandonedMessages: number;
  forwardTsnsSent: number;
  droppedMalformed: number;
  droppedBadChecksum: number;
  droppedBadTag: number;
  droppedOutOfState: number;
  droppedBufferFull: number;
  droppedBadCookie: number;
  droppedStaleCookie: number;
  unknownChunks: number;
  cwnd: number;
  ssthresh: number;
  flightBytes: number;
  peerRwnd: number;
  rto: number;
  srtt: number | undefined;
  receiveBufferedBytes: number;
  bufferedAmount: number;
  zeroChecksum: boolean;
  /** I-DATA interleaving negotiated (RFC 8260) */
  interleaving: boolean;
  /** PLPMTU in use (RFC 8899): the largest SCTP packet sent */
  pmtu: number;
  pmtuState: PlpmtudState;
  pmtuProbesSent: number;
  pmtuProbesAcked: number;
  /** suspected black holes (T3-rtx expiry above the base size): fell back to `mtu` */
  pmtuBlackHoles: number;
}

interface RawPacket {
  vtag: number;
  chunk: Uint8Array;
}

interface PendingReset {
  requestSeq: number;
  streamIds: number[];
  lastAssignedTsn: number;
  chunk: Uint8Array;
}

const utf8 = new TextEncoder();
/** cap on queued peer-triggered control chunks (see respond()) */
const MAX_RESPONSES = 16;

/**
 * States in which queued DATA (and resets) still go out: RFC 9260 §9.2 has the SHUTDOWN
 * receiver "continue to follow normal data transmission procedures" until all is acknowledged.
 */
function sendsData(s: SctpState): boolean {
  return s === 'established' || s === 'shutdown-pending' || s === 'shutdown-received';
}

/** States in which DATA flows (RFC 9260 §9.2: data still flows until SHUTDOWN-ACK). */
function dataState(s: SctpState): boolean {
  return s === 'established' || s === 'shutdown-pending' || s === 'shutdown-sent' || s === 'shutdown-received';
}

/** RFC 8899 §5.1.2 MAX_PROBES */
const PMTU_MAX_PROBES = 3;
/** Heartbeat Info of a PLPMTUD probe: send time (f64), nonce (4), probe size (u32) */
const PROBE_INFO_SIZE = 16;
/** HEARTBEAT chunk of a probe: chunk header, Heartbeat Info parameter header, the info */
const PROBE_HEARTBEAT_SIZE = 8 + PROBE_INFO_SIZE;

/** Max.Burst credit kept from packets fed before the next poll, in opportunities. */
const MAX_BURST_CREDIT = 16;

/**
 * Gap-ack blocks of the SACK being processed, as offsets from its cumulative TSN ack. Filled and
 * consumed within one synchronous onSack, so one buffer serves every association (32 KiB each
 * was most of an idle peer's memory).
 */
const SACK_GAP_SCRATCH = new Int32Array(2 * 4096);
/** Gap blocks of the SACK being written: filled and written out within one writeSackChunk. */
let sackGapsOut = new Uint16Array(2 * 64);

export class SctpAssociation {
  readonly settings: ResolvedSctpSettings;
  private _state: SctpState = 'closed';
  /** set once closed or aborted: the association takes no more input */
  private terminated = false;
  private now: number;

  // ---- identity (RFC 9260 §5) ----
  private localTag = 0;
  private localInitialTsn = 0;
  /** 0 until a TCB exists (COOKIE-ECHOED or later) */
  private peerTag = 0;
  private hasTcb = false;
  private readonly cookieKey = new Uint8Array(32);
  private initChunk: Uint8Array | undefined;
  private cookieEchoChunk: Uint8Array | undefined;

  // ---- negotiated ----
  private peerForwardTsn = false;
  private peerReconfig = false;
  private sendZeroChecksum = false;
  /** I-DATA / I-FORWARD-TSN in use (RFC 8260): both sides offered them */
  private useIData = false;
  private outboundStreams = 0;
  private inboundStreams = 0;
  private _remoteMaxMessageSize: number;

  // ---- rx ----
  private tracker: DataTracker | undefined;
  private readonly events: SctpEvent[] = [];
  private eventsHead = 0;
  private readonly reassembly: Reassembly;
  private readonly iReassembly: InterleavedReassembly;
  private sackNow = false;
  private packetsSinceSack = 0;
  /** gap blocks one SACK may carry: as many as fit a base-MTU packet */
  private readonly maxSackGaps: number;
  private peerNextReqSeq = 0;
  private lastReconfigResult = { seq: -1, result: 0 };

  // ---- tx ----
  private readonly sendQueue = new SendQueue();
  private rtxq = new RetransmissionQueue(0);
  private readonly cc: CongestionControl;
  private readonly rto: RtoEstimator;
  private peerRwnd = 0;
  private fastRetransmitBurst = false;
  /** packets of new DATA still allowed in this transmission opportunity (Max.Burst, §6.1 D) */
  private burstLeft = 0;
  private forwardTsnPending = false;
  private nextReqSeq = 0;
  /** streams with outgoing resets asked for and not yet requested */
  private readonly resetWaiting = new Set<number>();
  private resetInFlight: PendingReset | undefined;
  private resetSendPending = false;
  private errorCount = 0;

  // ---- output ----
  private readonly writer: PacketWriter;
  private readonly reader = new PacketReader();
  private readonly raw: RawPacket[] = [];
  private readonly control: Uint8Array[] = [];

  // ---- timers (absolute deadlines on the caller's clock) ----
  private t1: number | undefined;
  private t1Count = 0;
  private t1Rto = 0;
  private t3: number | undefined;
  private delayedSack: number | undefined;
  private heartbeatAt: number | undefined;
  private heartbeatOutstanding: Uint8Array | undefined;
  /** PLPMTUD (RFC 8899 §6.2): the state machine and the Heartbeat Info of the probe in flight */
  private readonly pl: Plpmtud;
  private probeInfo: Uint8Array | undefined;
  private t2: number | undefined;
  private t2Count = 0;
  private reconfigTimer: number | undefined;

  private readonly st: Omit<SctpStats, 'state' | 'cwnd' | 'ssthresh' | 'flightBytes' | 'peerRwnd' | 'rto' | 'srtt' | 'receiveBufferedBytes' | 'bufferedAmount' | 'zeroChecksum' | 'interleaving' | `pmtu${string}`> = {
    packetsSent: 0,
    packetsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    dataChunksSent: 0,
    dataChunksReceived: 0,
    messagesSent: 0,
    messagesReceived: 0,
    retransmissions: 0,
    fastRetransmits: 0,
    t3Expiries: 0,
    duplicateTsnsReceived: 0,
    abandonedMessages: 0,
    forwardTsnsSent: 0,
    droppedMalformed: 0,
    droppedBadChecksum: 0,
    droppedBadTag: 0,
    droppedOutOfState: 0,
    droppedBufferFull: 0,
    droppedBadCookie: 0,
    droppedStaleCookie: 0,
    unknownChunks: 0,
  };

  constructor(settings: SctpSettings, now: number) {
    if (typeof settings?.random !== 'function') throw new SctpError('bad-settings', 'settings.random is required');
    const s = (this.settings = resolveSettings(settings));
    if (!(s.mtu >= 128 && s.mtu <= 65535)) throw new SctpError('bad-settings', `mtu ${s.mtu} out of range 128..65535`);
    if (!(s.maxMtu <= 65535)) throw new SctpError('bad-settings', `maxMtu ${s.maxMtu} above 65535`);
    if (!(s.maxBurst >= 1)) throw new SctpError('bad-settings', 'maxBurst must be at least 1');
    if (!(s.maxMessageSize >= 1)) throw new SctpError('bad-settings', 'maxMessageSize must be positive');
    this.now = now;
    this._remoteMaxMessageSize = s.remoteMaxMessageSize === 0 ? Infinity : s.remoteMaxMessageSize;
    s.random(this.cookieKey);
    this.writer = new PacketWriter(s.mtu);
    this.cc = new CongestionControl(s.mtu, s.initialCwndMtus, s.aRwnd);
    this.rto = new RtoEstimator(s.rtoInitial, s.rtoMin, s.rtoMax);
    this.pl = new Plpmtud({ base: s.mtu, max: s.maxMtu, probeTimer: s.pmtuProbeTimer, maxProbes: PMTU_MAX_PROBES, raiseTimer: s.pmtuRaiseTimer });
    this.maxSackGaps = Math.max(1, Math.floor((s.mtu - COMMON_HEADER_SIZE - 16) / 4));
    const sink = { push: (m: DeliveredMessage) => this.deliver(m) };
    this.reassembly = new Reassembly(sink, s.maxReceiveBufferBytes, s.maxMessageSize);
    this.iReassembly = new InterleavedReassembly(sink, s.maxReceiveBufferBytes, s.maxMessageSize);
  }

  // =====================================================================================
  // Public queries
  // =====================================================================================

  get state(): SctpState {
    return this._state;
  }

  /** The PLPMTU (RFC 8899): the largest SCTP packet this association sends now. */
  get pmtu(): number {
    return this.pl.pmtu;
  }

  /** The peer's max-message-size (from its SDP); 0 = unlimited. */
  get remoteMaxMessageSize(): number {
    return this._remoteMaxMessageSize === Infinity ? 0 : this._remoteMaxMessageSize;
  }
  set remoteMaxMessageSize(n: number) {
    if (!(n >= 0)) throw new SctpError('bad-argument', `remoteMaxMessageSize ${n}`);
    this._remoteMaxMessageSize = n === 0 ? Infinity : n;
  }

  /** Bytes queued on a stream and not yet handed to the network (W3C bufferedAmount). */
  bufferedAmount(streamId: number): number {
    return this.sendQueue.streams[streamId]?.bufferedAmount ?? 0;
  }

  /** Bytes queued on all streams. */
  totalBufferedAmount(): number {
    return this.sendQueue.totalBuffered;
  }

  /** A 'buffered-amount-low' event fires when a stream's buffered amount falls to or below this. */
  setBufferedAmountLowThreshold(streamId: number, bytes: number): void {
    this.checkStreamId(streamId);
    if (!(bytes >= 0)) throw new SctpError('bad-argument', `threshold ${bytes}`);
    this.sendQueue.stream(streamId).lowThreshold = bytes;
  }

  /** A 'total-buffered-amount-low' event fires when all streams together fall to or below this. */
  setTotalBufferedAmountLowThreshold(bytes: number): void {
    if (!(bytes >= 0)) throw new SctpError('bad-argument', `threshold ${bytes}`);
    this.sendQueue.totalLowThreshold = bytes;
  }

  stats(): SctpStats {
    return {
      ...this.st,
      state: this._state,
      cwnd: this.cc.cwnd,
      ssthresh: this.cc.ssthresh,
      flightBytes: this.rtxq.flightBytes,
      peerRwnd: this.peerRwnd,
      rto: this.rto.rto,
      srtt: this.rto.srtt,
      receiveBufferedBytes: this.reassembly.bufferedBytes + this.iReassembly.bufferedBytes,
      interleaving: this.useIData,
      bufferedAmount: this.sendQueue.totalBuffered,
      zeroChecksum: this.sendZeroChecksum,
      pmtu: this.pl.pmtu,
      pmtuState: this.pl.state,
      pmtuProbesSent: this.pl.probesSent,
      pmtuProbesAcked: this.pl.probesAcked,
      pmtuBlackHoles: this.pl.blackHoles,
    };
  }

  // =====================================================================================
  // Engine outputs
  // =====================================================================================

  pollEvent(): SctpEvent | undefined {
    if (this.eventsHead < this.events.length) {
      const e = this.events[this.eventsHead];
      this.events[this.eventsHead++] = undefined as unknown as SctpEvent;
      if (this.eventsHead === this.events.length) this.events.length = this.eventsHead = 0;
      return e;
    }
    const sq = this.sendQueue;
    if (sq.lowEvents.length) return { type: 'buffered-amount-low', streamId: sq.lowEvents.shift()! };
    if (sq.totalLowEvent) {
      sq.totalLowEvent = false;
      return { type: 'total-buffered-amount-low' };
    }
    return undefined;
  }

  nextDeadline(): number | undefined {
    // min of T1-init/T1-cookie, T3-rtx, delayed SACK, heartbeat, T2-shutdown, RE-CONFIG timer
    let d = Infinity;
    if (this.t1 !== undefined && this.t1 < d) d = this.t1;
    if (this.t3 !== undefined && this.t3 < d) d = this.t3;
    if (this.delayedSack !== undefined && this.delayedSack < d) d = this.delayedSack;
    if (this.heartbeatAt !== undefined && this.heartbeatAt < d) d = this.heartbeatAt;
    if (this.t2 !== undefined && this.t2 < d) d = this.t2;
    if (this.reconfigTimer !== undefined && this.reconfigTimer < d) d = this.reconfigTimer;
    const p = this.hasTcb ? this.pl.deadline() : undefined;
    if (p !== undefined && p < d) d = p;
    return d === Infinity ? undefined : d;
  }

  /** The next packet to send, built in a buffer reused by the next call into this engine. */
  pollTransmit(): Uint8Array | undefined {
    const raw = this.raw.shift();
    if (raw) {
      const w = this.writer;
      w.begin(this.settings.localPort, this.settings.remotePort, raw.vtag);
      if (raw.chunk.length > w.room()) return this.pollTransmit(); // cannot happen with sane MTUs
      w.appendChunk(raw.chunk);
      return this.sent(w.finish(true));
    }
    if (!this.hasTcb) return undefined;
    const probe = this.pl.pendingProbe();
    if (probe !== undefined && dataState(this._state)) return this.sent(this.composeProbe(probe));
    const p = this.compose();
    // drained: unused Max.Burst credit does not carry over to a later opportunity
    if (p === undefined) this.burstLeft = 0;
    return p;
  }

  private sent(p: Uint8Array): Uint8Array {
    this.st.packetsSent++;
    this.st.bytesSent += p.length;
    return p;
  }

  // =====================================================================================
  // Inputs
  // =====================================================================================

  /** Starts the association: sends INIT (RFC 9260 §5.1). Both sides may call it. */
  connect(now: number): void {
    this.now = now;
    if (this.terminated) throw new SctpError('invalid-state', 'association is closed');
    if (this._state !== 'closed') return;
    this.raw.push({ vtag: 0, chunk: this.localInit() });
    this._state = 'cookie-wait';
    this.t1Count = 0;
    this.t1Rto = this.settings.rtoInitial;
    this.t1 = now + this.t1Rto;
  }

  /** Our INIT chunk, made once: tag and initial TSN are drawn on first use. */
  private localInit(): Uint8Array {
    if (!this.initChunk) {
      this.localTag = this.randomTag();
      this.localInitialTsn = this.random32();
      this.rtxq = new RetransmissionQueue(this.localInitialTsn);
      this.nextReqSeq = this.localInitialTsn;
      this.initChunk = encodeInit(ChunkType.INIT, this.localInitFields(this.localTag, this.localInitialTsn));
    }
    return this.initChunk;
  }

  /**
   * SNAP (draft-hancke-tsvwg-snap, `a=sctp-init`): our INIT chunk (chunk header included) to
   * signal out of band. The same chunk is used if connect() is called instead.
   */
  snapInit(): Uint8Array {
    if (this.terminated || (this._state !== 'closed' && this._state !== 'cookie-wait')) throw new SctpError('invalid-state', `no INIT to offer in state ${this._state}`);
    return this.localInit().slice();
  }

  /**
   * SNAP: the peer's INIT chunk, received out of band, completes the association without the
   * four-way handshake: each side's INIT plays the role of the other's INIT-ACK (no cookie).
   * Call after snapInit() was signalled. Throws SctpError on a malformed INIT.
   */
  connectSnap(peerInit: Uint8Array, now: number): void {
    this.now = now;
    if (this.terminated || (this._state !== 'closed' && this._state !== 'cookie-wait')) throw new SctpError('invalid-state', `cannot apply a SNAP INIT in state ${this._state}`);
    if (peerInit.length < 20 || peerInit[0] !== ChunkType.INIT) throw new SctpError('bad-init', 'not an INIT chunk');
    const len = u16(peerInit, 2);
    if (len < 20 || len > peerInit.length) throw new SctpError('bad-chunk-length', `INIT chunk length ${len}`, 2);
    const init = decodeInit(peerInit.subarray(4, len), false);
    if (init.initiateTag === 0 || init.outboundStreams === 0 || init.inboundStreams === 0) throw new SctpError('bad-init', 'INIT with a zero tag or stream count');
    this.localInit();
    this.raw.length = 0; // a pending INIT of ours is no longer needed
    this.setupTcb(init.initiateTag, init.initialTsn, init.aRwnd, init.outboundStreams, init.inboundStreams, init);
    this.establish();
  }

  /**
   * Queues a message (RFC 8831 §6.6). An empty message is sent as PPID STRING_EMPTY /
   * BINARY_EMPTY with one zero byte. The data is copied unless `options.transfer`. Throws
   * SctpError on misuse.
   */
  send(streamId: number, ppid: number, data: Uint8Array, options: SctpSendOptions = {}, now: number = this.now): void {
    this.now = now;
    this.checkStreamId(streamId);
    if (this.terminated || (this._state !== 'closed' && !this.canQueue())) throw new SctpError('invalid-state', `cannot send in state ${this._state}`);
    if (this.hasTcb && streamId >= this.outboundStreams) throw new SctpError('invalid-stream', `stream ${streamId} >= negotiated ${this.outboundStreams} outbound streams`);
    if (data.length > this._remoteMaxMessageSize) {
      throw new SctpError('message-too-large', `message of ${data.length} bytes exceeds the peer's max-message-size ${this._remoteMaxMessageSize}`);
    }
    if (data.length === 0) {
      ppid = ppid === Ppid.STRING ? Ppid.STRING_EMPTY : ppid === Ppid.BINARY ? Ppid.BINARY_EMPTY : ppid;
      data = new Uint8Array(1);
    } else if (options.transfer !== true) data = copyBytes(data);
    const m: OutMessage = {
      streamId,
      ppid,
      data,
      offset: 0,
      unordered: options.unordered === true,
      ssn: 0,
      maxRetransmits: options.maxRetransmits ?? undefined,
      expiresAt: options.maxPacketLifeTime !== undefined && options.maxPacketLifeTime !== null ? now + options.maxPacketLifeTime : undefined,
      abandoned: false,
      firstTsn: -1,
      lastTsn: -1,
    };
    // a send is a transmission opportunity (RFC 9260 §6.1): without this, a message queued while
    // earlier DATA awaits a (possibly delayed, up to 200 ms) SACK would wait for it, and a
    // maxPacketLifeTime message could expire unsent
    if (this.burstLeft < this.settings.maxBurst) this.burstLeft = this.settings.maxBurst;
    this.sendQueue.enqueue(m);
    this.st.messagesSent++;
  }

  /** RFC 6525 outgoing SSN reset of these streams (RFC 8831 §6.7 close), after their queued data. */
  resetStreams(streamIds: number[], now: number): void {
    this.now = now;
    for (const id of streamIds) this.checkStreamId(id);
    if (this.terminated) throw new SctpError('invalid-state', 'association is closed');
    for (const id of streamIds) {
      this.sendQueue.markReset(id);
      this.resetWaiting.add(id);
    }
    this.maybeStartReset();
  }

  /** Graceful close (RFC 9260 §9.2): SHUTDOWN once all queued data is acknowledged. */
  shutdown(now: number): void {
    this.now = now;
    if (this.terminated) return;
    if (this._state === 'established') {
      this._state = 'shutdown-pending';
      this.checkShutdown();
    } else if (this._state === 'closed' || this._state === 'cookie-wait' || this._state === 'cookie-echoed') {
      if (this.hasTcb) this.raw.push({ vtag: this.peerTag, chunk: encodeAbort(false, []) });
      this.terminate({ type: 'closed' });
    }
  }

  /** Ends the association at once with ABORT (User-Initiated Abort cause). */
  abort(reason: string, now: number): void {
    this.now = now;
    if (this.terminated) return;
    if (this.hasTcb || this._state === 'cookie-wait') {
      const vtag = this.hasTcb ? this.peerTag : 0;
      if (this.hasTcb) this.raw.push({ vtag, chunk: encodeAbort(false, [encodeCause(CauseCode.USER_INITIATED_ABORT, utf8.encode(reason))]) });
    }
    this.terminate({ type: 'aborted', reason });
  }

  handleTimeout(now: number): void {
    this.now = now;
    if (this.terminated) return;
    if (this.burstLeft < this.settings.maxBurst) this.burstLeft = this.settings.maxBurst;
    if (this.t1 !== undefined && now >= this.t1) this.onT1();
    if (this.t3 !== undefined && now >= this.t3) this.onT3();
    if (this.delayedSack !== undefined && now >= this.delayedSack) {
      this.delayedSack = undefined;
      this.sackNow = true;
    }
    if (this.heartbeatAt !== undefined && now >= this.heartbeatAt) this.onHeartbeatTimer();
    if (this.t2 !== undefined && now >= this.t2) this.onT2();
    if (this.reconfigTimer !== undefined && now >= this.reconfigTimer) this.onReconfigTimer();
    const p = this.pl.deadline();
    if (p !== undefined && now >= p && this.hasTcb) {
      this.pl.handleTimeout(now);
      this.applyPmtu();
    }
  }

  /** A received SCTP packet. Never throws on bad input: it is dropped and counted. */
  handlePacket(bytes: Uint8Array, now: number): void {
    this.now = now;
    const st = this.st;
    st.packetsReceived++;
    st.bytesReceived += bytes.length;
    const r = this.reader;
    if (r.read(bytes) !== undefined) return void st.droppedMalformed++;
    // RFC 9653 §5.3: a receiver that announced acceptance takes a zero checksum field as valid
    if (!(this.settings.zeroChecksum && r.checksum === 0) && sctpChecksum(bytes) !== r.checksum) return void st.droppedBadChecksum++;
    if (r.dstPort !== this.settings.localPort || r.srcPort !== this.settings.remotePort) return void st.droppedOutOfState++;
    const first = r.type(0);
    // each packet in is a transmission opportunity; a caller that feeds several before draining
    // pollTransmit() gets their sum, up to MAX_BURST_CREDIT opportunities
    this.burstLeft = Math.min(this.burstLeft + this.settings.maxBurst, MAX_BURST_CREDIT * this.settings.maxBurst);
    if (this.terminated) {
      // §8.4 rule 5: a SHUTDOWN-ACK after we closed (our SHUTDOWN-COMPLETE was lost)
      if (first === ChunkType.SHUTDOWN_ACK) this.raw.push({ vtag: r.verificationTag, chunk: encodeChunk(ChunkType.SHUTDOWN_COMPLETE, 1) });
      return void st.droppedOutOfState++;
    }
    try {
      this.dispatch(first);
    } catch (e) {
      // a malformed chunk (SctpError from a decoder) drops the rest of the packet
      if (!(e instanceof SctpError)) throw e;
      st.droppedMalformed++;
    }
  }

  /** Verification-tag rules (RFC 9260 §8.5, §8.5.1), then the chunks in order. */
  private dispatch(first: number): void {
    const r = this.reader;
    const st = this.st;
    if (first === ChunkType.INIT) {
      // RFC 9260 §6.10 / §8.5.1: INIT is alone in its packet, with verification tag 0
      if (r.count !== 1 || r.verificationTag !== 0) return void st.droppedBadTag++;
      return this.onInit(r.value(0));
    }
    let start = 0;
    if (first === ChunkType.COOKIE_ECHO) {
      if (!this.onCookieEcho(r.value(0), r.verificationTag)) return;
      start = 1;
    } else if ((first === ChunkType.ABORT || first === ChunkType.SHUTDOWN_COMPLETE) && (r.flags(0) & 1) !== 0) {
      // T bit: the tag is the one the receiver of the ABORT sent (RFC 9260 §8.5.1)
      if (!this.hasTcb || r.verificationTag !== this.peerTag) return void st.droppedBadTag++;
    } else if (first === ChunkType.SHUTDOWN_ACK && !this.hasTcb) {
      // out of the blue SHUTDOWN-ACK (§8.4 rule 5): answer SHUTDOWN-COMPLETE with the T bit
      this.raw.push({ vtag: r.verificationTag, chunk: encodeChunk(ChunkType.SHUTDOWN_COMPLETE, 1) });
      return;
    } else if (this.localTag === 0 || r.verificationTag !== this.localTag) {
      return void st.droppedBadTag++;
    }
    this.processChunks(start);
  }

  // =====================================================================================
  // Chunk processing
  // =====================================================================================

  private processChunks(start: number): void {
    const r = this.reader;
    let gotData = false;
    let immediate = false;
    for (let i = start; i < r.count && !this.terminated; i++) {
      const type = r.type(i);
      switch (type) {
        case ChunkType.DATA:
        case ChunkType.I_DATA: {
          if (type === ChunkType.I_DATA && !this.useIData) {
            if (this.unknownChunk(i, type)) i = r.count;
            break;
          }
          const res = this.onData(r.bytes, r.offset[i], r.length[i], r.flags(i), type === ChunkType.I_DATA);
          if (res !== 0) gotData = true;
          if (res === 2) immediate = true;
          break;
        }
        case ChunkType.SACK:
          this.onSack(r.bytes, r.offset[i] + 4, r.length[i] - 4);
          break;
        case ChunkType.INIT_ACK:
          this.onInitAck(r.value(i));
          break;
        case ChunkType.COOKIE_ECHO:
          this.st.droppedOutOfState++; // only valid first in a packet
          break;
        case ChunkType.COOKIE_ACK:
          this.onCookieAck();
          break;
        case ChunkType.HEARTBEAT:
          if (this.hasTcb) this.respond(encodeHeartbeat(true, decodeHeartbeatInfo(r.value(i))));
          break;
        case ChunkType.HEARTBEAT_ACK:
          this.onHeartbeatAck(decodeHeartbeatInfo(r.value(i)));
          break;
        case ChunkType.PAD:
          break; // RFC 4820 §3: ignored (it pads a PLPMTUD probe)
        case ChunkType.ABORT:
          this.terminate({ type: 'aborted', reason: describeCauses(decodeCauses(r.value(i))) || 'peer aborted' });
          return;
        case ChunkType.SHUTDOWN:
          this.onShutdown(decodeShutdown(r.value(i)));
          break;
        case ChunkType.SHUTDOWN_ACK:
          this.onShutdownAck();
          break;
        case ChunkType.SHUTDOWN_COMPLETE:
          if (this._state === 'shutdown-ack-sent') this.terminate({ type: 'closed' });
          else this.st.droppedOutOfState++;
          break;
        case ChunkType.ERROR:
          decodeCauses(r.value(i)); // validates; nothing to act on for a single-homed endpoint
          break;
        case ChunkType.FORWARD_TSN:
          this.onForwardTsn(r.value(i));
          immediate = gotData = true;
          break;
        case ChunkType.I_FORWARD_TSN:
          if (!this.useIData) {
            if (this.unknownChunk(i, type)) i = r.count;
            break;
          }
          this.onIForwardTsn(r.value(i));
          immediate = gotData = true;
          break;
        case ChunkType.RE_CONFIG:
          this.onReconfig(r.value(i));
          break;
        default:
          if (this.unknownChunk(i, type)) i = r.count;
      }
    }
    // the peer is alive and still sending: T2 retransmissions start counting afresh (§9.2)
    if (gotData && this.t2 !== undefined) this.t2Count = 0;
    if (gotData && !this.terminated) {
      this.packetsSinceSack++;
      const tr = this.tracker!;
      if (immediate || tr.hasGaps || tr.duplicates.length > 0 || this.packetsSinceSack >= 2 || this._state === 'shutdown-sent') {
        this.sackNow = true;
      } else if (this.delayedSack === undefined) {
        this.delayedSack = this.now + Math.min(this.rto.rto / 2, this.settings.delayedAckMax);
      }
    }
  }

  /** RFC 9260 §3.2: the two high bits of an unknown chunk type. True: stop processing the packet. */
  private unknownChunk(i: number, type: number): boolean {
    this.st.unknownChunks++;
    if ((type & 0x40) !== 0 && this.hasTcb) {
      this.respond(encodeChunk(ChunkType.ERROR, 0, encodeCause(CauseCode.UNRECOGNIZED_CHUNK_TYPE, this.reader.chunk(i))));
    }
    return (type & 0x80) === 0; // 00 / 01: stop
  }

  /**
   * One DATA chunk (RFC 9260 §6.2), or I-DATA (RFC 8260 §2.1) when `iData`. Reads the header in place. Returns 0 when ignored,
   * 1 when processed, 2 when it asks for an immediate SACK (out of order, duplicate, I bit).
   */
  private onData(b: Uint8Array, o: number, len: number, flags: number, iData: boolean): number {
    if (!dataState(this._state) || !this.tracker) return void this.st.droppedOutOfState++, 0;
    // RFC 8260 §2.2: DATA and I-DATA are never mixed in one association
    if (iData !== this.useIData) return void this.st.droppedOutOfState++, 0;
    const header = iData ? I_DATA_CHUNK_HEADER_SIZE : DATA_CHUNK_HEADER_SIZE;
    if (len < header) throw new SctpError('truncated', `${iData ? 'I-DATA' : 'DATA'} chunk shorter than ${header} bytes`, o);
    if (len === header) {
      // §6.2: no user data: ABORT with the No User Data cause
      const cause = new Uint8Array(4);
      put32(cause, 0, u32(b, o + 4));
      this.protocolAbort(CauseCode.NO_USER_DATA, cause, 'peer sent a DATA chunk without user data');
      return 0;
    }
    this.st.dataChunksReceived++;
    const tr = this.tracker;
    const wireTsn = u32(b, o + 4);
    const t = tr.unwrap(wireTsn);
    if (tr.isDuplicate(t)) {
      tr.noteDuplicate(wireTsn);
      this.st.duplicateTsnsReceived++;
      return 2;
    }
    if (!tr.canAccept(t)) return void this.st.droppedBufferFull++, 0;
    const streamId = u16(b, o + 8);
    const inOrder = t === tr.cumulativeTsn + 1;
    if (streamId >= this.inboundStreams) {
      // §6.5: acknowledge the TSN, report Invalid Stream Identifier, discard
      const info = new Uint8Array(4);
      info[0] = streamId >>> 8;
      info[1] = streamId;
      this.respond(encodeChunk(ChunkType.ERROR, 0, encodeCause(CauseCode.INVALID_STREAM_IDENTIFIER, info)));
      tr.add(t);
      return 2;
    }
    let res;
    if (iData) {
      const B = (flags & 2) !== 0;
      const ppidOrFsn = u32(b, o + 16);
      res = this.iReassembly.add(streamId, (flags & 4) !== 0, u32(b, o + 12), B ? 0 : ppidOrFsn, B ? ppidOrFsn : 0, B, (flags & 1) !== 0, b.subarray(o + 20, o + len), inOrder);
    } else {
      res = this.reassembly.add(t, streamId, u16(b, o + 10), u32(b, o + 12), flags, b.subarray(o + 16, o + len), inOrder);
    }
    if (res === 'full') return void this.st.droppedBufferFull++, 0;
    if (res === 'too-large') {
      this.protocolAbort(CauseCode.PROTOCOL_VIOLATION, utf8.encode('message exceeds max-message-size'), `peer sent a message larger than ${this.settings.maxMessageSize} bytes`);
      return 0;
    }
    tr.add(t);
    return inOrder && (flags & 8) === 0 ? 1 : 2;
  }

  /**
   * Queues a control chunk the peer's packet asked for (HEARTBEAT-ACK, ERROR reports), at most
   * MAX_RESPONSES waiting: a packet of many tiny chunks cannot make us send much more back.
   */
  private respond(chunk: Uint8Array): void {
    if (this.control.length < MAX_RESPONSES) this.control.push(chunk);
    else this.st.droppedOutOfState++;
  }

  private deliver(m: DeliveredMessage): void {
    this.st.messagesReceived++;
    this.events.push(m);
  }

  /** SACK (RFC 9260 §6.2.1), read in place. */
  private onSack(b: Uint8Array, o: number, len: number): void {
    if (!this.hasTcb || !dataState(this._state)) return void this.st.droppedOutOfState++;
    if (len < 12) throw new SctpError('truncated', 'SACK shorter than 16 bytes', o);
    const nGaps = u16(b, o + 8);
    const nDups = u16(b, o + 10);
    if (len < 12 + 4 * (nGaps + nDups)) throw new SctpError('bad-length', 'SACK counts exceed its length', o);
    const q = this.rtxq;
    const cum = unwrap32(u32(b, o), q.cumulativeTsnAck);
    if (cum < q.cumulativeTsnAck) return; // an old SACK, out of order (§6.2.1 D i)
    if (cum >= q.nextTsn) return void this.st.droppedMalformed++; // acks a TSN never sent
    const aRwnd = u32(b, o + 4);
    const gaps = SACK_GAP_SCRATCH;
    let n = 0;
    const maxOffset = q.nextTsn - 1 - cum;
    let prevEnd = 0;
    for (let g = 0; g < nGaps && n < gaps.length / 2; g++) {
      const s = u16(b, o + 12 + 4 * g);
      const e = u16(b, o + 14 + 4 * g);
      // blocks ascend and do not overlap (§3.3.4); anything else is ignored, which also
      // bounds the work per SACK by the number of outstanding chunks
      if (s <= prevEnd || e < s || s > maxOffset) continue;
      prevEnd = e;
      gaps[2 * n] = s;
      gaps[2 * n + 1] = e;
      n++;
    }
    const out = q.handleSack(cum, gaps, n);
    // Max.Burst counts packets beyond the ack clock: what this SACK took out of flight may be
    // replaced too (the effect of RFC 4960 §6.1's flightsize + Max.Burst·MTU, cwnd untouched)
    if (out.bytesAcked > 0) {
      const acked = Math.ceil(out.bytesAcked / this.pl.pmtu);
      this.burstLeft = Math.min(this.burstLeft + acked, acked + MAX_BURST_CREDIT * this.settings.maxBurst);
    }
    if (out.rttSentAt >= 0) {
      this.rto.observe(this.now - out.rttSentAt);
      this.cc.onRttSample(this.now - out.rttSentAt);
    }
    if (out.cumulativeAdvanced) this.errorCount = 0;
    this.cc.onRound(cum, q.nextTsn - 1);
    this.cc.onCumulativeAck(cum);
    this.cc.onAck(out.bytesAcked, out.flightBefore + this.cc.mtu >= this.cc.cwnd, out.cumulativeAdvanced);
    if (out.fastRetransmit) {
      this.st.fastRetransmits++;
      this.cc.onFastRetransmit(q.nextTsn - 1);
      this.fastRetransmitBurst = true;
    }
    // §6.2.1: peer rwnd = a_rwnd - bytes still outstanding
    this.peerRwnd = Math.max(0, aRwnd - q.flightBytes);
    if (this.peerForwardTsn && q.advanceAckPoint()) this.forwardTsnPending = true;
    // T3-rtx (§6.3.2 R2, R3)
    if (q.outstandingCount === 0) this.t3 = undefined;
    else if (out.cumulativeAdvanced) this.t3 = this.now + this.rto.rto;
    this.maybeStartReset();
    this.checkShutdown();
  }

  private onForwardTsn(value: Uint8Array): void {
    if (!this.tracker || !dataState(this._state)) return void this.st.droppedOutOfState++;
    const f = decodeForwardTsn(value);
    const t = this.tracker.unwrap(f.newCumulativeTsn);
    if (t <= this.tracker.cumulativeTsn) return; // §3.6: stale, just SACK
    if (t - this.tracker.cumulativeTsn > this.tracker.maxTsnDistance) return void this.st.droppedMalformed++;
    this.tracker.forwardTo(t);
    this.reassembly.forward(t, f.streams);
  }

  private onIForwardTsn(value: Uint8Array): void {
    if (!this.tracker || !dataState(this._state)) return void this.st.droppedOutOfState++;
    const f = decodeIForwardTsn(value);
    const t = this.tracker.unwrap(f.newCumulativeTsn);
    if (t <= this.tracker.cumulativeTsn) return;
    if (t - this.tracker.cumulativeTsn > this.tracker.maxTsnDistance) return void this.st.droppedMalformed++;
    this.tracker.forwardTo(t);
    this.iReassembly.forward(f.entries);
  }

  // ---- association setup (RFC 9260 §5) ----

  private localInitFields(tag: number, tsn: number) {
    const s = this.settings;
    return {
      initiateTag: tag,
      aRwnd: s.aRwnd,
      outboundStreams: s.streams,
      inboundStreams: s.streams,
      initialTsn: tsn,
      forwardTsnSupported: true,
      supportedExtensions: s.interleaving ? [ChunkType.RE_CONFIG, ChunkType.FORWARD_TSN, ChunkType.I_DATA, ChunkType.I_FORWARD_TSN] : [ChunkType.RE_CONFIG, ChunkType.FORWARD_TSN],
      zeroChecksumMethod: s.zeroChecksum ? ZERO_CHECKSUM_METHOD_DTLS : undefined,
    };
  }

  private onInit(value: Uint8Array): void {
    const init = decodeInit(value, false);
    if (init.initiateTag === 0 || init.outboundStreams === 0 || init.inboundStreams === 0) {
      // §3.3.2: invalid mandatory parameter: ABORT with the tag it sent
      if (init.initiateTag !== 0) this.raw.push({ vtag: init.initiateTag, chunk: encodeAbort(false, [encodeCause(CauseCode.INVALID_MANDATORY_PARAMETER)]) });
      return void this.st.droppedMalformed++;
    }
    let tag: number;
    let tsn: number;
    let localTie = 0;
    let peerTie = 0;
    const st = this._state;
    if (st === 'cookie-wait' || st === 'cookie-echoed') {
      // §5.2.1: INIT collision: answer with the parameters of our own INIT
      tag = this.localTag;
      tsn = this.localInitialTsn;
      if (st === 'cookie-echoed') (localTie = this.localTag), (peerTie = this.peerTag);
    } else if (this.hasTcb) {
      if (st === 'shutdown-ack-sent') {
        // §9.2: resend SHUTDOWN-ACK
        this.control.push(encodeChunk(ChunkType.SHUTDOWN_ACK, 0));
        return;
      }
      // §5.2.2: unexpected INIT in an established association (peer restart): new tag, tie-tags
      tag = this.randomTag();
      tsn = this.random32();
      localTie = this.localTag;
      peerTie = this.peerTag;
    } else {
      // closed: stateless answer; everything goes into the cookie (§5.1.3)
      tag = this.randomTag();
      tsn = this.random32();
    }
    const cookie = signCookie(this.cookieKey, {
      created: this.now,
      localTag: tag,
      localInitialTsn: tsn,
      peerTag: init.initiateTag,
      peerInitialTsn: init.initialTsn,
      peerARwnd: init.aRwnd,
      peerOutboundStreams: init.outboundStreams,
      peerInboundStreams: init.inboundStreams,
      peerForwardTsn: init.forwardTsnSupported || init.supportedExtensions.includes(ChunkType.FORWARD_TSN),
      peerReconfig: init.supportedExtensions.includes(ChunkType.RE_CONFIG),
      peerZeroChecksum: init.zeroChecksumMethod === ZERO_CHECKSUM_METHOD_DTLS,
      peerIData: init.supportedExtensions.includes(ChunkType.I_DATA) && init.supportedExtensions.includes(ChunkType.I_FORWARD_TSN),
      localTieTag: localTie,
      peerTieTag: peerTie,
    });
    const chunk = encodeInit(ChunkType.INIT_ACK, {
      ...this.localInitFields(tag, tsn),
      stateCookie: cookie,
      // §3.2.1: unknown parameters with the report bit go back as Unrecognized Parameter
      extraParameters: init.unrecognized.map((p) => encodeParameter(8, p)),
    });
    this.raw.push({ vtag: init.initiateTag, chunk });
  }

  private onInitAck(value: Uint8Array): void {
    if (this._state !== 'cookie-wait') return void this.st.droppedOutOfState++;
    const init = decodeInit(value, true);
    if (init.initiateTag === 0 || !init.stateCookie || init.outboundStreams === 0 || init.inboundStreams === 0) {
      return void this.st.droppedMalformed++;
    }
    this.setupTcb(init.initiateTag, init.initialTsn, init.aRwnd, init.outboundStreams, init.inboundStreams, init);
    this.cookieEchoChunk = encodeChunk(ChunkType.COOKIE_ECHO, 0, init.stateCookie);
    if (init.unrecognized.length) {
      this.control.push(encodeChunk(ChunkType.ERROR, 0, encodeCause(CauseCode.UNRECOGNIZED_PARAMETERS, concatRaw(init.unrecognized))));
    }
    this.control.unshift(this.cookieEchoChunk);
    this._state = 'cookie-echoed';
    this.t1Count = 0;
    this.t1Rto = this.rto.rto;
    this.t1 = this.now + this.t1Rto;
  }

  private setupTcb(peerTag: number, peerInitialTsn: number, peerARwnd: number, peerOS: number, peerMIS: number, caps: Pick<InitChunk, 'forwardTsnSupported' | 'supportedExtensions' | 'zeroChecksumMethod'>): void {
    this.peerTag = peerTag;
    this.hasTcb = true;
    this.peerForwardTsn = caps.forwardTsnSupported || caps.supportedExtensions.includes(ChunkType.FORWARD_TSN);
    this.peerReconfig = caps.supportedExtensions.includes(ChunkType.RE_CONFIG);
    this.sendZeroChecksum = this.settings.zeroChecksum && caps.zeroChecksumMethod === ZERO_CHECKSUM_METHOD_DTLS;
    this.useIData = this.settings.interleaving && caps.supportedExtensions.includes(ChunkType.I_DATA) && caps.supportedExtensions.includes(ChunkType.I_FORWARD_TSN);
    this.sendQueue.interleave = this.useIData;
    this.outboundStreams = Math.min(this.settings.streams, peerMIS);
    this.inboundStreams = Math.min(this.settings.streams, peerOS);
    this.peerRwnd = peerARwnd;
    this.tracker = new DataTracker(peerInitialTsn, this.settings.maxGapRanges);
    this.reassembly.tsnBase = peerInitialTsn;
    this.peerNextReqSeq = peerInitialTsn >>> 0;
  }

  /** COOKIE-ECHO (§5.1 D, §5.2.4). Returns true when the packet's remaining chunks may be processed. */
  private onCookieEcho(value: Uint8Array, vtag: number): boolean {
    const c = verifyCookie(this.cookieKey, value);
    if (!c) return void this.st.droppedBadCookie++, false;
    if (vtag !== c.localTag) return void this.st.droppedBadTag++, false;
    const fresh = this.now - c.created <= this.settings.cookieLifetime && this.now >= c.created;
    if (!this.hasTcb) {
      // §5.1.5: no TCB (closed or cookie-wait): build the association from the cookie
      if (!fresh) return this.staleCookie(c), false;
      this.localTag = c.localTag;
      this.localInitialTsn = c.localInitialTsn;
      this.rtxq = new RetransmissionQueue(c.localInitialTsn);
      this.nextReqSeq = c.localInitialTsn;
      this.setupFromCookie(c);
      this.control.push(encodeChunk(ChunkType.COOKIE_ACK, 0));
      this.establish();
      return true;
    }
    const localMatch = c.localTag === this.localTag;
    const peerMatch = c.peerTag === this.peerTag;
    if (localMatch && peerMatch) {
      // §5.2.4 D
      this.respond(encodeChunk(ChunkType.COOKIE_ACK, 0));
      if (this._state === 'cookie-echoed') this.establish();
      return true;
    }
    if (localMatch && !peerMatch) {
      // §5.2.4 B: INIT collision, the peer's tag is the one in the cookie
      if (!fresh) return this.staleCookie(c), false;
      this.setupFromCookie(c);
      this.control.push(encodeChunk(ChunkType.COOKIE_ACK, 0));
      if (this._state === 'cookie-echoed') this.establish();
      return true;
    }
    // §5.2.4 A (peer restart) is not supported: a WebRTC peer restarts with a new DTLS session.
    // C and every other combination: silently discard.
    this.st.droppedBadCookie++;
    return false;
  }

  private setupFromCookie(c: CookieContents): void {
    this.setupTcb(c.peerTag, c.peerInitialTsn, c.peerARwnd, c.peerOutboundStreams, c.peerInboundStreams, {
      forwardTsnSupported: c.peerForwardTsn,
      supportedExtensions: [...(c.peerReconfig ? [ChunkType.RE_CONFIG] : []), ...(c.peerIData ? [ChunkType.I_DATA, ChunkType.I_FORWARD_TSN] : [])],
      zeroChecksumMethod: c.peerZeroChecksum ? ZERO_CHECKSUM_METHOD_DTLS : undefined,
    });
  }

  private staleCookie(c: CookieContents): void {
    // §5.2.6: ERROR with Stale Cookie (measure of staleness in µs)
    this.st.droppedStaleCookie++;
    const info = new Uint8Array(4);
    put32(info, 0, Math.min(0xffffffff, Math.max(0, Math.round((this.now - c.created - this.settings.cookieLifetime) * 1000))));
    this.raw.push({ vtag: c.peerTag, chunk: encodeChunk(ChunkType.ERROR, 0, encodeCause(CauseCode.STALE_COOKIE, info)) });
  }

  private onCookieAck(): void {
    if (this._state !== 'cookie-echoed') return void this.st.droppedOutOfState++;
    this.establish();
  }

  private establish(): void {
    this._state = 'established';
    this.t1 = undefined;
    this.cookieEchoChunk = undefined;
    if (this.settings.heartbeatInterval > 0) this.heartbeatAt = this.now + this.settings.heartbeatInterval;
    this.events.push({ type: 'connected' });
  }

  private onT1(): void {
    if (++this.t1Count > this.settings.maxInitRetransmits) {
      this.terminate({ type: 'aborted', reason: `no answer to ${this._state === 'cookie-wait' ? 'INIT' : 'COOKIE-ECHO'} after ${this.settings.maxInitRetransmits} retransmissions` });
      return;
    }
    this.t1Rto = Math.min(this.t1Rto * 2, this.settings.rtoMax);
    this.t1 = this.now + this.t1Rto;
    if (this._state === 'cookie-wait') this.raw.push({ vtag: 0, chunk: this.initChunk! });
    else if (this._state === 'cookie-echoed' && this.cookieEchoChunk) this.control.unshift(this.cookieEchoChunk);
    else this.t1 = undefined;
  }

  // ---- heartbeat (§8.3) ----

  private onHeartbeatTimer(): void {
    if (!this.hasTcb || !dataState(this._state)) return void (this.heartbeatAt = undefined);
    if (this.heartbeatOutstanding) {
      this.heartbeatOutstanding = undefined;
      if (this.countError()) return;
    }
    const info = this.heartbeatInfo(12);
    this.heartbeatOutstanding = info;
    this.control.push(encodeHeartbeat(false, info));
    this.heartbeatAt = this.now + this.settings.heartbeatInterval + this.rto.rto;
  }

  private onHeartbeatAck(info: Uint8Array): void {
    const probe = this.probeInfo;
    if (probe && sameBytes(info, probe)) {
      // RFC 8899 §6.2.1.1: the HEARTBEAT-ACK confirms the probe's size
      this.probeInfo = undefined;
      this.pl.probeAcked(u32(probe, 12), this.now);
      this.applyPmtu();
      return;
    }
    const mine = this.heartbeatOutstanding;
    if (!mine || !sameBytes(info, mine)) return;
    this.heartbeatOutstanding = undefined;
    this.errorCount = 0;
    this.rto.observe(this.now - new DataView(info.buffer, info.byteOffset, info.byteLength).getFloat64(0));
  }

  /** Counts a timeout against maxRetransmissions; true when the association was aborted. */
  private countError(): boolean {
    const max = this.settings.maxRetransmissions;
    if (max !== undefined && ++this.errorCount > max) {
      this.abort(`peer unreachable: ${max} retransmissions`, this.now);
      return true;
    }
    return false;
  }

  // ---- retransmission timer and PR-SCTP ----

  private onT3(): void {
    this.t3 = undefined;
    const q = this.rtxq;
    if (q.outstandingCount === 0) return;
    this.st.t3Expiries++;
    if (this.countError()) return;
    this.rto.backOff();
    // RFC 8899 §4.3: lost full-size packets may be a black hole: base size, then search again
    this.pl.blackHole(this.now);
    this.applyPmtu();
    this.cc.onRetransmitTimeout();
    q.markAllForRetransmit();
    if (this.peerForwardTsn && q.advanceAckPoint()) this.forwardTsnPending = true;
    this.t3 = this.now + this.rto.rto;
  }

  /** RFC 3758 §3.5 A3 / RFC 8831 §6.4: should this chunk be abandoned instead of resent? */
  private shouldAbandon(c: SentChunk): boolean {
    const m = c.msg;
    if (!this.peerForwardTsn) return false;
    return m.abandoned || (m.maxRetransmits !== undefined && c.transmissions > m.maxRetransmits) || (m.expiresAt !== undefined && m.expiresAt <= this.now);
  }

  private abandon(m: OutMessage): void {
    if (!m.abandoned) this.st.abandonedMessages++;
    if (this.sendQueue.discardRest(m)) this.rtxq.addAbandonedEnd(m);
    if (this.rtxq.abandon(m)) this.forwardTsnPending = true;
    if (this.t3 === undefined) this.t3 = this.now + this.rto.rto; // until the FORWARD-TSN is acked
  }

  // ---- stream reset (RFC 6525) ----

  private maybeStartReset(): void {
    if (this.resetInFlight || this.resetWaiting.size === 0 || !this.hasTcb || !sendsData(this._state)) return;
    if (!this.peerReconfig) {
      // the peer cannot reset streams: report failure rather than hang
      const ids = [...this.resetWaiting];
      this.resetWaiting.clear();
      for (const id of ids) while (this.sendQueue.hasPendingReset(id)) this.sendQueue.resetDone(id, false);
      this.events.push({ type: 'streams-reset-failed', streamIds: ids, result: ReconfigResult.DENIED });
      return;
    }
    const ready: number[] = [];
    for (const id of this.resetWaiting) if (this.sendQueue.readyForReset(id)) ready.push(id);
    if (ready.length === 0) return;
    for (const id of ready) this.resetWaiting.delete(id);
    const lastAssigned = wrap32(this.rtxq.nextTsn - 1);
    const seq = this.nextReqSeq >>> 0;
    this.resetInFlight = {
      requestSeq: seq,
      streamIds: ready,
      lastAssignedTsn: lastAssigned,
      chunk: encodeReconfig([encodeOutgoingResetRequest(seq, (this.peerNextReqSeq - 1) >>> 0, lastAssigned, ready)]),
    };
    this.resetSendPending = true;
    this.reconfigTimer = this.now + this.rto.rto;
  }

  private onReconfigTimer(): void {
    this.reconfigTimer = undefined;
    if (!this.resetInFlight) return;
    if (this.countError()) return;
    this.resetSendPending = true;
    this.reconfigTimer = this.now + this.rto.rto;
  }

  private onReconfig(value: Uint8Array): void {
    if (!this.hasTcb || !dataState(this._state)) return void this.st.droppedOutOfState++;
    const responses: Uint8Array[] = [];
    for (const p of decodeReconfig(value)) {
      switch (p.type) {
        case 'outgoing-reset':
          responses.push(encodeReconfigResponse(p.requestSeq, this.onPeerOutgoingReset(p.requestSeq, p.lastAssignedTsn, p.streamIds)));
          break;
        case 'incoming-reset':
        case 'ssn-tsn-reset':
        case 'add-streams': {
          // not offered by us: deny (RFC 6525 §5.2.3 - §5.2.6)
          const r = this.checkReqSeq(p.requestSeq);
          if (r === undefined) this.peerNextReqSeq = (this.peerNextReqSeq + 1) >>> 0;
          responses.push(encodeReconfigResponse(p.requestSeq, r ?? ReconfigResult.DENIED));
          break;
        }
        case 'response':
          this.onReconfigResponse(p.responseSeq, p.result);
          break;
        default:
          break;
      }
    }
    if (responses.length) this.respond(encodeReconfig(responses));
  }

  /** undefined when `seq` is the expected next request; else the result to answer with. */
  private checkReqSeq(seq: number): number | undefined {
    if (seq === this.peerNextReqSeq) return undefined;
    if (seq === this.lastReconfigResult.seq) return this.lastReconfigResult.result; // retransmission
    return ReconfigResult.ERROR_BAD_SEQUENCE_NUMBER;
  }

  /** RFC 6525 §5.2.2: the peer resets its outgoing (our incoming) streams. */
  private onPeerOutgoingReset(seq: number, lastAssignedTsn: number, streamIds: number[]): number {
    const r = this.checkReqSeq(seq);
    if (r !== undefined) return r;
    const tr = this.tracker!;
    if (tr.unwrap(lastAssignedTsn) > tr.cumulativeTsn) return ReconfigResult.IN_PROGRESS; // data still missing: the peer retries
    this.reassembly.resetStreams(streamIds);
    this.iReassembly.resetStreams(streamIds);
    this.peerNextReqSeq = (this.peerNextReqSeq + 1) >>> 0;
    this.lastReconfigResult = { seq, result: ReconfigResult.SUCCESS_PERFORMED };
    this.events.push({ type: 'stream-reset', streamIds: streamIds.slice() });
    return ReconfigResult.SUCCESS_PERFORMED;
  }

  private onReconfigResponse(seq: number, result: number): void {
    const req = this.resetInFlight;
    if (!req || seq !== req.requestSeq) return;
    if (result === ReconfigResult.IN_PROGRESS) {
      this.reconfigTimer = this.now + this.rto.rto; // retry the same request later
      return;
    }
    this.resetInFlight = undefined;
    this.resetSendPending = false;
    this.reconfigTimer = undefined;
    this.nextReqSeq = (this.nextReqSeq + 1) >>> 0;
    const ok = result === ReconfigResult.SUCCESS_PERFORMED || result === ReconfigResult.SUCCESS_NOTHING_TO_DO;
    for (const id of req.streamIds) {
      this.sendQueue.resetDone(id, ok);
      if (this.sendQueue.hasPendingReset(id)) this.resetWaiting.add(id);
    }
    this.events.push(ok ? { type: 'streams-reset-done', streamIds: req.streamIds } : { type: 'streams-reset-failed', streamIds: req.streamIds, result });
    this.maybeStartReset();
    this.checkShutdown();
  }

  // ---- shutdown (§9.2) ----

  /** Nothing left to send or to be acknowledged, resets included (SHUTDOWN may go). */
  private allAcked(): boolean {
    return this.sendQueue.totalBuffered === 0 && !this.sendQueue.hasData() && this.rtxq.outstandingCount === 0 && !this.resetInFlight && this.resetWaiting.size === 0;
  }

  private checkShutdown(): void {
    if (this._state === 'shutdown-pending' && this.allAcked()) {
      this._state = 'shutdown-sent';
      this.sendShutdown();
    } else if (this._state === 'shutdown-received' && this.allAcked()) {
      this._state = 'shutdown-ack-sent';
      this.sendShutdownAck();
    }
  }

  private sendShutdown(): void {
    this.control.push(encodeShutdown(wrap32(this.tracker!.cumulativeTsn)));
    this.t2Count = 0;
    this.t2 = this.now + this.rto.rto;
  }

  private sendShutdownAck(): void {
    this.control.push(encodeChunk(ChunkType.SHUTDOWN_ACK, 0));
    this.t2Count = 0;
    this.t2 = this.now + this.rto.rto;
  }

  private onShutdown(cumTsnAck: number): void {
    if (!this.hasTcb) return void this.st.droppedOutOfState++;
    const q = this.rtxq;
    const cum = unwrap32(cumTsnAck, q.cumulativeTsnAck);
    if (cum > q.cumulativeTsnAck && cum < q.nextTsn) q.handleSack(cum, SACK_GAP_SCRATCH, 0);
    if (q.outstandingCount === 0) this.t3 = undefined;
    if (this._state === 'established' || this._state === 'shutdown-pending') {
      this._state = 'shutdown-received';
      this.checkShutdown();
    } else if (this._state === 'shutdown-received') {
      // a retransmitted SHUTDOWN whose cumulative ack may complete our side
      this.checkShutdown();
    } else if (this._state === 'shutdown-sent') {
      // §9.2: SHUTDOWN crossed ours
      this._state = 'shutdown-ack-sent';
      this.sendShutdownAck();
    } else if (this._state === 'shutdown-ack-sent') {
      // our SHUTDOWN-ACK was lost: the peer retransmitted its SHUTDOWN
      this.respond(encodeChunk(ChunkType.SHUTDOWN_ACK, 0));
    }
  }

  private onShutdownAck(): void {
    if (this._state !== 'shutdown-sent' && this._state !== 'shutdown-ack-sent') return void this.st.droppedOutOfState++;
    this.raw.push({ vtag: this.peerTag, chunk: encodeChunk(ChunkType.SHUTDOWN_COMPLETE, 0) });
    this.terminate({ type: 'closed' });
  }

  private onT2(): void {
    this.t2 = undefined;
    if (++this.t2Count > this.settings.maxInitRetransmits) {
      this.abort('no answer to SHUTDOWN', this.now);
      return;
    }
    this.rto.backOff();
    if (this._state === 'shutdown-sent') this.control.push(encodeShutdown(wrap32(this.tracker!.cumulativeTsn)));
    else if (this._state === 'shutdown-ack-sent') this.control.push(encodeChunk(ChunkType.SHUTDOWN_ACK, 0));
    else return;
    this.t2 = this.now + this.rto.rto;
  }

  // ---- ending ----

  private protocolAbort(cause: number, info: Uint8Array, reason: string): void {
    if (this.hasTcb) this.raw.push({ vtag: this.peerTag, chunk: encodeAbort(false, [encodeCause(cause, info)]) });
    this.terminate({ type: 'aborted', reason });
  }

  private terminate(ev: SctpEvent): void {
    if (this.terminated) return;
    this.terminated = true;
    this._state = 'closed';
    this.t1 = this.t3 = this.delayedSack = this.heartbeatAt = this.t2 = this.reconfigTimer = undefined;
    this.control.length = 0;
    this.sackNow = false;
    this.hasTcb = false; // no more composed packets; queued raw packets (ABORT, SHUTDOWN-COMPLETE) still go out
    this.events.push(ev);
  }

  // =====================================================================================
  // Packet composition (bundling, RFC 9260 §6.10)
  // =====================================================================================

  private compose(): Uint8Array | undefined {
    const w = this.writer;
    const s = this.settings;
    w.begin(s.localPort, s.remotePort, this.peerTag);
    let withCrc = !this.sendZeroChecksum;
    let cookieEcho = false;
    // control chunks first
    while (this.control.length) {
      const c = this.control[0];
      if (((c.length + 3) & ~3) > w.room()) {
        if (w.empty()) this.control.shift(); // can never fit: drop it
        break;
      }
      this.control.shift();
      if (c[0] === ChunkType.COOKIE_ECHO) withCrc = cookieEcho = true; // RFC 9653 §5.2: not before the handshake completes
      w.appendChunk(c);
    }
    if (cookieEcho && this._state === 'cookie-echoed') {
      // RFC 9260 §5.1 D: pending DATA MAY ride with the COOKIE ECHO (first in the packet); no other
      // packet goes until the COOKIE ACK. A DCEP OPEN queued before the handshake arrives with it.
      this.writeDataChunks(true);
    } else if (dataState(this._state) && this.tracker) {
      // a pending delayed SACK rides along when DATA goes out anyway (§6.2 bundling)
      const dataGoesOut = this.rtxq.peekRetransmit() !== undefined || (this.burstLeft > 0 && this.sendQueue.hasData() && this.rtxq.flightBytes < this.cc.cwnd && sendsData(this._state));
      if (this.sackNow || (this.delayedSack !== undefined && dataGoesOut)) this.writeSackChunk();
      if (this.forwardTsnPending && this.peerForwardTsn) this.writeForwardTsn();
      if (this.resetSendPending && this.resetInFlight && ((this.resetInFlight.chunk.length + 3) & ~3) <= w.room()) {
        w.appendChunk(this.resetInFlight.chunk);
        this.resetSendPending = false;
      }
      this.writeDataChunks();
    }
    // the send queue may have just emptied (expired or abandoned messages): SHUTDOWN may be due
    if ((this._state === 'shutdown-pending' || this._state === 'shutdown-received') && this.allAcked()) {
      this.checkShutdown();
      if (w.empty()) return this.compose();
    }
    if (w.empty()) return undefined;
    return this.sent(w.finish(withCrc));
  }

  private writeSackChunk(): void {
    const w = this.writer;
    const tr = this.tracker!;
    const maxGaps = Math.min(this.maxSackGaps, Math.floor((w.room() - 16) / 4));
    if (maxGaps < 0) return;
    if (sackGapsOut.length < 2 * maxGaps) sackGapsOut = new Uint16Array(2 * maxGaps);
    const nGaps = tr.gapBlocks(sackGapsOut, maxGaps);
    const nDups = Math.min(tr.duplicates.length, Math.floor((w.room() - sackSize(nGaps, 0)) / 4));
    const rwnd = Math.max(0, this.settings.aRwnd - this.reassembly.bufferedBytes - this.iReassembly.bufferedBytes);
    writeSack(w, wrap32(tr.cumulativeTsn), rwnd, sackGapsOut, nGaps, tr.duplicates, nDups);
    if (tr.duplicates.length) tr.duplicates.length = 0;
    this.sackNow = false;
    this.delayedSack = undefined;
    this.packetsSinceSack = 0;
  }

  private writeForwardTsn(): void {
    const q = this.rtxq;
    if (q.advancedPeerAckPoint <= q.cumulativeTsnAck) return void (this.forwardTsnPending = false);
    const chunk = this.useIData
      ? encodeIForwardTsn({ newCumulativeTsn: wrap32(q.advancedPeerAckPoint), entries: q.iForwardTsnEntries() })
      : encodeForwardTsn({ newCumulativeTsn: wrap32(q.advancedPeerAckPoint), streams: q.forwardTsnStreams() });
    if (((chunk.length + 3) & ~3) > this.writer.room()) return;
    this.writer.appendChunk(chunk);
    this.forwardTsnPending = false;
    this.st.forwardTsnsSent++;
    if (this.t3 === undefined) this.t3 = this.now + this.rto.rto;
  }

  private writeDataChunks(withCookieEcho = false): void {
    const w = this.writer;
    const q = this.rtxq;
    const cc = this.cc;
    const iData = this.useIData;
    const header = iData ? I_DATA_CHUNK_HEADER_SIZE : DATA_CHUNK_HEADER_SIZE;
    const maxFragment = this.pl.pmtu - COMMON_HEADER_SIZE - header;
    let wrote = false;
    // retransmissions first (§6.3.3 E3, §7.2.4)
    for (let c = q.peekRetransmit(); c; c = q.peekRetransmit()) {
      if (this.shouldAbandon(c)) {
        this.abandon(c.msg);
        continue;
      }
      const size = header + ((c.payload.length + 3) & ~3);
      // a chunk cut for a larger PMTU than the current one goes alone (RFC 9260 §7.3: a TSN is never re-fragmented)
      if (size > w.room() && !(w.empty() && w.stretch(size))) break;
      if (!this.fastRetransmitBurst && q.flightBytes >= cc.cwnd) break;
      q.retransmitted(c, this.now);
      if (iData) writeIData(w, c.flags, wrap32(c.tsn), c.msg.streamId, c.msg.mid!, c.flags & 2 ? c.msg.ppid : c.fsn, c.payload);
      else writeData(w, c.flags, wrap32(c.tsn), c.msg.streamId, c.msg.ssn, c.msg.ppid, c.payload);
      this.st.retransmissions++;
      this.st.dataChunksSent++;
      wrote = true;
    }
    this.fastRetransmitBurst = false;
    // new data (§6.1 rules A, B; congestion window §7.2), at most Max.Burst packets (§6.1 D)
    if ((withCookieEcho || sendsData(this._state)) && this.burstLeft > 0) {
      const before = w.pos;
      const sq = this.sendQueue;
      while (w.room() > header + 4 && sq.hasData()) {
        if (q.flightBytes >= cc.cwnd) break;
        if (this.peerRwnd <= 0 && q.flightBytes > 0) break;
        const room = Math.min(w.room() - header, maxFragment);
        if (!w.empty()) {
          // do not split a message that a fresh packet could carry whole
          const want = sq.peekRemaining();
          if (want === 0 || (want > room && want <= maxFragment)) break;
        }
        const m = sq.next(room & ~3 || room, this.now);
        if (!m) break;
        const payload = sq.fragmentPayload;
        const c = q.add(m, payload, sq.fragmentFlags, this.now, sq.fragmentFsn);
        if (m.firstTsn < 0) m.firstTsn = c.tsn;
        m.lastTsn = c.tsn;
        if (iData) writeIData(w, sq.fragmentFlags, wrap32(c.tsn), m.streamId, m.mid!, sq.fragmentFlags & 2 ? m.ppid : sq.fragmentFsn, payload);
        else writeData(w, sq.fragmentFlags, wrap32(c.tsn), m.streamId, m.ssn, m.ppid, payload);
        this.peerRwnd = Math.max(0, this.peerRwnd - payload.length);
        this.st.dataChunksSent++;
        wrote = true;
      }
      if (w.pos !== before) this.burstLeft--;
      // more data than one packet carries: worth discovering a larger PMTU (RFC 8899 §5.2 leaves DISABLED)
      if (this.pl.state === 'disabled' && sq.hasData() && this.pl.enabled) this.pl.start(this.now);
      if (this.resetWaiting.size) this.maybeStartReset();
    }
    if (wrote && this.t3 === undefined) this.t3 = this.now + this.rto.rto;
  }

  /**
   * A PLPMTUD probe (RFC 8899 §6.2.1.1): a HEARTBEAT chunk whose info names the probe, and a PAD
   * chunk (RFC 4820) that brings the packet to `size` bytes. It is sent alone, outside the
   * congestion window: its loss is not a congestion signal (RFC 8899 §4.4).
   */
  private composeProbe(size: number): Uint8Array {
    const w = this.writer;
    const info = this.heartbeatInfo(PROBE_INFO_SIZE);
    put32(info, 12, size);
    this.probeInfo = info;
    this.pl.probeSent(this.now);
    w.reserve(size);
    w.begin(this.settings.localPort, this.settings.remotePort, this.peerTag);
    w.stretch(size - COMMON_HEADER_SIZE);
    w.appendChunk(encodeHeartbeat(false, info));
    const pad = size - COMMON_HEADER_SIZE - PROBE_HEARTBEAT_SIZE - 4;
    const o = w.beginChunk(ChunkType.PAD, 0, pad);
    w.buf.fill(0, o, o + pad);
    w.endChunk(o + pad);
    return w.finish(!this.sendZeroChecksum);
  }

  /** Heartbeat Info of `length` bytes (RFC 9260 §8.3): the send time (f64) for the RTT, then a 4-byte nonce. */
  private heartbeatInfo(length: number): Uint8Array {
    const info = new Uint8Array(length);
    new DataView(info.buffer).setFloat64(0, this.now);
    this.settings.random(info.subarray(8, 12));
    return info;
  }

  /** The packet size and the congestion control's MTU follow the PLPMTU (RFC 9260 §7.2: cwnd in bytes). */
  private applyPmtu(): void {
    const m = this.pl.pmtu;
    if (m === this.writer.limit) return;
    this.writer.setLimit(m);
    this.cc.mtu = m;
  }

  // =====================================================================================
  // helpers
  // =====================================================================================

  private canQueue(): boolean {
    const s = this._state;
    return s === 'cookie-wait' || s === 'cookie-echoed' || s === 'established';
  }

  private checkStreamId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id > 65534) throw new SctpError('invalid-stream', `stream id ${id} out of range 0..65534`);
  }

  private random32(): number {
    const b = new Uint8Array(4);
    this.settings.random(b);
    return u32(b, 0);
  }

  private randomTag(): number {
    for (;;) {
      const t = this.random32();
      if (t !== 0) return t;
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function concatRaw(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += (p.length + 3) & ~3;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += (p.length + 3) & ~3;
  }
  return out;
}
