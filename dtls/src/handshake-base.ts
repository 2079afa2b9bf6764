import type { KeyObject } from 'node:crypto';
import { AlertDescription, HandshakeFailure, UnexpectedMessage } from './alert.js';
import { bytesEqual } from './bytes.js';
import type { CipherSuite } from './cipher-suites.js';
import { HandshakeType } from './constants.js';
import type { EcdheKeyPair } from './ecdhe.js';
import type { FlightEntry } from './flight.js';
import { encodeHandshakeMessage } from './handshake.js';
import {
  computeExtendedMasterSecret,
  computeKeyBlock,
  computeMasterSecret,
  computeVerifyData,
  transcriptHash,
  type KeyBlock,
} from './key-schedule.js';
import type { HandshakeMessage } from './reassembly.js';
import type { ResolvedDtlsSettings } from './settings.js';
import { certificatePublicKey } from './spki.js';

/** What a completed handshake established. */
export interface HandshakeResult {
  suite: CipherSuite;
  namedGroup: number;
  srtpProfile: number | undefined;
  extendedMasterSecret: boolean;
  /** The peer's leaf certificate (DER); undefined only for a server that did not require one. */
  remoteCertificate: Uint8Array | undefined;
  masterSecret: Uint8Array;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
}

/** The services the endpoint's record layer gives to a handshake state machine. */
export interface HandshakeHost {
  readonly settings: ResolvedDtlsSettings;
  freshRandom(n: number): Uint8Array;
  /** Transmit a flight. Not `last`: arm the retransmission timer. `last`: keep it only to answer a retransmitted peer flight. */
  sendFlight(entries: FlightEntry[], now: number, last: boolean): void;
  /** Epoch-1 keys are known: accept epoch-1 records now, write epoch 1 after our ChangeCipherSpec. */
  installKeys(suite: CipherSuite, keys: KeyBlock): void;
  /** true/false, or undefined while no remote fingerprint is known (checked again before `connected`). */
  fingerprintMatches(der: Uint8Array): boolean | undefined;
  /** A peer flight ended with this message_seq: a later copy of it is a retransmission. */
  peerFlightComplete(lastMessageSeq: number): void;
  /** Discard reassembly state and expect `nextSeq` (cookie exchange restarts message_seq). */
  resetReassembly(nextSeq: number): void;
  /**
   * The peer's Finished verified. `finalFlight` (server: ChangeCipherSpec + Finished) goes out
   * once the peer certificate matched the remote fingerprint, which may be set later.
   */
  complete(result: HandshakeResult, now: number, finalFlight?: FlightEntry[]): void;
}

/**
 * State shared by the client and server handshakes: the transcript (RFC 6347 §4.2.6 —
 * messages as if unfragmented, HelloVerifyRequest and the cookie-less ClientHello excluded),
 * the negotiated parameters and the key derivation.
 */
export abstract class HandshakeBase {
  /** message_seq of our next handshake message. */
  protected sendSeq = 0;
  protected transcript: Uint8Array[] = [];
  protected suite: CipherSuite | undefined;
  protected namedGroup = 0;
  protected srtpProfile: number | undefined;
  protected extendedMasterSecret = false;
  protected clientRandom: Uint8Array = new Uint8Array(0);
  protected serverRandom: Uint8Array = new Uint8Array(0);
  protected ecdhe: EcdheKeyPair | undefined;
  protected preMasterSecret: Uint8Array | undefined;
  protected masterSecret: Uint8Array | undefined;
  protected remoteCertificate: Uint8Array | undefined;
  protected remotePublicKey: KeyObject | undefined;

  constructor(protected readonly host: HandshakeHost) {}

  /** Handle one complete message, in order. Throws HandshakeFailure (fatal) or DtlsError (undecodable). */
  abstract handle(msg: HandshakeMessage, now: number): void;

  /** True once our side has seen the peer's Finished. */
  abstract get done(): boolean;

  /**
   * Whether a plaintext (epoch-0) fragment of a message not yet processed can be genuine in the
   * current state. Fragments that cannot (anything but a ClientHello before one was accepted;
   * anything in plaintext when only the epoch-1 Finished is missing) are dropped before they
   * occupy a reassembly slot.
   */
  abstract acceptsPlaintext(msgType: number): boolean;

  protected abstract get role(): 'client' | 'server';

