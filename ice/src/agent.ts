// The ICE agent (RFC 8445), sans-IO: full or lite, controlling or controlled, trickle or not,
// with server-reflexive and relayed gathering, consent freshness (RFC 7675) and ICE restart.
// One data stream, one component (BUNDLE + rtcp-mux, as every data channel uses).
import {
  StunAttr,
  StunClass,
  StunError,
  StunMethod,
  classifyPacket,
  decodeStun,
  shortTermKey,
  verifyFingerprint,
  verifyMessageIntegrity,
  type StunMessage,
} from '@tsrtc/stun';
import type { Candidate } from '@tsrtc/sdp';
import { addressKey, copyAddress, ipFamily, sameAddress, type TransportAddress } from './address.js';
import {
  TYPE_PREFERENCE,
  candidatePriority,
  computeFoundation,
  localPreference,
  type LocalCandidate,
  type RemoteCandidate,
} from './candidate.js';
import { Checklist } from './checklist.js';
import { ConsentFreshness } from './consent.js';
import { earlier } from './deadline.js';
import { IceError } from './errors.js';
import { writeBindingIndication, writeCheckError, writeCheckRequest, writeCheckSuccess } from './messages.js';
import type { CandidatePair } from './pair.js';
import { fromSdpCandidate, normalizeIp, toSdpCandidate } from './sdp-candidate.js';
import { PollQueue, TransmitQueue, type Transmit } from './queue.js';
import { resolveSettings, type IceSettings, type ResolvedIceSettings } from './settings.js';
import { newIceStats, type IceStats } from './stats.js';
import { TransactionTable, type RetransmitPolicy, type Transaction } from './transactions.js';
import { StunGathering } from './stun-gathering.js';
import { TurnClient } from './turn-client.js';

/** W3C RTCIceConnectionState. */
export type IceConnectionState = 'new' | 'checking' | 'connected' | 'completed' | 'disconnected' | 'failed' | 'closed';
/** W3C RTCIceGatheringState. */
export type IceGatheringState = 'new' | 'gathering' | 'complete';
export type IceRole = 'controlling' | 'controlled';

export type IceEvent =
  | { type: 'candidate'; candidate: Candidate }
  | { type: 'gathering-state'; state: IceGatheringState }
  | { type: 'connection-state'; state: IceConnectionState }
  | { type: 'selected-pair'; local: Candidate; remote: Candidate }
  | { type: 'role'; role: IceRole }
  | IceDataEvent;

/** Non-STUN payload (DTLS) from a validated remote address. */
export interface IceDataEvent {
  type: 'data';
  data: Uint8Array;
  from: TransportAddress;
}

interface CheckContext {
  pair: CandidatePair;
  useCandidate: boolean;
  /** Role we claimed in the request (RFC 8445 §7.2.5.1 compares against it on 487). */
  controlling: boolean;
  /** PRIORITY we sent: the priority of a peer-reflexive local candidate learned from it. */
  priority: number;
  /** Remote credentials generation the check used (a restart makes older checks moot). */
  generation: number;
  /** A consent-freshness check (RFC 7675) rather than a connectivity check. */
  consent: boolean;
  key: Uint8Array;
}

const NO_BYTES = new Uint8Array(0);

/** RFC 8445 §7.3.1.1 role conflict. */
const ROLE_CONFLICT = 487;

export class IceAgent {
  readonly settings: ResolvedIceSettings;
  localUfrag: string;
  localPwd: string;
  remoteUfrag: string | undefined;
  remotePwd: string | undefined;
  connectionState: IceConnectionState = 'new';
  gatheringState: IceGatheringState = 'new';
  /** 64-bit tie-breaker (RFC 8445 §7.1.3). */
  readonly tieBreaker: bigint;

  private controllingRole: boolean;
  private localKey: Uint8Array;
  private remoteKey: Uint8Array | undefined;
  /** Bumped by restart and by new remote credentials. */
  private generation = 0;
  private readonly hostSockets: TransportAddress[] = [];
  private readonly locals: LocalCandidate[] = [];
  private readonly remotes: RemoteCandidate[] = [];
  /** `.local` candidates waiting for a resolution (hostname → candidates). */
  private readonly pendingHostnames = new Map<string, Candidate[]>();
  private readonly checklist: Checklist;
  private readonly checks = new TransactionTable<CheckContext>();
  private readonly gathering: StunGathering;
  private readonly turns: TurnClient[] = [];
  /** Addresses data is accepted from: sources of authenticated checks and of succeeded pairs. */
  private readonly validatedRemotes = new Set<string>();
  private readonly transmits = new TransmitQueue();
  private readonly events = new PollQueue<IceEvent>();
  private readonly dataEventPool: IceDataEvent[] = [];
  private dataEventsUsed = 0;

  private selected: CandidatePair | undefined;
  /** `selected` is only the best valid pair so far, not a nominated one (§12.1). */
  private provisional = false;
  private nominating: CandidatePair | undefined;
  private remoteEndOfCandidates = false;
  private nextCheckAt = 0;
  private firstValidAt: number | undefined;
  private gatherCheckAt: number | undefined;
  private readonly consentTracker: ConsentFreshness;
  private transactionTag: Uint8Array | undefined;
  private readonly statsCounters: IceStats = newIceStats();

  constructor(settings: IceSettings, now: number) {
    if (typeof settings?.random !== 'function') throw new IceError('bad-settings', 'settings.random is required');
    this.settings = resolveSettings(settings);
    this.controllingRole = this.settings.controlling;
    this.localUfrag = settings.localUfrag ?? this.randomString(8);
    this.localPwd = settings.localPwd ?? this.randomString(24);
    checkCredentials(this.localUfrag, this.localPwd);
    this.localKey = shortTermKey(this.localPwd);
    const tb = new Uint8Array(8);
    this.settings.random(tb);
    this.tieBreaker = new DataView(tb.buffer).getBigUint64(0);
    this.checklist = new Checklist(this.settings.maxPairs);
    this.gathering = new StunGathering(this.transmits, this.gatherPolicy(), this.settings.software);
    this.consentTracker = new ConsentFreshness(this.settings, now);
  }

