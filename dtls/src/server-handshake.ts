import { AlertDescription, HandshakeFailure, UnexpectedMessage } from './alert.js';
import { cipherSuiteById } from './cipher-suites.js';
import { ClientCertificateType, EC_POINT_FORMAT_UNCOMPRESSED, HandshakeType, NamedGroup, ProtocolVersion, RANDOM_LENGTH, TLS_EMPTY_RENEGOTIATION_INFO_SCSV } from './constants.js';
import { computeCookie, verifyCookie } from './cookie.js';
import { EcdheKeyPair } from './ecdhe.js';
import { ExtensionsWriter } from './extensions.js';
import type { FlightEntry } from './flight.js';
import { HandshakeBase, type HandshakeHost } from './handshake-base.js';
import { decodeCertificateMessage, encodeCertificateMessage } from './messages/certificate.js';
import { encodeCertificateRequest } from './messages/certificate-request.js';
import { decodeCertificateVerify } from './messages/certificate-verify.js';
import { decodeClientHello, type ClientHello } from './messages/client-hello.js';
import { decodeClientKeyExchange } from './messages/client-key-exchange.js';
import { encodeHelloVerifyRequest } from './messages/hello-verify-request.js';
import { encodeServerHello } from './messages/server-hello.js';
import { encodeServerEcdhParams, encodeServerKeyExchange } from './messages/server-key-exchange.js';
import type { HandshakeMessage } from './reassembly.js';
import { chooseScheme, schemeFitsKey, SignatureScheme, signWithScheme, verifyWithScheme } from './signature.js';

type ServerState = 'wait-client-hello' | 'wait-certificate' | 'wait-client-key-exchange' | 'wait-certificate-verify' | 'wait-finished' | 'done';

/**
 * The server side of the DTLS 1.2 handshake (RFC 6347 §4.2.4, Figure 1). Until a ClientHello
 * carries a valid cookie (when cookies are on) it keeps no handshake state. Hellos that also
 * offer DTLS 1.3 (supported_versions, key_share, unknown groups, GREASE) are answered as 1.2:
 * anything unknown is ignored.
 */
export class ServerHandshake extends HandshakeBase {
  private state: ServerState = 'wait-client-hello';
  private readonly cookieSecret: Uint8Array;
  private clientCertificateRequested = false;

  constructor(host: HandshakeHost) {
    super(host);
    this.cookieSecret = host.freshRandom(32);
  }

  protected get role(): 'server' {
    return 'server';
  }

  get done(): boolean {
    return this.state === 'done';
  }

  acceptsPlaintext(msgType: number): boolean {
    if (this.state === 'wait-client-hello') return msgType === HandshakeType.client_hello;
    return this.state !== 'wait-finished' && this.state !== 'done';
  }

  /** No ClientHello accepted yet (stateless: any message_seq is acceptable for it). */
  get awaitingClientHello(): boolean {
    return this.state === 'wait-client-hello';
  }

  handle(msg: HandshakeMessage, now: number): void {
    switch (this.state) {
      case 'wait-client-hello':
        return this.onClientHello(msg, now);
      case 'wait-certificate':
        return this.onCertificate(msg);
      case 'wait-client-key-exchange':
        return this.onClientKeyExchange(msg);
      case 'wait-certificate-verify':
        return this.onCertificateVerify(msg);
      case 'wait-finished':
        return this.onFinished(msg, now);
      default:
        throw new UnexpectedMessage(`unexpected handshake type ${msg.msgType}`);
    }
  }

