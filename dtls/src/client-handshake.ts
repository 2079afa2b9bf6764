import { AlertDescription, HandshakeFailure, UnexpectedMessage } from './alert.js';
import { cipherSuiteById } from './cipher-suites.js';
import { ClientCertificateType, EC_POINT_FORMAT_UNCOMPRESSED, ExtensionType, HandshakeType, ProtocolVersion, RANDOM_LENGTH } from './constants.js';
import { EcdheKeyPair } from './ecdhe.js';
import { ExtensionsWriter } from './extensions.js';
import type { FlightEntry } from './flight.js';
import { HandshakeBase } from './handshake-base.js';
import { decodeCertificateMessage, encodeCertificateMessage } from './messages/certificate.js';
import { decodeCertificateRequest } from './messages/certificate-request.js';
import { encodeCertificateVerify } from './messages/certificate-verify.js';
import { encodeClientHello } from './messages/client-hello.js';
import { encodeClientKeyExchange } from './messages/client-key-exchange.js';
import { decodeHelloVerifyRequest } from './messages/hello-verify-request.js';
import { decodeServerHello } from './messages/server-hello.js';
import { decodeServerKeyExchange } from './messages/server-key-exchange.js';
import type { HandshakeMessage } from './reassembly.js';
import { chooseScheme, signWithScheme, verifyWithScheme } from './signature.js';

type ClientState =
  | 'idle'
  | 'wait-server-hello'
  | 'wait-certificate'
  | 'wait-server-key-exchange'
  | 'wait-certificate-request-or-done'
  | 'wait-server-hello-done'
  | 'wait-finished'
  | 'done';

/**
 * The client side of the DTLS 1.2 handshake (RFC 6347 §4.2.4, Figure 1):
 *
 *   flight 1  ClientHello                     →
 *   flight 2                                  ←  HelloVerifyRequest (optional)
 *   flight 3  ClientHello (with cookie)       →
 *   flight 4                                  ←  ServerHello, Certificate, ServerKeyExchange,
 *                                                CertificateRequest*, ServerHelloDone
 *   flight 5  Certificate*, ClientKeyExchange, CertificateVerify*, [ChangeCipherSpec], Finished →
 *   flight 6                                  ←  [ChangeCipherSpec], Finished
 */
export class ClientHandshake extends HandshakeBase {
  private state: ClientState = 'idle';
  private cookie: Uint8Array = new Uint8Array(0);
  private certificateRequestScheme: number | undefined;
  private certificateRequested = false;

  protected get role(): 'client' {
    return 'client';
  }

  get done(): boolean {
    return this.state === 'done';
  }

  acceptsPlaintext(msgType: number): boolean {
    void msgType;
    return this.state !== 'wait-finished' && this.state !== 'done';
  }

  start(now: number): void {
    this.clientRandom = this.host.freshRandom(RANDOM_LENGTH);
    this.sendClientHello(now);
  }

  private sendClientHello(now: number): void {
    const s = this.host.settings;
    const ext = new ExtensionsWriter()
      .renegotiationInfo()
      .extendedMasterSecret()
      .u16List(ExtensionType.supported_groups, s.namedGroups)
      .ecPointFormats([EC_POINT_FORMAT_UNCOMPRESSED])
      .u16List(ExtensionType.signature_algorithms, s.signatureSchemes);
    if (s.srtpProfiles.length > 0) ext.useSrtp(s.srtpProfiles);
    const body = encodeClientHello({
      clientVersion: ProtocolVersion.DTLS_1_2,
      random: this.clientRandom,
      cookie: this.cookie,
      cipherSuites: s.cipherSuites,
      extensions: ext,
    });
    this.transcript = [];
    this.host.sendFlight([this.outgoing(HandshakeType.client_hello, body)], now, false);
    this.state = 'wait-server-hello';
  }