  // ---------------------------------------------------------------- queries

  get role(): IceRole {
    return this.controllingRole ? 'controlling' : 'controlled';
  }

  get lite(): boolean {
    return this.settings.lite;
  }

  /** The selected pair, as SDP candidates, or undefined. */
  selectedPair(): { local: Candidate; remote: Candidate; localSocket: TransportAddress; remoteAddress: TransportAddress } | undefined {
    const p = this.selected;
    if (!p) return undefined;
    return { local: toSdpCandidate(p.local), remote: toSdpCandidate(p.remote), localSocket: p.local.socket, remoteAddress: p.remote.address };
  }

  /** Our candidates as signalled so far. */
  localCandidates(): Candidate[] {
    return this.locals.filter((c) => this.signalled(c)).map((c) => toSdpCandidate(c, this.localUfrag));
  }

  remoteCandidates(): Candidate[] {
    return this.remotes.map((c) => toSdpCandidate(c));
  }

  /** Whether data from this address is accepted (an authenticated check came from it, or a check to it succeeded). */
  isValidatedRemote(addr: TransportAddress): boolean {
    return this.validatedRemotes.has(addressKey(addr));
  }

  stats(): IceStats & { pairs: { local: string; remote: string; state: string; nominated: boolean; rtt: number | undefined }[] } {
    let turnRequestsSent = 0;
    for (const t of this.turns) turnRequestsSent += t.stats.requestsSent;
    return {
      ...this.statsCounters,
      turnRequestsSent,
      pairs: this.checklist.pairs.map((p) => ({
        local: `${p.local.type} ${p.local.address.address}:${p.local.address.port}`,
        remote: `${p.remote.type} ${p.remote.address.address}:${p.remote.address.port}`,
        state: p.state,
        nominated: p.nominated,
        rtt: p.rtt,
      })),
    };
  }

  // ---------------------------------------------------------------- inputs

  /**
   * Registers one bound UDP socket of the driver: it becomes a host candidate (RFC 8445 §5.1.1.1)
   * and, with STUN/TURN servers of its family, the base of server-reflexive and relayed ones.
   * Register in order of preference (the first gets the highest local preference).
   */
  addLocalAddress(addr: TransportAddress, now: number): void {
    if (this.connectionState === 'closed') throw new IceError('closed', 'agent is closed');
    if (this.hostSockets.some((s) => sameAddress(s, addr))) return;
    // The driver's own name for its socket, kept as given: it names `to` the same way.
    if (normalizeIp(addr.address, addr.family) === undefined) throw new IceError('bad-address', `"${addr.address}" is not an IPv${addr.family} address`);
    const socket = copyAddress(addr);
    const index = this.hostSockets.length;
    this.hostSockets.push(socket);
    const pref = localPreference(index);
    this.setGatheringState('gathering');
    this.addLocal({
      type: 'host',
      foundation: computeFoundation('host', socket.address, undefined),
      priority: candidatePriority(TYPE_PREFERENCE.host, pref),
      address: socket,
      base: socket,
      socket,
      localPreference: pref,
    });
    if (!this.settings.lite) {
      this.gathering.start(socket, this.settings.stunServers, () => this.newTransactionId(), now);
      for (const server of this.settings.turnServers) {
        if (server.address.family !== socket.family) continue;
        const turn = new TurnClient(server, socket, this.transmits, {
          random: this.settings.random,
          retransmit: this.gatherPolicy(),
          lifetime: this.settings.turnLifetime,
          maxQueue: this.settings.maxTurnQueue,
          software: this.settings.software,
        });
        this.turns.push(turn);
        turn.start(now);
      }
    }
    this.gatherCheckAt = now;
  }

  /** The peer's ufrag and pwd (from its description). New values start a new session (restart). */
  setRemoteCredentials(ufrag: string, pwd: string, now = 0): void {
    checkCredentials(ufrag, pwd);
    if (this.remoteUfrag === ufrag && this.remotePwd === pwd) return;
    const restart = this.remoteUfrag !== undefined;
    this.remoteUfrag = ufrag;
    this.remotePwd = pwd;
    this.remoteKey = shortTermKey(pwd);
    if (restart) this.resetRemote();
    if (this.selected) this.consentTracker.checkNow(now);
    this.updateChecking();
  }

  /**
   * A remote candidate (trickled or from the description), or null for end-of-candidates
   * (RFC 8838 §4). Accepts an SDP `Candidate` object. Returns false if the candidate is not
   * usable (TCP, unresolved name, over the cap).
   */
  addRemoteCandidate(candidate: Candidate | null, now: number): boolean {
    if (this.connectionState === 'closed') return false;
    if (candidate === null) {
      this.remoteEndOfCandidates = true;
      this.updateConnectionState(now);
      return true;
    }
    // A trickled candidate of an older generation (before a restart) is stale (RFC 8838 §11).
    if (candidate.ufrag !== undefined && this.remoteUfrag !== undefined && candidate.ufrag !== this.remoteUfrag) {
      this.statsCounters.remoteCandidatesIgnored++;
      return false;
    }
    const input = fromSdpCandidate(candidate);
    if (input.kind === 'unsupported') {
      this.statsCounters.remoteCandidatesIgnored++;
      return false;
    }
    if (input.kind === 'hostname') {
      const resolved = input.hostname.endsWith('.local') ? this.settings.mdnsResolver?.(input.hostname) : undefined;
      if (resolved === undefined || ipFamily(resolved) === undefined) {
        this.holdHostname(input.hostname, candidate);
        return false;
      }
      return this.addRemoteCandidate({ ...candidate, address: resolved }, now);
    }
    return this.addRemote(input.candidate, now) !== undefined;
  }

