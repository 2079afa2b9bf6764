import { AlertDescription, AlertLevel, alertName, encodeAlert, HandshakeFailure, UnexpectedMessage } from './alert.js';
import { ByteReader } from './bytes.js';
import type { DtlsCertificate } from './certificate.js';
import { cipherSuiteById, type CipherSuite } from './cipher-suites.js';
import { ClientHandshake } from './client-handshake.js';
import { ContentType, HandshakeType, MAX_PLAINTEXT_LENGTH, ProtocolVersion, RECORD_HEADER_LENGTH } from './constants.js';
import { DEFAULT_NAMED_GROUPS } from './ecdhe.js';
import { DtlsError } from './errors.js';
import { matchesFingerprint, type CertificateFingerprint } from './fingerprint.js';
import { packFlight, type FlightEntry } from './flight.js';
import { readHandshakeFragment } from './handshake.js';
import type { HandshakeHost, HandshakeResult } from './handshake-base.js';
import { exportKeyingMaterial as prfExport, type KeyBlock } from './key-schedule.js';
import { HandshakeReassembler } from './reassembly.js';
import { emptyRecordHeader, isAcceptedRecordVersion, readRecordHeader, writeRecordHeader } from './record.js';
import { RecordProtection } from './record-protection.js';
import { ReplayWindow } from './replay-window.js';
import { RetransmitTimer } from './retransmit-timer.js';
import { ServerHandshake } from './server-handshake.js';
import { DEFAULT_DTLS_SETTINGS, type DtlsSettings, type ResolvedDtlsSettings } from './settings.js';
import { isSupportedScheme } from './signature.js';
import { srtpProfileName } from './srtp.js';

export type DtlsEvent =
  | {
      type: 'connected';
      /** IANA name, e.g. 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'. */
      cipherSuite: string;
      /** Negotiated use_srtp profile name (RFC 5764), e.g. 'SRTP_AEAD_AES_128_GCM'. */
      srtpProfile?: string;
      /** Peer leaf certificate (DER). Undefined only for a server configured not to require one. */
      remoteCertificate: Uint8Array | undefined;
      extendedMasterSecret: boolean;
      /** ECDHE NamedGroup value (29 = x25519, 23 = secp256r1). */
      namedGroup: number;
    }
  | { type: 'data'; data: Uint8Array }
  | { type: 'closed' }
  | { type: 'failed'; alert?: number; reason: string };

/** 'new' (client before start), 'connecting', 'connected', 'closed' (close_notify), 'failed'. */
export type DtlsState = 'new' | 'connecting' | 'connected' | 'closed' | 'failed';

export interface DtlsStats {
  datagramsReceived: number;
  recordsReceived: number;
  datagramsSent: number;
  /** Records that failed AEAD authentication (RFC 6347 §4.1.2.7: dropped, not fatal). */
  droppedBadMac: number;
  /** Epoch-1 duplicates or records left of the 64-record window. */
  droppedReplay: number;
  /** Records of an epoch we have no keys for. */
  droppedBadEpoch: number;
  /** Bytes that are not a DTLS 1.2 record: truncated headers, unknown types or versions, bad CCS/alerts. */
  droppedJunk: number;
  /** Handshake fragments or messages that did not decode or did not fit the reassembly window. */
  droppedHandshake: number;
  /** Application data received before `connected` beyond `maxEarlyRecords`. */
  droppedEarlyData: number;
  /** Flights resent because our timer expired. */
  retransmissions: number;
  /** Flights resent because the peer retransmitted its previous flight (RFC 6347 §4.2.4). */
  flightResends: number;
  /** Exceptions caught that were not protocol failures (a bug if ever non-zero). */
  internalErrors: number;
}

interface HeldRecord {
  type: number;
  version: number;
  seq: number;
  fragment: Uint8Array;
}

/**
 * A sans-IO DTLS 1.2 endpoint (RFC 6347) as WebRTC uses it (RFC 8827, RFC 8842): one
 * association with one peer, client or server. Feed it datagrams and timeouts, drain
 * `pollTransmit()` and `pollEvent()`, and arm a timer for `nextDeadline()`.
 */