  handle(msg: HandshakeMessage, now: number): void {
    switch (this.state) {
      case 'wait-server-hello':
        if (msg.msgType === HandshakeType.hello_verify_request && this.cookie.length === 0) return this.onHelloVerifyRequest(msg, now);
        return this.onServerHello(msg);
      case 'wait-certificate':
        return this.onCertificate(msg);
      case 'wait-server-key-exchange':
        return this.onServerKeyExchange(msg);
      case 'wait-certificate-request-or-done':
        if (msg.msgType === HandshakeType.certificate_request) return this.onCertificateRequest(msg);
        return this.onServerHelloDone(msg, now);
      case 'wait-server-hello-done':
        return this.onServerHelloDone(msg, now);
      case 'wait-finished':
        this.checkPeerFinished(msg);
        this.state = 'done';
        this.host.peerFlightComplete(msg.messageSeq);
        this.host.complete(this.result(), now);
        return;
      default:
        throw new UnexpectedMessage(`unexpected handshake type ${msg.msgType}`);
    }
  }

  /** RFC 6347 §4.2.1: resend the ClientHello with the cookie; the transcript starts over. */
  private onHelloVerifyRequest(msg: HandshakeMessage, now: number): void {
    this.expect(msg, HandshakeType.hello_verify_request);
    const hvr = decodeHelloVerifyRequest(msg.body);
    if (hvr.cookie.length === 0) throw new HandshakeFailure(AlertDescription.illegal_parameter, 'empty cookie');
    this.cookie = hvr.cookie;
    this.host.peerFlightComplete(msg.messageSeq);
    this.sendClientHello(now);
  }

  private onServerHello(msg: HandshakeMessage): void {
    this.expect(msg, HandshakeType.server_hello);
    const sh = decodeServerHello(msg.body);
    const s = this.host.settings;
    if (sh.serverVersion !== ProtocolVersion.DTLS_1_2) throw new HandshakeFailure(AlertDescription.protocol_version, `server chose version ${sh.serverVersion.toString(16)}`);
    const suite = cipherSuiteById(sh.cipherSuite);
    if (suite === undefined || !s.cipherSuites.includes(sh.cipherSuite)) throw new HandshakeFailure(AlertDescription.illegal_parameter, `server chose suite ${sh.cipherSuite} we did not offer`);
    if (sh.compressionMethod !== 0) throw new HandshakeFailure(AlertDescription.illegal_parameter, 'server chose compression');
    const ext = sh.extensions;
    // RFC 5246 §7.4.1.4: a server must not send an extension the client did not offer.
    const offered: number[] = [ExtensionType.renegotiation_info, ExtensionType.extended_master_secret, ExtensionType.supported_groups, ExtensionType.ec_point_formats, ExtensionType.signature_algorithms];
    if (s.srtpProfiles.length > 0) offered.push(ExtensionType.use_srtp);
    for (const t of ext.types) if (!offered.includes(t)) throw new HandshakeFailure(AlertDescription.unsupported_extension, `unsolicited extension ${t}`);
    if (ext.renegotiationInfo !== undefined && ext.renegotiationInfo.length !== 0) throw new HandshakeFailure(AlertDescription.handshake_failure, 'non-empty renegotiation_info');
    if (!ext.extendedMasterSecret && s.requireExtendedMasterSecret) throw new HandshakeFailure(AlertDescription.handshake_failure, 'server did not negotiate extended_master_secret');
    if (ext.useSrtp !== undefined) {
      const [profile] = ext.useSrtp.profiles;
      if (ext.useSrtp.profiles.length !== 1 || !s.srtpProfiles.includes(profile)) throw new HandshakeFailure(AlertDescription.illegal_parameter, 'server chose an SRTP profile we did not offer');
      this.srtpProfile = profile;
    }
    this.suite = suite;
    this.extendedMasterSecret = ext.extendedMasterSecret;
    this.serverRandom = sh.random;
    this.record(msg);
    this.state = 'wait-certificate';
  }

