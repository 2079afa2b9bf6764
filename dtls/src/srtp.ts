/**
 * SRTPProtectionProfile values for use_srtp (RFC 5764 §4.1.2, RFC 7714 §14.2). The DTLS
 * layer only negotiates the profile; SRTP keys come from the exporter ("EXTRACTOR-dtls_srtp").
 */
export const SrtpProfile = {
  SRTP_AES128_CM_HMAC_SHA1_80: 0x0001,
  SRTP_AES128_CM_HMAC_SHA1_32: 0x0002,
  SRTP_AEAD_AES_128_GCM: 0x0007,
  SRTP_AEAD_AES_256_GCM: 0x0008,
} as const;

export function srtpProfileName(id: number): string | undefined {
  for (const [name, value] of Object.entries(SrtpProfile)) if (value === id) return name;
  return undefined;
}

/** Default offer / acceptance order. */
export const DEFAULT_SRTP_PROFILES: readonly number[] = [
  SrtpProfile.SRTP_AEAD_AES_128_GCM,
  SrtpProfile.SRTP_AEAD_AES_256_GCM,
  SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80,
];
