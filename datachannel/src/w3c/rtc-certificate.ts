/** W3C webrtc-pc §4.9 RTCCertificate, over a @tsrtc/dtls certificate (ECDSA P-256). */
import { generateCertificate, type DtlsCertificate } from '@tsrtc/dtls';
import { secureRandom, wallClockNow } from '../driver/clock.js';

export interface RTCDtlsFingerprint {
  algorithm: string;
  value: string;
}

const DAY_MS = 86_400_000;
/** A shared default certificate this close to its expiry is replaced for new connections. */
const SHARED_RENEW_MARGIN_MS = DAY_MS;

let shared: RTCCertificate | undefined;

export class RTCCertificate {
  readonly #certificate: DtlsCertificate;

  /** @internal — use RTCPeerConnection.generateCertificate() */
  constructor(certificate: DtlsCertificate) {
    this.#certificate = certificate;
  }

  get expires(): number {
    return this.#certificate.expires;
  }

  getFingerprints(): RTCDtlsFingerprint[] {
    const fp = this.#certificate.fingerprint('sha-256');
    return [{ algorithm: fp.algorithm, value: fp.value.toLowerCase() }];
  }

  /** @internal the DTLS identity */
  get _dtls(): DtlsCertificate {
    return this.#certificate;
  }

  /**
   * The process-wide default identity of connections configured without `certificates`
   * (generated on first use, ECDSA P-256, 30 days; replaced once less than a day is left).
   * Generating one per connection costs a key pair and a signature (~0.4 ms) on the setup path.
   * Sharing it is what a server does with its TLS key: the handshake keys still come from a
   * fresh ECDHE exchange per connection and the fingerprint in each description still
   * authenticates it (RFC 8827 §6.5); what the peer can see is that two connections come from
   * the same process. `tsrtc.certificate: 'per-connection'` restores W3C's default (a new
   * certificate per RTCPeerConnection).
   */
  static shared(now: number = wallClockNow()): RTCCertificate {
    if (shared === undefined || shared.expires - now < SHARED_RENEW_MARGIN_MS) {
      shared = RTCCertificate.generate({ name: 'ECDSA', namedCurve: 'P-256' });
    }
    return shared;
  }

  /**
   * W3C generateCertificate(keygenAlgorithm): ECDSA P-256 only ('ECDSA' with namedCurve
   * 'P-256'); RSA → NotSupportedError. `expires` (ms from now) defaults to 30 days.
   */
  static generate(keygenAlgorithm: string | { name: string; namedCurve?: string; expires?: number }): RTCCertificate {
    const alg = typeof keygenAlgorithm === 'string' ? { name: keygenAlgorithm } : keygenAlgorithm ?? { name: '' };
    const name = String(alg.name ?? '').toUpperCase();
    if (name !== 'ECDSA' || (alg.namedCurve !== undefined && alg.namedCurve !== 'P-256')) {
      throw new DOMException(`generateCertificate: only ECDSA P-256 is supported, not ${JSON.stringify(keygenAlgorithm)}`, 'NotSupportedError');
    }
    const now = wallClockNow();
    const lifetime = alg.expires ?? 30 * DAY_MS;
    return new RTCCertificate(generateCertificate({ now, expires: now + lifetime, random: secureRandom }));
  }
}