  /** Supplies the address of a `.local` name (asynchronous mDNS resolution done by the driver). */
  resolveRemoteHostname(hostname: string, address: string, now: number): void {
    const held = this.pendingHostnames.get(hostname.toLowerCase());
    if (!held) return;
    this.pendingHostnames.delete(hostname.toLowerCase());
    if (ipFamily(address) === undefined) throw new IceError('bad-address', `"${address}" is not an IP address`);
    for (const c of held) this.addRemoteCandidate({ ...c, address }, now);
  }

  /** A datagram the driver received on local socket `to` from `from`. Never throws on its content. */
  handlePacket(bytes: Uint8Array, from: TransportAddress, to: TransportAddress, now: number): void {
    if (this.connectionState === 'closed') return;
    this.statsCounters.packetsReceived++;
    this.statsCounters.bytesReceived += bytes.length;
    try {
      this.handleDatagram(bytes, from, to, now);
    } catch (e) {
      if (!(e instanceof StunError)) throw e;
      this.statsCounters.droppedMalformed++;
    }
  }

  /**
   * Bytes the driver read from its TCP connection to TURN server `from`, opened for socket `to`
   * (see `Transmit.transport`). Messages may be split or merged arbitrarily.
   */
  handleTcpData(bytes: Uint8Array, from: TransportAddress, to: TransportAddress, now: number): void {
    if (this.connectionState === 'closed') return;
    this.statsCounters.bytesReceived += bytes.length;
    const turn = this.turns.find((t) => t.transport === 'tcp' && t.owns(from, to));
    if (!turn) {
      this.statsCounters.droppedUnknownSource++;
      return;
    }
    const before = turn.state;
    for (const frame of turn.deframe(bytes)) {
      this.statsCounters.packetsReceived++;
      try {
        if (!this.handleFromTurn(turn, frame, now)) this.handleDatagram(frame, from, to, now);
      } catch (e) {
        if (!(e instanceof StunError)) throw e;
        this.statsCounters.droppedMalformed++;
      }
    }
    this.afterTurn(turn, before, now);
  }

  /** The driver's TCP connection to TURN server `from` (for socket `to`) closed or failed. */
  handleTcpClosed(from: TransportAddress, to: TransportAddress, now: number): void {
    for (const turn of this.turns) {
      if (turn.transport !== 'tcp' || !turn.owns(from, to)) continue;
      const before = turn.state;
      turn.connectionClosed();
      this.afterTurn(turn, before, now);
    }
  }

  /** Sends application data (DTLS records) over the selected pair. Returns false if there is none. */
  send(data: Uint8Array, now: number): boolean {
    const p = this.selected;
    // RFC 7675 §5.1: no data once consent expired.
    if (!p || this.consentTracker.expired || this.connectionState === 'closed') {
      this.statsCounters.sendDropped++;
      return false;
    }
    this.statsCounters.dataBytesSent += data.length;
    this.sendFrom(p.local, p.remote.address, data, now);
    return true;
  }

  /**
   * ICE restart (RFC 8445 §9): new local ufrag/pwd, remote state forgotten until the peer's new
   * credentials and candidates arrive. The selected pair keeps carrying data meanwhile, so the
   * layers above are not torn down. Local candidates are announced again (same addresses).
   */
  restart(now: number, credentials?: { ufrag: string; pwd: string }): void {
    if (this.connectionState === 'closed') throw new IceError('closed', 'agent is closed');
    this.localUfrag = credentials?.ufrag ?? this.randomString(8);
    this.localPwd = credentials?.pwd ?? this.randomString(24);
    checkCredentials(this.localUfrag, this.localPwd);
    this.localKey = shortTermKey(this.localPwd);
    this.remoteUfrag = undefined;
    this.remotePwd = undefined;
    this.remoteKey = undefined;
    this.resetRemote();
    for (let i = this.locals.length - 1; i >= 0; i--) if (this.locals[i].type === 'prflx') this.locals.splice(i, 1);
    this.gatheringState = 'new';
    this.setGatheringState('gathering');
    for (const c of this.locals) if (this.signalled(c)) this.events.push({ type: 'candidate', candidate: toSdpCandidate(c, this.localUfrag) });
    this.gatherCheckAt = now;
    if (!this.selected && this.connectionState !== 'new') this.setConnectionState('checking');
  }

  /** Stops everything: TURN allocations are released (one Refresh with lifetime 0 each). */
  close(now: number): void {
    if (this.connectionState === 'closed') return;
    for (const t of this.turns) t.close(now);
    this.checks.deleteWhere(() => true);
    this.gathering.clear();
    this.checklist.clear();
    this.selected = undefined;
    this.setConnectionState('closed');
  }

  handleTimeout(now: number): void {
    if (this.connectionState === 'closed') return;
    if (this.gathering.handleTimeout(now)) this.gatherCheckAt = now;
    for (const turn of this.turns) {
      const before = turn.state;
      turn.handleTimeout(now);
      this.afterTurn(turn, before, now);
    }
    this.checks.handleTimeout(
      now,
      (tx) => this.checkPolicy(tx.context.consent),
      (tx) => this.retransmit(tx, now),
      (tx) => this.checkTimedOut(tx, now),
    );
    if (this.gatherCheckAt !== undefined && now >= this.gatherCheckAt) {
      this.gatherCheckAt = undefined;
      this.updateGatheringState();
    }
    if (!this.settings.lite && this.remoteKey && now >= this.nextCheckAt) {
      const pair = this.checklist.next();
      if (pair) this.sendCheck(pair, now, pair.useCandidate || this.aggressive(), false);
      // After a check, or when nothing is sendable yet (frozen pairs behind an in-progress one),
      // the next look is one Ta later; an idle checklist lets a new triggered check go at once.
      if (pair || this.checklist.hasWork()) this.nextCheckAt = now + this.settings.ta;
    }
    this.maybeNominate(now);
    this.consent(now);
    this.updateConnectionState(now);
  }

