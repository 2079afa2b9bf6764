import { createHash, createPrivateKey, generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto';
import * as der from './der.js';
import { DtlsError } from './errors.js';
import { computeFingerprint, type CertificateFingerprint } from './fingerprint.js';

const OID_EC_PUBLIC_KEY_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
const OID_COMMON_NAME = '2.5.4.3';
const DAY_MS = 86_400_000;
/** RFC 5280 §4.1.2.5: 99991231235959Z means "no well-defined expiration date". */
const NO_EXPIRATION_MS = Date.UTC(9999, 11, 31, 23, 59, 59);
/** notBefore when the caller gives no clock reading (engines never read the clock). */
const DEFAULT_NOT_BEFORE_MS = Date.UTC(2025, 0, 1);

export interface GenerateCertificateOptions {
  /** Current time in ms since the Unix epoch. With it: notBefore = now − 1 day, expires = now + 30 days. */
  now?: number;
  /** Validity start, ms since the Unix epoch. */
  notBefore?: number;
  /** Validity end (W3C RTCCertificate.expires), ms since the Unix epoch. */
  expires?: number;
  /** Fills the serial number; without it the serial is derived from the public key. */
  random?: (out: Uint8Array) => void;
  /** Subject and issuer common name (default "WebRTC", as browsers use). */
  commonName?: string;
}

/**
 * A local DTLS identity: private key + X.509 certificate (W3C RTCCertificate semantics:
 * `expires`, fingerprints of the DER certificate).
 */
export class DtlsCertificate {
  /** The certificate's public key type: 'ec' (P-256) or 'rsa'. */
  readonly keyType: 'ec' | 'rsa';

  constructor(
    readonly privateKey: KeyObject,
    /** The certificate in DER, as sent in the Certificate message. */
    readonly der: Uint8Array,
    /** End of validity, ms since the Unix epoch. */
    readonly expires: number,
  ) {
    const t = privateKey.asymmetricKeyType;
    if (t === 'ec') {
      if (privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new DtlsError('bad-certificate', 'only P-256 EC keys are supported');
    } else if (t !== 'rsa') {
      throw new DtlsError('bad-certificate', `unsupported key type ${String(t)}`);
    }
    this.keyType = t;
  }

  /** Accept a given key and certificate (PEM). The key must be EC P-256 or RSA and match the certificate. */
  static fromPem(keyPem: string, certPem: string): DtlsCertificate {
    let key: KeyObject, cert: X509Certificate;
    try {
      key = createPrivateKey(keyPem);
      cert = new X509Certificate(certPem);
    } catch (e) {
      throw new DtlsError('bad-certificate', `cannot parse key or certificate: ${(e as Error).message}`);
    }
    if (!cert.checkPrivateKey(key)) throw new DtlsError('bad-certificate', 'the private key does not match the certificate');
    return new DtlsCertificate(key, new Uint8Array(cert.raw), Date.parse(cert.validTo));
  }

  /** `{ algorithm, value: 'AB:CD:…' }` of the DER certificate (computed once per algorithm). */
  fingerprint(algorithm = 'sha-256'): CertificateFingerprint {
    let fp = this.fingerprints.get(algorithm);
    if (fp === undefined) {
      fp = computeFingerprint(this.der, algorithm);
      if (fp === undefined) throw new DtlsError('bad-argument', `unknown fingerprint algorithm ${algorithm}`);
      this.fingerprints.set(algorithm, fp);
    }
    return { ...fp };
  }

  /** one certificate serves many connections (tsrtc shares one per process): hash its DER once */
  private readonly fingerprints = new Map<string, CertificateFingerprint>();

  /** W3C RTCCertificate.getFingerprints(): one sha-256 fingerprint. */
  getFingerprints(): CertificateFingerprint[] {
    return [this.fingerprint('sha-256')];
  }
}

/**
 * Generate a self-signed ECDSA P-256 certificate (v3, no extensions, CN "WebRTC", signed with
 * ecdsa-with-SHA256): the certificate WebRTC endpoints use, identified by its fingerprint only.
 */
export function generateCertificate(options: GenerateCertificateOptions = {}): DtlsCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const notBefore = options.notBefore ?? (options.now !== undefined ? options.now - DAY_MS : DEFAULT_NOT_BEFORE_MS);
  const expires = options.expires ?? (options.now !== undefined ? options.now + 30 * DAY_MS : NO_EXPIRATION_MS);
  if (!(expires > notBefore)) throw new DtlsError('bad-argument', 'expires must be after notBefore');

  const serial = new Uint8Array(16);
  if (options.random) options.random(serial);
  else serial.set(createHash('sha256').update(spki).digest().subarray(0, 16));
  serial[0] &= 0x7f; // positive (RFC 5280 §4.1.2.2)
  serial[0] |= 0x01; // and non-zero

  const algorithm = der.sequence(der.objectIdentifier(OID_EC_PUBLIC_KEY_ECDSA_WITH_SHA256));
  const name = der.sequence(der.set(der.sequence(der.objectIdentifier(OID_COMMON_NAME), der.utf8String(options.commonName ?? 'WebRTC'))));
  const tbs = der.sequence(
    der.explicit(0, der.smallInteger(2)), // version v3
    der.unsignedInteger(serial),
    algorithm,
    name,
    der.sequence(der.time(notBefore), der.time(expires)),
    name,
    spki,
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = der.sequence(tbs, algorithm, der.bitString(signature));
  return new DtlsCertificate(privateKey, cert, expires);
}