  protected record(msg: HandshakeMessage): void {
    this.transcript.push(encodeHandshakeMessage(msg.msgType, msg.messageSeq, msg.body));
  }

  /** A message of ours: goes into the transcript and becomes a flight entry. */
  protected outgoing(msgType: number, body: Uint8Array, epoch = 0): FlightEntry {
    const messageSeq = this.sendSeq++;
    this.transcript.push(encodeHandshakeMessage(msgType, messageSeq, body));
    return { kind: 'handshake', msgType, messageSeq, body, epoch };
  }

  protected expect(msg: HandshakeMessage, msgType: number, epoch = 0): void {
    if (msg.msgType !== msgType) throw new UnexpectedMessage(`expected handshake type ${msgType}, got ${msg.msgType}`);
    if (msg.epoch !== epoch) throw new UnexpectedMessage(`handshake type ${msgType} in epoch ${msg.epoch}`);
  }

  /**
   * Accept the peer's certificate chain: parse the leaf, check its key type, and compare it
   * with the SDP fingerprints when they are known (RFC 8827 §6.5). Chains are not path-validated.
   */
  protected acceptPeerCertificate(chain: Uint8Array[], expectedKeyType?: 'ec' | 'rsa'): void {
    const leaf = chain[0];
    let key: KeyObject;
    try {
      key = certificatePublicKey(leaf);
    } catch {
      throw new HandshakeFailure(AlertDescription.bad_certificate, 'peer certificate or its public key does not parse');
    }
    const type = key.asymmetricKeyType;
    if (type !== 'ec' && type !== 'rsa') throw new HandshakeFailure(AlertDescription.unsupported_certificate, `peer key type ${String(type)}`);
    if (expectedKeyType !== undefined && type !== expectedKeyType) {
      throw new HandshakeFailure(AlertDescription.unsupported_certificate, `suite needs a ${expectedKeyType} certificate, peer has ${type}`);
    }
    if (this.host.fingerprintMatches(leaf) === false) {
      throw new HandshakeFailure(AlertDescription.bad_certificate, 'peer certificate does not match the remote fingerprint');
    }
    this.remoteCertificate = leaf;
    this.remotePublicKey = key;
  }

  /** Master secret (EMS when negotiated: session hash over the transcript through ClientKeyExchange) and keys. */
  protected deriveKeys(): void {
    const suite = this.suite!;
    this.masterSecret = this.extendedMasterSecret
      ? computeExtendedMasterSecret(suite.prfHash, this.preMasterSecret!, transcriptHash(suite.prfHash, this.transcript))
      : computeMasterSecret(suite.prfHash, this.preMasterSecret!, this.clientRandom, this.serverRandom);
    this.preMasterSecret = undefined;
    this.host.installKeys(suite, computeKeyBlock(suite, this.masterSecret, this.clientRandom, this.serverRandom));
  }

  protected verifyData(role: 'client' | 'server'): Uint8Array {
    return computeVerifyData(this.suite!.prfHash, this.masterSecret!, role, transcriptHash(this.suite!.prfHash, this.transcript));
  }

  /** Check the peer's Finished (RFC 5246 §7.4.9) against the transcript so far, then record it. */
  protected checkPeerFinished(msg: HandshakeMessage): void {
    this.expect(msg, HandshakeType.finished, 1);
    const peer = this.role === 'client' ? 'server' : 'client';
    if (!bytesEqual(msg.body, this.verifyData(peer))) throw new HandshakeFailure(AlertDescription.decrypt_error, 'Finished verify_data mismatch');
    this.record(msg);
  }

  protected result(): HandshakeResult {
    return {
      suite: this.suite!,
      namedGroup: this.namedGroup,
      srtpProfile: this.srtpProfile,
      extendedMasterSecret: this.extendedMasterSecret,
      remoteCertificate: this.remoteCertificate,
      masterSecret: this.masterSecret!,
      clientRandom: this.clientRandom,
      serverRandom: this.serverRandom,
    };
  }

  /** Drop what only the handshake needed (transcript, ephemeral key): connections stay small. */
  release(): void {
    this.transcript = [];
    this.ecdhe = undefined;
    this.remotePublicKey = undefined;
  }

  /** Concatenated transcript (what CertificateVerify signs). */
  protected transcriptBytes(): Uint8Array {
    return Buffer.concat(this.transcript);
  }
}