  nextDeadline(): number | undefined {
    if (this.connectionState === 'closed') return undefined;
    // called after every datagram: no closure, no allocation
    let d = earlier(this.gathering.nextDeadline(), this.checks.nextDeadline());
    for (const t of this.turns) d = earlier(d, t.nextDeadline());
    d = earlier(d, this.gatherCheckAt);
    if (!this.settings.lite && this.remoteKey && this.checklist.hasWork()) d = earlier(d, this.nextCheckAt);
    if (this.nominationPending()) d = earlier(d, (this.firstValidAt ?? 0) + this.settings.nominationDelay);
    return earlier(d, this.consentDeadline());
  }

  pollTransmit(): Transmit | undefined {
    const t = this.transmits.shift();
    if (!t) return undefined;
    this.statsCounters.packetsSent++;
    this.statsCounters.bytesSent += t.data.length;
    return t;
  }

  pollEvent(): IceEvent | undefined {
    const e = this.events.shift();
    if (!e && this.dataEventsUsed > 0) {
      // drained: the data event objects may be reused, and let go of their bytes meanwhile
      // (an idle connection's last datagram would otherwise be promoted by the GC)
      for (let i = 0; i < this.dataEventsUsed; i++) this.dataEventPool[i].data = NO_BYTES;
      this.dataEventsUsed = 0;
    }
    return e;
  }

  /** Data events come from a small pool (valid until the next call into the agent, like their bytes). */
  private pushDataEvent(data: Uint8Array, from: TransportAddress): void {
    let e = this.dataEventPool[this.dataEventsUsed];
    if (e) {
      e.data = data;
      e.from = from;
    } else {
      e = { type: 'data', data, from };
      this.dataEventPool.push(e);
    }
    this.dataEventsUsed++;
    this.events.push(e);
  }

  // ---------------------------------------------------------------- receive path

  private handleDatagram(bytes: Uint8Array, from: TransportAddress, to: TransportAddress, now: number): void {
    const kind = classifyPacket(bytes);
    // TURN: what the server sends to one of our sockets belongs to its client.
    for (const turn of this.turns) {
      if (turn.transport === 'udp' && turn.owns(from, to) && this.handleFromTurn(turn, bytes, now)) return;
    }
    if (kind === 'stun') return this.handleStun(decodeStun(bytes), from, to, now);
    // Fast path (no allocation): the selected pair's remote; else any validated address.
    const sel = this.selected;
    if (!(sel && sameAddress(from, sel.remote.address)) && !this.validatedRemotes.has(addressKey(from))) {
      this.statsCounters.droppedUnknownSource++;
      return;
    }
    this.statsCounters.dataBytesReceived += bytes.length;
    this.pushDataEvent(bytes, from);
  }

  /**
   * A message from a TURN server: ChannelData, a Data indication or a response to one of its
   * client's requests. Returns false for anything else (e.g. a Binding response to gathering).
   */
  private handleFromTurn(turn: TurnClient, bytes: Uint8Array, now: number): boolean {
    const kind = classifyPacket(bytes);
    if (kind === 'channel-data') {
      const relayed = turn.handleChannelData(bytes);
      if (relayed && turn.relayed) this.handleDatagram(relayed.data, relayed.peer, turn.relayed, now);
      else this.statsCounters.droppedUnknownSource++;
      return true;
    }
    if (kind !== 'stun') return false;
    const msg = decodeStun(bytes);
    if (msg.messageClass !== StunClass.INDICATION && !turn.hasTransaction(msg)) return false;
    const before = turn.state;
    const relayed = turn.handleStun(msg, now);
    this.afterTurn(turn, before, now);
    if (relayed && turn.relayed) this.handleDatagram(relayed.data, relayed.peer, turn.relayed, now);
    return true;
  }

  private handleStun(msg: StunMessage, from: TransportAddress, to: TransportAddress, now: number): void {
    if (msg.method !== StunMethod.BINDING) {
      this.statsCounters.droppedMalformed++;
      return;
    }
    switch (msg.messageClass) {
      case StunClass.REQUEST:
        return this.handleBindingRequest(msg, from, to, now);
      case StunClass.INDICATION:
        return; // keepalive (RFC 8445 §11)
      default:
        return this.handleBindingResponse(msg, from, to, now);
    }
  }