export class DtlsEndpoint implements HandshakeHost {
  readonly settings: ResolvedDtlsSettings;
  readonly role: 'client' | 'server';
  private remoteFingerprints: readonly CertificateFingerprint[] | undefined;
  private currentState: DtlsState;
  private readonly handshake: ClientHandshake | ServerHandshake;
  private readonly reassembler: HandshakeReassembler;
  private readonly timer: RetransmitTimer;
  private flight: FlightEntry[] | undefined;
  private flightIsLast = false;
  /** When our current flight first went out, while it has not been retransmitted (Karn's rule). */
  private rttProbe: number | undefined;
  /** Record sequence number of the last epoch-0 handshake record received (for HelloVerifyRequest). */
  private lastHandshakeRecordSeq = 0;
  /** message_seq range of the peer's last complete flight: a later copy of it is a retransmission. */
  private peerLastFlight = { first: -1, last: -1 };
  /** message_seq of the first message of the peer flight now arriving (-1: none yet since our last flight). */
  private peerFlightFirst = -1;
  /** When a retransmitted peer flight last made us resend ours (one resend per peer retransmission). */
  private lastResendAt = -Infinity;
  private readonly transmitQueue: Uint8Array[] = [];
  private readonly events: DtlsEvent[] = [];

  // Record layer: epoch 0 is plaintext, epoch 1 the negotiated AEAD (no renegotiation, so no epoch 2).
  private readonly writeSeq = [0, 0];
  private writeEpoch = 0;
  private writeProtection: RecordProtection | undefined;
  private readProtection: RecordProtection | undefined;
  /** Anti-replay for epoch 1 (authenticated records). */
  private readonly replay = new ReplayWindow();
  private heldRecords: HeldRecord[] = [];
  private earlyData: Uint8Array[] = [];
  private readonly header = emptyRecordHeader();

  private result: HandshakeResult | undefined;
  private pendingCompletion: { result: HandshakeResult; finalFlight: FlightEntry[] | undefined } | undefined;

  private readonly counters: DtlsStats = {
    datagramsReceived: 0,
    recordsReceived: 0,
    datagramsSent: 0,
    droppedBadMac: 0,
    droppedReplay: 0,
    droppedBadEpoch: 0,
    droppedJunk: 0,
    droppedHandshake: 0,
    droppedEarlyData: 0,
    retransmissions: 0,
    flightResends: 0,
    internalErrors: 0,
  };

  constructor(settings: DtlsSettings, now: number) {
    void now;
    if (settings.role !== 'client' && settings.role !== 'server') throw new DtlsError('bad-argument', "role must be 'client' or 'server'");
    if (typeof settings.random !== 'function') throw new DtlsError('bad-argument', 'settings.random is required');
    if (settings.certificate === undefined || typeof (settings.certificate as DtlsCertificate).der === 'undefined') {
      throw new DtlsError('bad-argument', 'settings.certificate is required');
    }
    const resolved = { ...DEFAULT_DTLS_SETTINGS, ...stripUndefined(settings) } as ResolvedDtlsSettings & { remoteFingerprints?: CertificateFingerprint[] };
    if (!(resolved.mtu >= 128)) throw new DtlsError('bad-argument', 'mtu must be at least 128');
    if (resolved.cipherSuites.length === 0 || resolved.namedGroups.length === 0) throw new DtlsError('bad-argument', 'no cipher suite or group enabled');
    for (const id of resolved.cipherSuites) if (cipherSuiteById(id) === undefined) throw new DtlsError('bad-argument', `unsupported cipher suite 0x${id.toString(16)}`);
    for (const g of resolved.namedGroups) if (!DEFAULT_NAMED_GROUPS.includes(g)) throw new DtlsError('bad-argument', `unsupported group ${g}`);
    for (const sc of resolved.signatureSchemes) if (!isSupportedScheme(sc)) throw new DtlsError('bad-argument', `unsupported signature scheme 0x${sc.toString(16)}`);
    this.settings = resolved;
    this.role = settings.role;
    this.remoteFingerprints = settings.remoteFingerprints && settings.remoteFingerprints.length > 0 ? settings.remoteFingerprints : undefined;
    this.reassembler = new HandshakeReassembler(resolved.maxHandshakeMessageSize);
    this.timer = new RetransmitTimer(resolved.initialRetransmitTimeout, resolved.maxRetransmitTimeout, resolved.minRetransmitTimeout);
    if (this.role === 'client') {
      this.handshake = new ClientHandshake(this);
      this.currentState = 'new';
    } else {
      this.handshake = new ServerHandshake(this);
      this.currentState = 'connecting';
    }
  }

  get state(): DtlsState {
    return this.currentState;
  }

  // ---- inputs -------------------------------------------------------------------------