  private onCertificate(msg: HandshakeMessage): void {
    this.expect(msg, HandshakeType.certificate);
    const chain = decodeCertificateMessage(msg.body);
    if (chain.length === 0) throw new HandshakeFailure(AlertDescription.bad_certificate, 'server sent no certificate');
    this.acceptPeerCertificate(chain, this.suite!.authentication === 'ecdsa' ? 'ec' : 'rsa');
    this.record(msg);
    this.state = 'wait-server-key-exchange';
  }

  private onServerKeyExchange(msg: HandshakeMessage): void {
    this.expect(msg, HandshakeType.server_key_exchange);
    const ske = decodeServerKeyExchange(msg.body);
    const s = this.host.settings;
    if (!s.namedGroups.includes(ske.namedGroup)) throw new HandshakeFailure(AlertDescription.illegal_parameter, `server chose group ${ske.namedGroup} we did not offer`);
    if (!s.signatureSchemes.includes(ske.signatureScheme)) throw new HandshakeFailure(AlertDescription.illegal_parameter, `server signed with scheme ${ske.signatureScheme} we did not offer`);
    const signed = Buffer.concat([this.clientRandom, this.serverRandom, ske.params]);
    if (!verifyWithScheme(ske.signatureScheme, this.remotePublicKey!, signed, ske.signature)) {
      throw new HandshakeFailure(AlertDescription.decrypt_error, 'ServerKeyExchange signature does not verify');
    }
    this.ecdhe = new EcdheKeyPair(ske.namedGroup);
    const shared = this.ecdhe.computeSharedSecret(ske.publicKey);
    if (shared === undefined) throw new HandshakeFailure(AlertDescription.illegal_parameter, 'invalid server ECDHE public key');
    this.preMasterSecret = shared;
    this.namedGroup = ske.namedGroup;
    this.record(msg);
    this.state = 'wait-certificate-request-or-done';
  }

  private onCertificateRequest(msg: HandshakeMessage): void {
    const cr = decodeCertificateRequest(msg.body);
    const keyType = this.host.settings.certificate.keyType;
    const wantedType = keyType === 'ec' ? ClientCertificateType.ecdsa_sign : ClientCertificateType.rsa_sign;
    this.certificateRequestScheme = chooseScheme(this.host.settings.signatureSchemes, cr.signatureAlgorithms, keyType);
    if (!cr.certificateTypes.includes(wantedType) || this.certificateRequestScheme === undefined) {
      throw new HandshakeFailure(AlertDescription.handshake_failure, 'server does not accept our certificate type');
    }
    this.certificateRequested = true;
    this.record(msg);
    this.state = 'wait-server-hello-done';
  }

  private onServerHelloDone(msg: HandshakeMessage, now: number): void {
    this.expect(msg, HandshakeType.server_hello_done);
    if (msg.body.length !== 0) throw new HandshakeFailure(AlertDescription.decode_error, 'ServerHelloDone not empty');
    this.record(msg);
    this.host.peerFlightComplete(msg.messageSeq);
    this.sendFlight5(now);
  }

  private sendFlight5(now: number): void {
    const cert = this.host.settings.certificate;
    const flight: FlightEntry[] = [];
    if (this.certificateRequested) flight.push(this.outgoing(HandshakeType.certificate, encodeCertificateMessage([cert.der])));
    flight.push(this.outgoing(HandshakeType.client_key_exchange, encodeClientKeyExchange(this.ecdhe!.publicKey)));
    this.deriveKeys();
    if (this.certificateRequested) {
      const signature = signWithScheme(this.certificateRequestScheme!, cert.privateKey, this.transcriptBytes());
      flight.push(this.outgoing(HandshakeType.certificate_verify, encodeCertificateVerify(this.certificateRequestScheme!, signature)));
    }
    flight.push({ kind: 'change_cipher_spec', epoch: 0 });
    flight.push(this.outgoing(HandshakeType.finished, this.verifyData('client'), 1));
    this.host.sendFlight(flight, now, false);
    this.state = 'wait-finished';
  }
}