  /** RFC 8445 §7.3: an incoming connectivity check. */
  private handleBindingRequest(msg: StunMessage, from: TransportAddress, to: TransportAddress, now: number): void {
    const username = msg.username();
    const colon = username === undefined ? -1 : username.indexOf(':');
    if (
      colon < 0 ||
      username!.slice(0, colon) !== this.localUfrag ||
      !verifyMessageIntegrity(msg, this.localKey) ||
      (this.remoteUfrag !== undefined && username!.slice(colon + 1) !== this.remoteUfrag)
    ) {
      this.statsCounters.droppedUnauthenticated++;
      return;
    }
    if (msg.fingerprintOffset >= 0 && !verifyFingerprint(msg)) {
      this.statsCounters.droppedMalformed++;
      return;
    }
    const local = this.checkTarget(to);
    if (!local) {
      this.statsCounters.droppedUnknownSource++;
      return;
    }
    this.statsCounters.checksReceived++;
    // The peer proved it knows our password: malformed checks get an error it can act on.
    if (msg.unknownComprehensionRequired.length > 0) {
      this.statsCounters.droppedMalformed++;
      const unknown = msg.unknownComprehensionRequired.slice(0, 8);
      return this.sendFrom(local, from, writeCheckError(msg.transactionId, 420, 'Unknown Attribute', this.localKey, unknown), now);
    }
    const priority = msg.priority();
    if (priority === undefined) {
      this.statsCounters.droppedMalformed++;
      return this.sendFrom(local, from, writeCheckError(msg.transactionId, 400, 'Bad Request: no PRIORITY', this.localKey), now);
    }
    // §7.3.1.1 role conflict (lite agents are always controlled and never switch).
    if (!this.settings.lite) {
      const theirControlling = msg.iceControlling();
      const theirControlled = msg.iceControlled();
      if (this.controllingRole && theirControlling !== undefined) {
        if (this.tieBreaker >= theirControlling) return this.sendFrom(local, from, writeCheckError(msg.transactionId, ROLE_CONFLICT, 'Role Conflict', this.localKey), now);
        this.switchRole(false);
      } else if (!this.controllingRole && theirControlled !== undefined) {
        if (this.tieBreaker >= theirControlled) this.switchRole(true);
        else return this.sendFrom(local, from, writeCheckError(msg.transactionId, ROLE_CONFLICT, 'Role Conflict', this.localKey), now);
      }
    }
    // §7.3.1.2: success response, XOR-MAPPED-ADDRESS = source, integrity with our password.
    this.sendFrom(local, from, writeCheckSuccess(msg.transactionId, from, this.localKey, this.settings.software), now);
    // §7.3.1.3: an unknown source is a peer-reflexive candidate, priority from PRIORITY.
    let remote = this.remoteAt(from);
    if (!remote) {
      remote = this.addRemote(
        { type: 'prflx', foundation: computeFoundation('prflx', from.address, undefined), priority, address: copyAddress(from) },
        now,
      );
      if (!remote) return; // over the cap: answered, but nothing is remembered
      this.statsCounters.peerReflexiveLearned++;
    }
    // (the selected pair's remote is validated already: no key string per consent check)
    if (!(this.selected !== undefined && sameAddress(from, this.selected.remote.address))) this.validatedRemotes.add(addressKey(from));
    const pair = this.pairFor(local, remote);
    if (!pair) return;
    const useCandidate = msg.useCandidate();
    if (this.settings.lite) {
      // RFC 8445 §2.5 / §7.3.1.5 (lite): an authenticated check validates the pair;
      // USE-CANDIDATE nominates it.
      pair.state = 'succeeded';
      pair.valid = true;
      pair.lastConsentAt = now;
      if (this.connectionState === 'new') this.setConnectionState('checking');
      if (useCandidate) {
        pair.nominated = true;
        this.selectBestNominated(now);
      }
      if (this.selected === pair && this.connectionState === 'disconnected') this.setConnectionState('connected');
      return;
    }
    // §7.3.1.4 triggered check; §7.3.1.5 nomination by the controlling peer.
    if (pair.state === 'succeeded') {
      if (useCandidate && !this.controllingRole && !pair.nominated) {
        pair.nominated = true;
        this.selectBestNominated(now);
      }
    } else {
      if (useCandidate && !this.controllingRole) pair.nominateOnSuccess = true;
      if (pair.state !== 'in-progress') this.checklist.trigger(pair);
    }
    this.updateChecking();
  }

  /** RFC 8445 §7.2.5: the response to one of our checks (or a gathering Binding request). */
  private handleBindingResponse(msg: StunMessage, from: TransportAddress, to: TransportAddress, now: number): void {
    if (this.gathering.owns(msg)) return this.handleGatherResponse(msg, now);
    const tx = this.checks.peek(msg.transactionId);
    if (!tx) {
      this.statsCounters.droppedUnknownTransaction++;
      return;
    }
    const ctx = tx.context;
    if (!verifyMessageIntegrity(msg, ctx.key)) {
      this.statsCounters.droppedUnauthenticated++;
      return;
    }
    if (msg.fingerprintOffset >= 0 && !verifyFingerprint(msg)) {
      this.statsCounters.droppedMalformed++;
      return;
    }
    this.checks.delete(tx);
    this.statsCounters.responsesReceived++;
    const pair = ctx.pair;
    if (ctx.generation !== this.generation && pair !== this.selected) return;
    if (msg.messageClass === StunClass.ERROR_RESPONSE) {
      const code = msg.errorCode()?.code;
      if (code === ROLE_CONFLICT && !ctx.consent && !this.settings.lite) {
        // §7.2.5.1: switch to the role opposite to the one in the request, retry the pair.
        this.switchRole(!ctx.controlling);
        if (pair.state === 'in-progress') pair.state = 'waiting';
        this.checklist.trigger(pair);
        return;
      }
      if (!ctx.consent) this.pairFailed(pair, now);
      return;
    }
    // §7.2.5.2.1: source and destination must be symmetric.
    if (!sameAddress(from, tx.to) || !sameAddress(to, tx.from)) {
      if (!ctx.consent) this.pairFailed(pair, now);
      return;
    }
    const mapped = msg.xorMappedAddress();
    if (!mapped) {
      this.statsCounters.droppedMalformed++;
      if (!ctx.consent) this.pairFailed(pair, now);
      return;
    }
    pair.lastConsentAt = now;
    pair.rtt = now - tx.startedAt;
    this.validatedRemotes.add(addressKey(from));
    if (ctx.consent) {
      if (this.selected === pair && this.connectionState === 'disconnected') this.setConnectionState('connected');
      return;
    }
    // §7.2.5.3.1: a mapped address we do not know is a peer-reflexive local candidate.
    this.learnLocalPeerReflexive(pair.local, mapped, ctx.priority);
    pair.state = 'succeeded';
    pair.valid = true;
    this.firstValidAt ??= now;
    this.checklist.unfreeze(pair.foundation);
    if (ctx.useCandidate && this.controllingRole) {
      pair.nominated = true;
      if (this.nominating === pair) this.nominating = undefined;
      // Regular nomination selects the pair it nominated; aggressive keeps the best one.
      if (this.aggressive()) this.selectBestNominated(now);
      else this.select(pair, now);
    } else if (!this.controllingRole && pair.nominateOnSuccess) {
      pair.nominated = true;
      this.selectBestNominated(now);
    }
    this.selectProvisional(now);
    this.maybeNominate(now); // the best pair may have just succeeded
    this.updateConnectionState(now);
  }