  /** Client: send the first ClientHello. Server: nothing to do (it waits for one). */
  start(now: number): void {
    if (this.role === 'server') return;
    if (this.currentState !== 'new') throw new DtlsError('bad-state', 'start() called twice');
    this.currentState = 'connecting';
    (this.handshake as ClientHandshake).start(now);
  }

  /** Set (or replace) the expected peer fingerprints, e.g. when the SDP answer arrives after DTLS started. */
  setRemoteFingerprints(fingerprints: readonly CertificateFingerprint[], now: number): void {
    this.remoteFingerprints = fingerprints.length > 0 ? fingerprints : undefined;
    const pending = this.pendingCompletion;
    if (pending === undefined || this.remoteFingerprints === undefined) return;
    this.pendingCompletion = undefined;
    this.finishHandshake(pending.result, pending.finalFlight, now);
  }

  /** A received datagram (one or more records). Never throws. */
  handleDatagram(bytes: Uint8Array, now: number): void {
    if (this.currentState === 'closed' || this.currentState === 'failed' || this.currentState === 'new') return;
    this.counters.datagramsReceived++;
    try {
      const h = this.header;
      let offset = 0;
      while (offset < bytes.length) {
        if (!readRecordHeader(bytes, offset, h)) {
          this.counters.droppedJunk++;
          break;
        }
        offset += RECORD_HEADER_LENGTH + h.length;
        this.processRecord(h.type, h.version, h.epoch, h.sequenceNumber, bytes.subarray(offset - h.length, offset), now);
        if (this.ended) return;
      }
      this.processHandshakeMessages(now);
    } catch (e) {
      this.internalError(e);
    }
  }

  /** Send application data (one record, one datagram). Throws DtlsError('not-connected') before the handshake completed. */
  send(data: Uint8Array, now: number): void {
    void now;
    if (this.currentState !== 'connected') throw new DtlsError('not-connected', `cannot send in state ${this.currentState}`);
    if (data.length > MAX_PLAINTEXT_LENGTH) throw new DtlsError('bad-argument', `record plaintext larger than ${MAX_PLAINTEXT_LENGTH}`);
    this.transmit(this.sealRecord(ContentType.application_data, 1, data));
  }

  /** Send close_notify and stop. The peer's close_notify, if any, is not awaited. */
  close(now: number): void {
    void now;
    if (this.currentState === 'closed' || this.currentState === 'failed') return;
    if (this.currentState !== 'new') this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
    this.currentState = 'closed';
    this.timer.stop();
  }

  handleTimeout(now: number): void {
    if (this.currentState !== 'connecting' || !this.timer.expired(now) || this.flight === undefined || this.flightIsLast) return;
    try {
      if (this.timer.expiries >= this.settings.maxRetransmissions) {
        this.fail(undefined, `handshake timed out after ${this.timer.expiries} retransmissions`);
        return;
      }
      this.counters.retransmissions++;
      this.rttProbe = undefined;
      this.transmitFlight();
      this.timer.backoff(now);
    } catch (e) {
      this.internalError(e);
    }
  }

  // ---- outputs ------------------------------------------------------------------------

  pollTransmit(): Uint8Array | undefined {
    return this.transmitQueue.shift();
  }

  pollEvent(): DtlsEvent | undefined {
    return this.events.shift();
  }

  nextDeadline(): number | undefined {
    return this.currentState === 'connecting' ? this.timer.deadline : undefined;
  }