  private onClientHello(msg: HandshakeMessage, now: number): void {
    this.expect(msg, HandshakeType.client_hello);
    const ch = decodeClientHello(msg.body);
    const s = this.host.settings;
    // DTLS versions count down: 0xfeff is 1.0, 0xfefd is 1.2. A 1.3 client says 1.2 here.
    if (ch.clientVersion > ProtocolVersion.DTLS_1_2) throw new HandshakeFailure(AlertDescription.protocol_version, `client version ${ch.clientVersion.toString(16)}`);
    if (s.helloVerifyRequest && !verifyCookie(this.cookieSecret, ch)) {
      // Stateless: answer and forget (RFC 6347 §4.2.1). HelloVerifyRequest takes this message_seq.
      this.sendSeq = msg.messageSeq;
      const hvr = encodeHelloVerifyRequest(ProtocolVersion.DTLS_1_0, computeCookie(this.cookieSecret, ch));
      const entry: FlightEntry = { kind: 'handshake', msgType: HandshakeType.hello_verify_request, messageSeq: msg.messageSeq, body: hvr, epoch: 0 };
      this.host.resetReassembly(msg.messageSeq + 1);
      this.host.peerFlightComplete(msg.messageSeq);
      this.host.sendFlight([entry], now, true);
      return;
    }
    this.negotiate(ch);
    this.clientRandom = ch.random;
    this.serverRandom = this.host.freshRandom(RANDOM_LENGTH);
    // Our message_seq continues from the client's (0 without a cookie exchange, 1 after).
    this.sendSeq = msg.messageSeq;
    this.transcript = [];
    this.record(msg);
    this.host.peerFlightComplete(msg.messageSeq);
    this.sendFlight4(ch, now);
  }