  private handleGatherResponse(msg: StunMessage, now: number): void {
    this.gatherCheckAt = now;
    const result = this.gathering.handleResponse(msg);
    if (!result) return;
    this.statsCounters.stunServerResponses++;
    this.addServerReflexive(result.base, result.mapped, result.server);
  }

  // ---------------------------------------------------------------- candidates

  private signalled(c: LocalCandidate): boolean {
    if (c.type === 'prflx') return false;
    return this.settings.iceTransportPolicy !== 'relay' || c.type === 'relay';
  }

  private pairable(c: LocalCandidate): boolean {
    if (c.type !== 'host' && c.type !== 'relay') return false; // §6.1.2.4: srflx pairs are redundant with their base's
    return this.settings.iceTransportPolicy !== 'relay' || c.type === 'relay';
  }

  private addLocal(c: LocalCandidate): void {
    if (this.locals.length >= this.settings.maxLocalCandidates) {
      this.statsCounters.localCandidatesDropped++;
      return;
    }
    if (this.locals.some((l) => l.type === c.type && sameAddress(l.address, c.address) && sameAddress(l.base, c.base))) return;
    this.locals.push(c);
    if (this.signalled(c)) this.events.push({ type: 'candidate', candidate: toSdpCandidate(c, this.localUfrag) });
    if (this.pairable(c)) for (const r of this.remotes) this.checklist.add(c, r, this.controllingRole);
    this.updateChecking();
  }

  private addServerReflexive(base: TransportAddress, mapped: TransportAddress, server: TransportAddress): void {
    if (this.locals.some((l) => sameAddress(l.address, mapped))) return; // not behind a NAT: same as host
    const host = this.locals.find((l) => l.type === 'host' && sameAddress(l.base, base));
    const pref = host?.localPreference ?? 65535;
    this.addLocal({
      type: 'srflx',
      foundation: computeFoundation('srflx', base.address, server.address),
      priority: candidatePriority(TYPE_PREFERENCE.srflx, pref),
      address: copyAddress(mapped),
      base,
      socket: base,
      related: base,
      localPreference: pref,
    });
  }

  private learnLocalPeerReflexive(local: LocalCandidate, mapped: TransportAddress, priority: number): void {
    if (this.locals.some((l) => sameAddress(l.address, mapped) && sameAddress(l.base, local.base))) return;
    if (this.locals.length >= this.settings.maxLocalCandidates) return;
    this.locals.push({
      type: 'prflx',
      foundation: computeFoundation('prflx', local.base.address, undefined),
      priority,
      address: copyAddress(mapped),
      base: local.base,
      socket: local.socket,
      turnIndex: local.turnIndex,
      localPreference: local.localPreference,
    });
  }

  private addRemote(c: RemoteCandidate, now: number): RemoteCandidate | undefined {
    const existing = this.remotes.find((r) => sameAddress(r.address, c.address));
    if (existing) {
      // A signalled candidate replaces a peer-reflexive one learned earlier (RFC 8445 §7.3.1.3).
      if (existing.type === 'prflx' && c.type !== 'prflx') {
        existing.type = c.type;
        existing.foundation = c.foundation;
        existing.related = c.related;
      }
      return existing;
    }
    if (this.remotes.length >= this.settings.maxRemoteCandidates) {
      this.statsCounters.remoteCandidatesDropped++;
      return undefined;
    }
    this.remotes.push(c);
    if (c.type !== 'prflx') for (const l of this.locals) if (this.pairable(l)) this.checklist.add(l, c, this.controllingRole);
    this.updateChecking();
    void now;
    return c;
  }

  private holdHostname(hostname: string, c: Candidate): void {
    this.statsCounters.remoteHostnamesUnresolved++;
    const held = this.pendingHostnames.get(hostname);
    if (held) {
      if (held.length < 4) held.push(c);
    } else if (this.pendingHostnames.size < this.settings.maxRemoteCandidates) {
      this.pendingHostnames.set(hostname, [c]);
    }
  }

  /** The host or relayed candidate a check reached (by its base), without a closure per check. */
  private checkTarget(to: TransportAddress): LocalCandidate | undefined {
    for (const c of this.locals) if ((c.type === 'host' || c.type === 'relay') && sameAddress(c.base, to)) return c;
    return undefined;
  }

  private remoteAt(address: TransportAddress): RemoteCandidate | undefined {
    for (const r of this.remotes) if (sameAddress(r.address, address)) return r;
    return undefined;
  }

  /** The pair (local base, remote) for a triggered check, formed if needed (§7.3.1.4). */
  private pairFor(local: LocalCandidate, remote: RemoteCandidate): CandidatePair | undefined {
    if (!this.pairable(local)) return undefined;
    return this.checklist.find(local, remote.address) ?? this.checklist.add(local, remote, this.controllingRole);
  }

  // ---------------------------------------------------------------- checks

  private sendCheck(pair: CandidatePair, now: number, useCandidate: boolean, consent: boolean): void {
    if (!this.remoteKey || this.remoteUfrag === undefined) return;
    const id = this.newTransactionId();
    const priority = candidatePriority(TYPE_PREFERENCE.prflx, pair.local.localPreference);
    const ctx: CheckContext = { pair, useCandidate, controlling: this.controllingRole, priority, generation: this.generation, consent, key: this.remoteKey };
    const req = writeCheckRequest({
      transactionId: id,
      username: this.remoteUfrag + ':' + this.localUfrag,
      priority,
      controlling: this.controllingRole,
      tieBreaker: this.tieBreaker,
      useCandidate,
      key: this.remoteKey,
      software: this.settings.software,
    });
    this.checks.add(id, req, pair.local.base, pair.remote.address, ctx, this.checkPolicy(consent), now);
    if (!consent && pair.state !== 'succeeded') pair.state = 'in-progress';
    this.statsCounters.checksSent++;
    this.sendFrom(pair.local, pair.remote.address, req, now);
  }