  /** RFC 5705 keying material exporter (e.g. label "EXTRACTOR-dtls_srtp", no context, 60 bytes). */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    const r = this.result;
    if (r === undefined) throw new DtlsError('not-connected', 'no keys before the handshake completes');
    if (!(length > 0 && length <= 65535)) throw new DtlsError('bad-argument', 'length must be 1..65535');
    return prfExport(r.suite.prfHash, r.masterSecret, r.clientRandom, r.serverRandom, label, context, length);
  }

  stats(): DtlsStats {
    return { ...this.counters };
  }

  /** Negotiated cipher suite once connected. */
  get cipherSuite(): CipherSuite | undefined {
    return this.result?.suite;
  }

  /**
   * Bytes a record adds to application data: 13-byte header + explicit nonce + tag (37 for
   * AES-GCM, 29 for ChaCha20-Poly1305; 37 until a suite is negotiated). An upper layer keeping
   * datagrams within `mtu` sends at most `mtu - recordOverhead` bytes per `send`.
   */
  get recordOverhead(): number {
    return RECORD_HEADER_LENGTH + (this.writeProtection?.overhead ?? 24);
  }

  /** The retransmission timeout currently armed (ms), for tests and diagnostics. */
  get retransmitTimeout(): number {
    return this.timer.currentTimeout;
  }

  // ---- HandshakeHost ------------------------------------------------------------------

  freshRandom(n: number): Uint8Array {
    const out = new Uint8Array(n);
    this.settings.random(out);
    return out;
  }

  sendFlight(entries: FlightEntry[], now: number, last: boolean): void {
    this.flight = entries;
    this.flightIsLast = last;
    this.peerFlightFirst = -1;
    this.rttProbe = last ? undefined : now;
    if (last) this.timer.stop();
    else this.timer.start(now);
    const first = entries[0];
    if (first.kind === 'handshake' && first.msgType === HandshakeType.hello_verify_request) {
      // RFC 6347 §4.2.1: a stateless server reuses the ClientHello's record sequence number.
      this.writeSeq[0] = this.lastHandshakeRecordSeq;
    }
    this.transmitFlight();
    if (entries.some((e) => e.kind === 'change_cipher_spec')) this.writeEpoch = 1;
  }

  installKeys(suite: CipherSuite, keys: KeyBlock): void {
    const client = this.role === 'client';
    this.writeProtection = new RecordProtection(suite, client ? keys.clientWriteKey : keys.serverWriteKey, client ? keys.clientWriteIv : keys.serverWriteIv);
    this.readProtection = new RecordProtection(suite, client ? keys.serverWriteKey : keys.clientWriteKey, client ? keys.serverWriteIv : keys.clientWriteIv);
    // Epoch-1 records that arrived before we could decrypt them (reordering).
    const held = this.heldRecords;
    this.heldRecords = [];
    for (const r of held) this.processRecord(r.type, r.version, 1, r.seq, r.fragment, 0);
  }

  fingerprintMatches(der: Uint8Array): boolean | undefined {
    return this.remoteFingerprints === undefined ? undefined : matchesFingerprint(der, this.remoteFingerprints);
  }

  peerFlightComplete(lastMessageSeq: number): void {
    this.peerLastFlight = { first: this.peerFlightFirst < 0 ? lastMessageSeq : this.peerFlightFirst, last: lastMessageSeq };
    this.peerFlightFirst = -1;
  }

  resetReassembly(nextSeq: number): void {
    this.reassembler.reset(nextSeq);
  }

  complete(result: HandshakeResult, now: number, finalFlight?: FlightEntry[]): void {
    if (result.remoteCertificate !== undefined && this.remoteFingerprints === undefined) {
      this.pendingCompletion = { result, finalFlight }; // wait for setRemoteFingerprints
      this.timer.stop();
      this.flight = undefined; // nothing to resend meanwhile: our last flight was answered
      return;
    }
    this.finishHandshake(result, finalFlight, now);
  }

  // ---- internals ----------------------------------------------------------------------

  private get ended(): boolean {
    return this.currentState === 'closed' || this.currentState === 'failed';
  }

  private finishHandshake(result: HandshakeResult, finalFlight: FlightEntry[] | undefined, now: number): void {
    if (result.remoteCertificate !== undefined && !matchesFingerprint(result.remoteCertificate, this.remoteFingerprints ?? [])) {
      this.fail(AlertDescription.bad_certificate, 'peer certificate does not match the remote fingerprint');
      return;
    }
    this.result = result;
    this.currentState = 'connected';
    this.handshake.release();
    if (finalFlight !== undefined) this.sendFlight(finalFlight, now, true);
    else {
      // Client: nothing left to retransmit; a late copy of the server's Finished is ignored.
      this.timer.stop();
      this.flight = undefined;
    }
    const srtp = result.srtpProfile === undefined ? undefined : srtpProfileName(result.srtpProfile);
    this.events.push({
      type: 'connected',
      cipherSuite: result.suite.name,
      ...(srtp !== undefined ? { srtpProfile: srtp } : {}),
      remoteCertificate: result.remoteCertificate,
      extendedMasterSecret: result.extendedMasterSecret,
      namedGroup: result.namedGroup,
    });
    for (const data of this.earlyData) this.events.push({ type: 'data', data });
    this.earlyData = [];
  }

  private processRecord(type: number, version: number, epoch: number, seq: number, fragment: Uint8Array, now: number): void {
    this.counters.recordsReceived++;
    if (!isAcceptedRecordVersion(version) || type < ContentType.change_cipher_spec || type > ContentType.application_data) {
      this.counters.droppedJunk++;
      return;
    }
    let plaintext: Uint8Array;
    if (epoch === 0) {
      if (type === ContentType.application_data) {
        this.counters.droppedJunk++;
        return;
      }
      // No replay window on epoch 0: its records are unauthenticated, so a forged record with a
      // huge sequence number would push the window past every genuine handshake record.
      // Duplicated handshake fragments are harmless (reassembly ignores known bytes).
      plaintext = fragment;
    } else if (epoch === 1) {
      const protection = this.readProtection;
      if (protection === undefined) {
        if (this.currentState === 'connecting' && this.heldRecords.length < this.settings.maxEarlyRecords) {
          this.heldRecords.push({ type, version, seq, fragment: fragment.slice() });
        } else this.counters.droppedBadEpoch++;
        return;
      }
      if (!this.replay.check(seq)) {
        this.counters.droppedReplay++;
        return;
      }
      const opened = protection.open(type, version, epoch, seq, fragment);
      if (opened === undefined) {
        this.counters.droppedBadMac++;
        return;
      }
      this.replay.accept(seq);
      plaintext = opened;
    } else {
      this.counters.droppedBadEpoch++;
      return;
    }
    if (plaintext.length > MAX_PLAINTEXT_LENGTH) {
      this.counters.droppedJunk++;
      return;
    }
    switch (type) {
      case ContentType.handshake:
        return this.processHandshakeRecord(plaintext, epoch, seq, now);
      case ContentType.change_cipher_spec:
        // Keys switch when they are derived, so ChangeCipherSpec is only checked for form.
        if (plaintext.length !== 1 || plaintext[0] !== 1) this.counters.droppedJunk++;
        return;
      case ContentType.alert:
        return this.processAlert(plaintext, epoch, now);
      default:
        return this.processApplicationData(plaintext);
    }
  }

  private processHandshakeRecord(plaintext: Uint8Array, epoch: number, seq: number, now: number): void {
    if (epoch === 0) this.lastHandshakeRecordSeq = seq;
    const r = new ByteReader(plaintext);
    while (r.remaining > 0) {
      let f;
      try {
        f = readHandshakeFragment(r);
      } catch (e) {
        if (!(e instanceof DtlsError)) throw e;
        this.counters.droppedHandshake++;
        return;
      }
      if (epoch === 0 && f.messageSeq >= this.reassembler.nextSeq && (this.currentState === 'connected' || !this.handshake.acceptsPlaintext(f.msgType))) {
        // A plaintext message that cannot be genuine now (e.g. a new handshake after ours
        // completed, which would be a renegotiation in epoch 1 anyway): drop it.
        this.counters.droppedHandshake++;
        continue;
      }
      if (
        f.msgType === HandshakeType.client_hello &&
        f.messageSeq !== this.reassembler.nextSeq &&
        this.handshake instanceof ServerHandshake &&
        this.handshake.awaitingClientHello
      ) {
        // A stateless server takes the ClientHello's message_seq as it comes (RFC 6347 §4.2.2):
        // 1 for a cookie-bearing hello whose first we never saw, 0 again for a client that
        // retransmits its first hello after our HelloVerifyRequest was lost.
        this.reassembler.reset(f.messageSeq);
      }
      const disposition = this.reassembler.add(f, epoch);
      if (disposition === 'dropped') this.counters.droppedHandshake++;
      else if (
        disposition === 'old' &&
        f.messageSeq >= this.peerLastFlight.first &&
        f.messageSeq <= this.peerLastFlight.last &&
        this.flight !== undefined &&
        now - this.lastResendAt >= this.settings.minRetransmitTimeout
      ) {
        // The peer retransmitted its last flight: ours was lost, send it again (RFC 6347 §4.2.4).
        // Any fragment of that flight counts (its last message may be the one lost again); the
        // fragments of one retransmission, and network duplicates, arrive within
        // minRetransmitTimeout and trigger a single resend.
        this.lastResendAt = now;
        this.counters.flightResends++;
        this.rttProbe = undefined;
        this.transmitFlight();
      }
    }
  }

  private processHandshakeMessages(now: number): void {
    while (this.pendingCompletion === undefined && (this.currentState === 'connecting' || this.currentState === 'connected')) {
      const msg = this.reassembler.pop();
      if (msg === undefined) return;
      if (this.currentState === 'connected') {
        // Renegotiation (a new ClientHello or a HelloRequest) is refused (RFC 5746 §4.2 / §4.4).
        this.sendAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
        continue;
      }
      if (this.peerFlightFirst < 0) this.peerFlightFirst = msg.messageSeq;
      if (this.rttProbe !== undefined) {
        // The first message of the peer's answer to a flight sent once: a clean RTT sample.
        this.timer.sample(now - this.rttProbe);
        this.rttProbe = undefined;
      }
      try {
        this.handshake.handle(msg, now);
      } catch (e) {
        if (e instanceof UnexpectedMessage && msg.epoch === 0) {
          this.counters.droppedHandshake++;
          this.reassembler.discard(msg.messageSeq);
          return;
        }
        if (e instanceof HandshakeFailure) {
          this.fail(e.alert, e.reason);
          return;
        }
        if (!(e instanceof DtlsError)) throw e;
        this.counters.droppedHandshake++;
        if (msg.epoch > 0) {
          this.fail(AlertDescription.decode_error, `undecodable handshake message: ${e.message}`);
          return;
        }
        // Unauthenticated bytes that do not decode: forget them and wait for a retransmission.
        this.reassembler.discard(msg.messageSeq);
        return;
      }
    }
  }

  private processAlert(plaintext: Uint8Array, epoch: number, now: number): void {
    void now;
    if (plaintext.length !== 2 || (this.currentState === 'connected' && epoch === 0)) {
      // Malformed, or a plaintext alert once we have keys (anyone could have sent it).
      this.counters.droppedJunk++;
      return;
    }
    const level = plaintext[0], description = plaintext[1];
    if (description === AlertDescription.close_notify) {
      if (this.currentState === 'connected') this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.currentState = 'closed';
      this.timer.stop();
      this.events.push({ type: 'closed' });
    } else if (level === AlertLevel.fatal) {
      this.currentState = 'failed';
      this.timer.stop();
      this.events.push({ type: 'failed', alert: description, reason: `received fatal alert ${alertName(description)}` });
    }
    // Warning alerts (no_renegotiation, user_canceled...) need no action.
  }

  private processApplicationData(plaintext: Uint8Array): void {
    if (this.currentState === 'connected') this.events.push({ type: 'data', data: plaintext });
    else if (this.currentState === 'connecting' && this.earlyData.length < this.settings.maxEarlyRecords) this.earlyData.push(plaintext);
    else this.counters.droppedEarlyData++;
  }

  /** A complete record in `epoch` with the next sequence number of that epoch. */
  private sealRecord(type: number, epoch: number, payload: Uint8Array): Uint8Array {
    const seq = this.writeSeq[epoch]++;
    if (epoch === 0) {
      const out = new Uint8Array(RECORD_HEADER_LENGTH + payload.length);
      writeRecordHeader(out, 0, type, ProtocolVersion.DTLS_1_2, 0, seq, payload.length);
      out.set(payload, RECORD_HEADER_LENGTH);
      return out;
    }
    return this.writeProtection!.seal(type, ProtocolVersion.DTLS_1_2, epoch, seq, payload);
  }

  private readonly sealer = (type: number, epoch: number, payload: Uint8Array) => this.sealRecord(type, epoch, payload);
  private readonly overhead = (epoch: number) => (epoch === 0 ? 0 : this.writeProtection!.overhead);

  private transmitFlight(): void {
    for (const d of packFlight(this.flight!, this.settings.mtu, this.sealer, this.overhead)) this.transmit(d);
  }

  private transmit(datagram: Uint8Array): void {
    this.counters.datagramsSent++;
    this.transmitQueue.push(datagram);
  }

  private sendAlert(level: number, description: number): void {
    if (this.writeEpoch === 1 && this.writeProtection === undefined) return;
    this.transmit(this.sealRecord(ContentType.alert, this.writeEpoch, encodeAlert(level, description)));
  }

  private fail(alert: number | undefined, reason: string): void {
    if (alert !== undefined) this.sendAlert(AlertLevel.fatal, alert);
    this.currentState = 'failed';
    this.timer.stop();
    this.pendingCompletion = undefined;
    this.events.push(alert === undefined ? { type: 'failed', reason } : { type: 'failed', alert, reason });
  }

  private internalError(e: unknown): void {
    this.counters.internalErrors++;
    if (this.currentState === 'connecting' || this.currentState === 'connected') {
      this.fail(AlertDescription.internal_error, `internal error: ${(e as Error)?.message ?? String(e)}`);
    }
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