  /** Choose suite, group, signature scheme, EMS and SRTP profile; fail with handshake_failure when nothing fits. */
  private negotiate(ch: ClientHello): void {
    const s = this.host.settings;
    const keyType = s.certificate.keyType;
    const auth = keyType === 'ec' ? 'ecdsa' : 'rsa';
    for (const id of s.cipherSuites) {
      const suite = cipherSuiteById(id);
      if (suite !== undefined && suite.authentication === auth && ch.cipherSuites.includes(id)) {
        this.suite = suite;
        break;
      }
    }
    if (this.suite === undefined) throw new HandshakeFailure(AlertDescription.handshake_failure, 'no cipher suite in common');
    if (!ch.compressionMethods.includes(0)) throw new HandshakeFailure(AlertDescription.illegal_parameter, 'null compression not offered');
    const ext = ch.extensions;
    const groups = ext.supportedGroups ?? [NamedGroup.secp256r1]; // RFC 8422 §4: absent means "any"; P-256 is safe
    const group = s.namedGroups.find((g) => groups.includes(g));
    if (group === undefined) throw new HandshakeFailure(AlertDescription.handshake_failure, 'no ECDHE group in common');
    this.namedGroup = group;
    if (ext.ecPointFormats !== undefined && !ext.ecPointFormats.includes(EC_POINT_FORMAT_UNCOMPRESSED)) {
      throw new HandshakeFailure(AlertDescription.illegal_parameter, 'uncompressed points not offered');
    }
    if (s.requireExtendedMasterSecret && !ext.extendedMasterSecret) throw new HandshakeFailure(AlertDescription.handshake_failure, 'client did not offer extended_master_secret');
    this.extendedMasterSecret = ext.extendedMasterSecret;
    if (ext.renegotiationInfo !== undefined && ext.renegotiationInfo.length !== 0) throw new HandshakeFailure(AlertDescription.handshake_failure, 'non-empty renegotiation_info');
    if (ext.useSrtp !== undefined) this.srtpProfile = s.srtpProfiles.find((p) => ext.useSrtp!.profiles.includes(p));
    // Keep the decoded extension facts needed to build ServerHello.
    this.echo = {
      renegotiationInfo: ext.renegotiationInfo !== undefined || ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV),
      ecPointFormats: ext.ecPointFormats !== undefined,
      scheme: this.chooseServerScheme(ext.signatureAlgorithms),
    };
  }

  private echo = { renegotiationInfo: false, ecPointFormats: false, scheme: 0 };

  /** RFC 5246 §7.4.1.4.1: absent signature_algorithms means SHA-1; we still sign with SHA-256, which every peer accepts. */
  private chooseServerScheme(offered: number[] | undefined): number {
    const s = this.host.settings;
    const keyType = s.certificate.keyType;
    if (offered === undefined) return keyType === 'ec' ? SignatureScheme.ecdsa_secp256r1_sha256 : SignatureScheme.rsa_pkcs1_sha256;
    const scheme = chooseScheme(s.signatureSchemes, offered, keyType);
    if (scheme === undefined) throw new HandshakeFailure(AlertDescription.handshake_failure, 'no signature scheme in common');
    return scheme;
  }

  private sendFlight4(ch: ClientHello, now: number): void {
    const s = this.host.settings;
    const ext = new ExtensionsWriter();
    if (this.echo.renegotiationInfo) ext.renegotiationInfo();
    if (this.extendedMasterSecret) ext.extendedMasterSecret();
    if (this.echo.ecPointFormats) ext.ecPointFormats([EC_POINT_FORMAT_UNCOMPRESSED]);
    if (this.srtpProfile !== undefined) ext.useSrtp([this.srtpProfile]);
    const flight: FlightEntry[] = [];
    flight.push(this.outgoing(HandshakeType.server_hello, encodeServerHello(ProtocolVersion.DTLS_1_2, this.serverRandom, new Uint8Array(0), this.suite!.id, ext)));
    flight.push(this.outgoing(HandshakeType.certificate, encodeCertificateMessage([s.certificate.der])));
    this.ecdhe = new EcdheKeyPair(this.namedGroup);
    const params = encodeServerEcdhParams(this.namedGroup, this.ecdhe.publicKey);
    const signature = signWithScheme(this.echo.scheme, s.certificate.privateKey, Buffer.concat([ch.random, this.serverRandom, params]));
    flight.push(this.outgoing(HandshakeType.server_key_exchange, encodeServerKeyExchange(params, this.echo.scheme, signature)));
    if (s.requireClientCertificate) {
      const types = [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign];
      flight.push(this.outgoing(HandshakeType.certificate_request, encodeCertificateRequest(types, s.signatureSchemes)));
      this.clientCertificateRequested = true;
    }
    flight.push(this.outgoing(HandshakeType.server_hello_done, new Uint8Array(0)));
    this.host.sendFlight(flight, now, false);
    this.state = this.clientCertificateRequested ? 'wait-certificate' : 'wait-client-key-exchange';
  }

  private onCertificate(msg: HandshakeMessage): void {
    this.expect(msg, HandshakeType.certificate);
    const chain = decodeCertificateMessage(msg.body);
    if (chain.length === 0) throw new HandshakeFailure(AlertDescription.handshake_failure, 'client sent no certificate');
    this.acceptPeerCertificate(chain);
    this.record(msg);
    this.state = 'wait-client-key-exchange';
  }

  private onClientKeyExchange(msg: HandshakeMessage): void {
    this.expect(msg, HandshakeType.client_key_exchange);
    const point = decodeClientKeyExchange(msg.body);
    const shared = this.ecdhe!.computeSharedSecret(point);
    if (shared === undefined) throw new HandshakeFailure(AlertDescription.illegal_parameter, 'invalid client ECDHE public key');
    this.preMasterSecret = shared;
    this.record(msg);
    this.deriveKeys();
    this.state = this.remoteCertificate !== undefined ? 'wait-certificate-verify' : 'wait-finished';
  }

  private onCertificateVerify(msg: HandshakeMessage): void {
    this.expect(msg, HandshakeType.certificate_verify);
    const cv = decodeCertificateVerify(msg.body);
    const key = this.remotePublicKey!;
    if (!this.host.settings.signatureSchemes.includes(cv.signatureScheme) || !schemeFitsKey(cv.signatureScheme, key.asymmetricKeyType)) {
      throw new HandshakeFailure(AlertDescription.illegal_parameter, `CertificateVerify scheme ${cv.signatureScheme} not requested`);
    }
    if (!verifyWithScheme(cv.signatureScheme, key, this.transcriptBytes(), cv.signature)) {
      throw new HandshakeFailure(AlertDescription.decrypt_error, 'CertificateVerify signature does not verify');
    }
    this.record(msg);
    this.state = 'wait-finished';
  }

  private onFinished(msg: HandshakeMessage, now: number): void {
    this.checkPeerFinished(msg);
    this.host.peerFlightComplete(msg.messageSeq);
    const flight: FlightEntry[] = [{ kind: 'change_cipher_spec', epoch: 0 }, this.outgoing(HandshakeType.finished, this.verifyData('server'), 1)];
    this.state = 'done';
    this.host.complete(this.result(), now, flight);
  }
}