  private checkTimedOut(tx: Transaction<CheckContext>, now: number): void {
    const ctx = tx.context;
    if (ctx.consent) return; // consent is judged by time since the last response
    if (ctx.useCandidate && this.nominating === ctx.pair) {
      this.nominating = undefined;
      ctx.pair.useCandidate = false;
      ctx.pair.valid = false;
    }
    if (ctx.generation === this.generation) this.pairFailed(ctx.pair, now);
  }

  private pairFailed(pair: CandidatePair, now: number): void {
    pair.state = 'failed';
    pair.valid = false;
    if (this.nominating === pair) this.nominating = undefined;
    if (this.provisional && this.selected === pair) this.selectProvisional(now); // another valid pair, if any, carries the data
    this.maybeNominate(now); // a better pair that failed no longer holds the nomination back
    this.updateConnectionState(now);
  }

  /** §7.2.5.1 / §7.3.1.1: a role switch recomputes pair priorities. */
  private switchRole(controlling: boolean): void {
    if (this.controllingRole === controlling) return;
    this.controllingRole = controlling;
    this.statsCounters.roleConflicts++;
    this.checklist.recomputePriorities(controlling);
    this.events.push({ type: 'role', role: this.role });
  }

  /**
   * Controlling side, regular nomination (§8.1.1): once the best pair has succeeded, or
   * `nominationDelay` after the first valid pair, send USE-CANDIDATE on the best valid pair.
   */
  private maybeNominate(now: number): void {
    if (!this.nominationPending()) return;
    let best: CandidatePair | undefined;
    for (const p of this.checklist.pairs) if (p.valid && (!best || p.priority > best.priority)) best = p;
    if (!best) return;
    const betterPending = this.checklist.pairs.some(
      (p) => p.priority > best!.priority && (p.state === 'waiting' || p.state === 'in-progress' || p.state === 'frozen'),
    );
    if (betterPending && now < (this.firstValidAt ?? now) + this.settings.nominationDelay) return;
    this.nominating = best;
    best.useCandidate = true;
    this.sendCheck(best, now, true, false);
  }

  private aggressive(): boolean {
    return this.controllingRole && this.settings.nomination === 'aggressive';
  }

  private nominationPending(): boolean {
    return (
      !this.settings.lite &&
      !this.aggressive() &&
      this.controllingRole &&
      this.remoteKey !== undefined &&
      this.nominating === undefined &&
      !(this.selected && this.selected.nominated && this.checklist.pairs.includes(this.selected)) &&
      this.checklist.pairs.some((p) => p.valid)
    );
  }

  private selectBestNominated(now: number): void {
    let best: CandidatePair | undefined;
    for (const p of this.checklist.pairs) if (p.nominated && p.valid && (!best || p.priority > best.priority)) best = p;
    if (best) this.select(best, now);
  }

  /**
   * RFC 8445 §12.1: before a pair is selected, data MAY go over any valid pair. Until nomination
   * selects one, the best valid pair carries data (DTLS starts a round trip earlier, as
   * libjuice does); nomination then selects as usual. Not during a restart (the previous
   * selected pair keeps the data, §12.1) and not for lite agents (they select on USE-CANDIDATE).
   */
  private selectProvisional(now: number): void {
    if (this.settings.lite || (this.selected !== undefined && !this.provisional)) return;
    let best: CandidatePair | undefined;
    for (const p of this.checklist.pairs) if (p.valid && (!best || p.priority > best.priority)) best = p;
    if (best === undefined || best === this.selected) return;
    this.select(best, now);
    this.provisional = true;
  }

  private select(pair: CandidatePair, now: number): void {
    this.provisional = false;
    if (this.selected !== pair) {
      this.selected = pair;
      this.statsCounters.selectedPairChanges++;
      this.consentTracker.selected(now);
      pair.lastConsentAt = now;
      this.events.push({ type: 'selected-pair', local: toSdpCandidate(pair.local), remote: toSdpCandidate(pair.remote) });
    }
    this.updateConnectionState(now);
  }

  // ---------------------------------------------------------------- consent (RFC 7675, consent.ts) and states

  private consent(now: number): void {
    const p = this.selected;
    if (!p || this.consentTracker.expired) return;
    if (!this.remoteKey && !this.settings.lite) p.lastConsentAt = now; // restart in progress: wait for credentials
    const actions = this.consentTracker.evaluate(now, p.lastConsentAt);
    if (actions.verdict === 'expired') {
      // RFC 7675 §5.1: responses after expiry do not re-establish consent
      this.checks.deleteWhere((tx) => tx.context.consent);
      this.setConnectionState('failed');
      return;
    }
    if (actions.verdict === 'disconnected') this.setConnectionState('disconnected');
    if (actions.sendKeepalive) this.sendFrom(p.local, p.remote.address, writeBindingIndication(this.newTransactionId()), now);
    if (actions.sendCheck) this.sendCheck(p, now, false, true);
  }

  private consentDeadline(): number | undefined {
    const p = this.selected;
    return p ? this.consentTracker.deadline(p.lastConsentAt, this.connectionState === 'disconnected') : undefined;
  }

  private updateChecking(): void {
    if (this.connectionState === 'new' && !this.settings.lite && this.remoteKey && this.checklist.pairs.length > 0) this.setConnectionState('checking');
  }

