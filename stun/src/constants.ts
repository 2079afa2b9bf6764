/**
 * STUN registry values: message classes and methods (RFC 8489 §5, RFC 8656 §17) and
 * attribute types (RFC 8489 §18.3, RFC 8445 §16.1, RFC 8656 §18).
 */

/** RFC 8489 §5: fixed value in bytes 4..7 of every message. */
export const MAGIC_COOKIE = 0x2112a442;
/** RFC 8489 §5: the header is 20 bytes (type, length, cookie, 96-bit transaction ID). */
export const HEADER_LENGTH = 20;
/** FINGERPRINT value = CRC-32 XOR this constant ("STUN" in ASCII), RFC 8489 §14.7. */
export const FINGERPRINT_XOR = 0x5354554e;

/** The two class bits C1 C0 of the message type (RFC 8489 §5). */
export const StunClass = {
  REQUEST: 0b00,
  INDICATION: 0b01,
  SUCCESS_RESPONSE: 0b10,
  ERROR_RESPONSE: 0b11,
} as const;
export type StunClass = (typeof StunClass)[keyof typeof StunClass];

/** Methods: Binding (RFC 8489) and the TURN methods (RFC 8656 §17). */
export const StunMethod = {
  BINDING: 0x001,
  ALLOCATE: 0x003,
  REFRESH: 0x004,
  SEND: 0x006,
  DATA: 0x007,
  CREATE_PERMISSION: 0x008,
  CHANNEL_BIND: 0x009,
} as const;
export type StunMethod = (typeof StunMethod)[keyof typeof StunMethod];

/**
 * Attribute types. Types 0x0000–0x7FFF are comprehension-required, 0x8000–0xFFFF
 * comprehension-optional (RFC 8489 §14).
 */
export const StunAttr = {
  // RFC 8489 §18.3.1 (comprehension-required)
  MAPPED_ADDRESS: 0x0001,
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  REALM: 0x0014,
  NONCE: 0x0015,
  MESSAGE_INTEGRITY_SHA256: 0x001c,
  PASSWORD_ALGORITHM: 0x001d,
  USERHASH: 0x001e,
  XOR_MAPPED_ADDRESS: 0x0020,
  // RFC 8656 §18 (TURN)
  CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  DATA: 0x0013,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_ADDRESS_FAMILY: 0x0017,
  EVEN_PORT: 0x0018,
  REQUESTED_TRANSPORT: 0x0019,
  DONT_FRAGMENT: 0x001a,
  RESERVATION_TOKEN: 0x0022,
  // RFC 8445 §16.1 (ICE)
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  // RFC 8489 §18.3.2 (comprehension-optional)
  PASSWORD_ALGORITHMS: 0x8002,
  ALTERNATE_DOMAIN: 0x8003,
  SOFTWARE: 0x8022,
  ALTERNATE_SERVER: 0x8023,
  FINGERPRINT: 0x8028,
  // RFC 8445 §16.1
  ICE_CONTROLLED: 0x8029,
  ICE_CONTROLLING: 0x802a,
  // RFC 8656 §18
  ADDITIONAL_ADDRESS_FAMILY: 0x8000,
  ADDRESS_ERROR_CODE: 0x8001,
  ICMP: 0x8004,
  // Chromium's vendor attribute (seen in every Chromium check; network id and cost)
  GOOG_NETWORK_INFO: 0xc057,
} as const;
export type StunAttr = (typeof StunAttr)[keyof typeof StunAttr];

/** True for types 0x0000–0x7FFF, which an agent must understand (RFC 8489 §14). */
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}

/**
 * Comprehension-required types this package understands; any other type below 0x8000 in a
 * message is reported in `StunMessage.unknownComprehensionRequired`.
 */
export const KNOWN_REQUIRED = new Uint8Array(0x8000);
for (const t of Object.values(StunAttr)) if (t < 0x8000) KNOWN_REQUIRED[t] = 1;

/**
 * RFC 8489 §5: the 14-bit message type interleaves the 12 method bits M11..M0 with the
 * class bits C1 (bit 8) and C0 (bit 4).
 */
export function messageType(method: number, messageClass: number): number {
  return (
    (method & 0x000f) |
    ((method & 0x0070) << 1) |
    ((method & 0x0f80) << 2) |
    ((messageClass & 0b01) << 4) |
    ((messageClass & 0b10) << 7)
  );
}

/** Method bits M11..M0 of a message type. */
export function methodOf(type: number): number {
  return (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
}

/** Class bits C1 C0 of a message type. */
export function classOf(type: number): StunClass {
  return (((type >> 4) & 0b01) | ((type >> 7) & 0b10)) as StunClass;
}