  private updateConnectionState(now: number): void {
    const s = this.connectionState;
    // Consent expiry (RFC 7675) is final; a checklist that failed revives if a late check succeeds.
    if (s === 'closed' || s === 'disconnected' || (s === 'failed' && (this.consentTracker.expired || !this.selected))) return;
    this.updateChecking();
    if (this.selected) {
      const done = this.remoteEndOfCandidates && this.gatheringState === 'complete' && this.checklist.finished() && !this.settings.lite;
      if (s !== 'completed') this.setConnectionState('connected'); // W3C: 'completed' always follows 'connected'
      if (done && this.selected.nominated) this.setConnectionState('completed');
      return;
    }
    if (
      !this.settings.lite &&
      this.remoteEndOfCandidates &&
      this.gatheringState === 'complete' &&
      this.checklist.allFailed() &&
      this.checks.size === 0
    ) {
      this.setConnectionState('failed');
    }
    void now;
  }

  private updateGatheringState(): void {
    if (this.gatheringState !== 'gathering') return;
    if (this.gathering.pending > 0) return;
    if (this.turns.some((t) => t.state === 'new' || t.state === 'allocating')) return;
    this.setGatheringState('complete');
  }

  private setGatheringState(state: IceGatheringState): void {
    if (this.gatheringState === state) return;
    this.gatheringState = state;
    this.events.push({ type: 'gathering-state', state });
  }

  private setConnectionState(state: IceConnectionState): void {
    if (this.connectionState === state) return;
    this.connectionState = state;
    this.events.push({ type: 'connection-state', state });
  }

  /** Forget the remote session (new remote credentials or local restart); keep the selected pair for data. */
  private resetRemote(): void {
    this.generation++;
    this.remotes.length = 0;
    this.pendingHostnames.clear();
    this.checklist.clear();
    this.checks.deleteWhere((tx) => !tx.context.consent);
    this.remoteEndOfCandidates = false;
    this.validatedRemotes.clear();
    if (this.selected) this.validatedRemotes.add(addressKey(this.selected.remote.address));
    this.nominating = undefined;
    this.firstValidAt = undefined;
    if (this.selected) this.selected.nominated = false;
  }

  // ---------------------------------------------------------------- TURN and sending

  private afterTurn(turn: TurnClient, before: string, now: number): void {
    if (turn.allocatedEvent) {
      turn.allocatedEvent = false;
      const index = this.turns.indexOf(turn);
      const host = this.locals.find((l) => l.type === 'host' && sameAddress(l.base, turn.socket));
      const pref = host?.localPreference ?? 65535;
      if (turn.mapped) this.addServerReflexive(turn.socket, turn.mapped, turn.server.address);
      const relayed = copyAddress(turn.relayed!);
      this.addLocal({
        type: 'relay',
        foundation: computeFoundation('relay', turn.socket.address, turn.server.address.address),
        priority: candidatePriority(TYPE_PREFERENCE.relay, pref),
        address: relayed,
        base: relayed,
        socket: turn.socket,
        related: turn.mapped ? copyAddress(turn.mapped) : undefined,
        turnIndex: index,
        localPreference: pref,
      });
      this.statsCounters.relayCandidates++;
    }
    if (turn.state !== before) this.gatherCheckAt = now;
    if (turn.state === 'failed' && before !== 'failed') {
      this.statsCounters.turnFailures++;
      // Pairs over a lost allocation fail.
      for (const p of this.checklist.pairs) if (p.local.turnIndex === this.turns.indexOf(turn) && p.local.type === 'relay') this.pairFailed(p, now);
    }
  }

  private sendFrom(local: LocalCandidate, to: TransportAddress, data: Uint8Array, now: number): void {
    this.consentTracker.lastSentAt = now;
    if (local.type === 'relay' || (local.turnIndex !== undefined && local.type === 'prflx')) {
      const turn = this.turns[local.turnIndex!];
      if (!turn || !turn.send(to, data, now)) this.statsCounters.sendDropped++;
      return;
    }
    this.transmits.push(data, local.socket, to);
  }

  private retransmit(tx: Transaction<CheckContext>, now: number): void {
    this.sendFrom(tx.context.pair.local, tx.to, tx.request, now);
  }

  private checkPolicy(consent: boolean): RetransmitPolicy {
    const s = this.settings;
    // RFC 7675 §5.1: a consent check is sent once; a response to any check of the last 30 s counts
    if (consent) return { rto: s.failedTimeout, rtoMax: s.failedTimeout, maxTransmissions: 1 };
    return { rto: s.checkRto, rtoMax: s.checkRtoMax, maxTransmissions: s.checkMaxTransmissions };
  }

  private gatherPolicy(): RetransmitPolicy {
    const s = this.settings;
    return { rto: s.gatherRto, rtoMax: s.gatherRto * 8, maxTransmissions: s.gatherMaxTransmissions };
  }

  private newTransactionId(): Uint8Array {
    const id = new Uint8Array(12);
    this.settings.random(id);
    if (this.transactionTag) id.set(this.transactionTag, 0);
    return id;
  }

  /**
   * Set by `IceMux`: the first 4 bytes of every transaction ID this agent's checks carry, so
   * that responses (from addresses not yet mapped) route back in O(1). 64 random bits remain.
   */
  setTransactionTag(tag: Uint8Array | undefined): void {
    if (tag !== undefined && tag.length !== 4) throw new IceError('bad-argument', 'a transaction tag is 4 bytes');
    this.transactionTag = tag;
  }

  /** ice-char string (RFC 8839 §5.4: ALPHA / DIGIT / "+" / "/"), from `random`. */
  private randomString(length: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const bytes = new Uint8Array(length);
    this.settings.random(bytes);
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[bytes[i] & 63];
    return s;
  }
}

/** RFC 8839 §5.4: ufrag 4..256 ice-chars, pwd 22..256 ice-chars. */
function checkCredentials(ufrag: string, pwd: string): void {
  if (!/^[A-Za-z0-9+/]{4,256}$/.test(ufrag)) throw new IceError('bad-credentials', `ice-ufrag "${ufrag}" is not 4-256 ice-chars`);
  if (!/^[A-Za-z0-9+/]{22,256}$/.test(pwd)) throw new IceError('bad-credentials', 'ice-pwd is not 22-256 ice-chars');
}
