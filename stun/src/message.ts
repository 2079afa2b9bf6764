/**
 * Decoding: `decodeStun(bytes)` checks the header and walks the attributes once, recording
 * their offsets; `StunMessage` is a view over the received bytes whose getters materialise a
 * value only when asked (RFC 8489 §5, §14).
 */
import { readAddress, type TransportAddress } from './address.js';
import { HEADER_LENGTH, KNOWN_REQUIRED, MAGIC_COOKIE, StunAttr, classOf, methodOf, type StunClass } from './constants.js';
import { StunError } from './errors.js';
import { readUtf8 } from './text.js';

const NONE: readonly number[] = Object.freeze([]);

/** ERROR-CODE value (RFC 8489 §14.8): code 300–699 and the reason phrase. */
export interface StunErrorCodeValue {
  code: number;
  reason: string;
}

/** One entry of PASSWORD-ALGORITHM(S) (RFC 8489 §14.11, §14.12). */
export interface StunPasswordAlgorithmValue {
  algorithm: number;
  parameters: Uint8Array;
}

/** Reads a list of (algorithm 16 | parameters length 16 | parameters, padded) entries. */
function readPasswordAlgorithms(raw: Uint8Array, start: number, length: number): StunPasswordAlgorithmValue[] {
  const out: StunPasswordAlgorithmValue[] = [];
  const end = start + length;
  let p = start;
  while (p < end) {
    if (p + 4 > end) throw new StunError('bad-attribute', 'truncated password algorithm entry', p);
    const plen = (raw[p + 2] << 8) | raw[p + 3];
    if (p + 4 + plen > end) throw new StunError('bad-attribute', `password algorithm parameters of ${plen} bytes`, p);
    out.push({ algorithm: (raw[p] << 8) | raw[p + 1], parameters: raw.subarray(p + 4, p + 4 + plen) });
    p += 4 + ((plen + 3) & ~3);
  }
  return out;
}

export class StunMessage {
  /** The whole message as received (not copied). */
  readonly raw: Uint8Array;
  /** The 14-bit message type. */
  readonly type: number;
  readonly method: number;
  readonly messageClass: StunClass;
  /**
   * Comprehension-required attribute types (< 0x8000) this package does not know, in order of
   * appearance (RFC 8489 §6.3.1: a request carrying one gets a 420 with UNKNOWN-ATTRIBUTES).
   */
  readonly unknownComprehensionRequired: readonly number[];
  /** Byte offset of the MESSAGE-INTEGRITY attribute header, or -1. */
  readonly integrityOffset: number;
  /** Byte offset of the MESSAGE-INTEGRITY-SHA256 attribute header, or -1. */
  readonly integritySha256Offset: number;
  /** Byte offset of the FINGERPRINT attribute header, or -1. */
  readonly fingerprintOffset: number;
  /**
   * The attribute index: the header offset of each attribute that counts (RFC 8489 §14.5:
   * after MESSAGE-INTEGRITY only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT; nothing after
   * FINGERPRINT). Type and length are read from the header bytes when needed.
   */
  private readonly index: number[];
  private tid: Uint8Array | undefined;

  /** Use `decodeStun`. */
  constructor(
    raw: Uint8Array,
    type: number,
    index: number[],
    unknown: readonly number[],
    integrityOffset: number,
    integritySha256Offset: number,
    fingerprintOffset: number,
  ) {
    this.raw = raw;
    this.type = type;
    this.method = methodOf(type);
    this.messageClass = classOf(type);
    this.index = index;
    this.unknownComprehensionRequired = unknown;
    this.integrityOffset = integrityOffset;
    this.integritySha256Offset = integritySha256Offset;
    this.fingerprintOffset = fingerprintOffset;
    this.tid = undefined;
  }

  /** The 96-bit transaction ID: a view of raw[8..20). */
  get transactionId(): Uint8Array {
    return (this.tid ??= this.raw.subarray(8, 20));
  }

  /** Number of indexed attributes. */
  get attributeCount(): number {
    return this.index.length;
  }

  /** Type of the i-th indexed attribute (wire order). */
  attributeType(i: number): number {
    const p = this.index[i];
    return (this.raw[p] << 8) | this.raw[p + 1];
  }

  /** Value of the i-th indexed attribute (a view, padding excluded). */
  attributeValue(i: number): Uint8Array {
    const p = this.index[i];
    return this.raw.subarray(p + 4, p + 4 + this.lengthAt(p));
  }

  /** Every indexed attribute in wire order, unknown ones included (values are views). */
  *attributes(): IterableIterator<{ type: number; value: Uint8Array }> {
    for (let i = 0; i < this.index.length; i++) yield { type: this.attributeType(i), value: this.attributeValue(i) };
  }

  /** Whether an attribute of this type is present. */
  has(type: number): boolean {
    return this.find(type) >= 0;
  }

  /** Value of the first attribute of this type (a view), or undefined. */
  attribute(type: number): Uint8Array | undefined {
    const p = this.find(type);
    if (p < 0) return undefined;
    return this.raw.subarray(p + 4, p + 4 + this.lengthAt(p));
  }

  /** Header offset of the first indexed attribute of a type, or -1. */
  private find(type: number): number {
    const idx = this.index;
    const raw = this.raw;
    const hi = type >> 8;
    const lo = type & 0xff;
    for (let i = 0; i < idx.length; i++) {
      const p = idx[i];
      if (raw[p + 1] === lo && raw[p] === hi) return p;
    }
    return -1;
  }

  /** Value length of the attribute whose header is at p. */
  private lengthAt(p: number): number {
    return (this.raw[p + 2] << 8) | this.raw[p + 3];
  }

  /** Value offset of a fixed-size attribute, -1 if absent; throws if its size is wrong. */
  private fixed(type: number, size: number): number {
    const p = this.find(type);
    if (p < 0) return -1;
    const len = this.lengthAt(p);
    if (len !== size) throw new StunError('bad-attribute', `attribute 0x${type.toString(16)} has ${len} bytes, expected ${size}`, p);
    return p + 4;
  }

  private u32(type: number): number | undefined {
    const o = this.fixed(type, 4);
    if (o < 0) return undefined;
    const r = this.raw;
    return ((r[o] << 24) | (r[o + 1] << 16) | (r[o + 2] << 8) | r[o + 3]) >>> 0;
  }

  private u64(type: number): bigint | undefined {
    const o = this.fixed(type, 8);
    if (o < 0) return undefined;
    const r = this.raw;
    const hi = ((r[o] << 24) | (r[o + 1] << 16) | (r[o + 2] << 8) | r[o + 3]) >>> 0;
    const lo = ((r[o + 4] << 24) | (r[o + 5] << 16) | (r[o + 6] << 8) | r[o + 7]) >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  private text(type: number): string | undefined {
    const p = this.find(type);
    if (p < 0) return undefined;
    return readUtf8(this.raw, p + 4, p + 4 + this.lengthAt(p));
  }

  private address(type: number, xor: boolean): TransportAddress | undefined {
    const p = this.find(type);
    if (p < 0) return undefined;
    return readAddress(this.raw, p + 4, this.lengthAt(p), xor);
  }

  /** USERNAME (RFC 8489 §14.3); in ICE `<receiver ufrag>:<sender ufrag>`. */
  username(): string | undefined {
    return this.text(StunAttr.USERNAME);
  }
  /** REALM (RFC 8489 §14.9). */
  realm(): string | undefined {
    return this.text(StunAttr.REALM);
  }
  /** NONCE (RFC 8489 §14.10). */
  nonce(): string | undefined {
    return this.text(StunAttr.NONCE);
  }
  /** SOFTWARE (RFC 8489 §14.14). */
  software(): string | undefined {
    return this.text(StunAttr.SOFTWARE);
  }
  /** PRIORITY (RFC 8445 §7.1.1), a 32-bit unsigned integer. */
  priority(): number | undefined {
    return this.u32(StunAttr.PRIORITY);
  }
  /** USE-CANDIDATE (RFC 8445 §7.1.2): present or not (empty value). */
  useCandidate(): boolean {
    return this.find(StunAttr.USE_CANDIDATE) >= 0;
  }
  /** ICE-CONTROLLING tie-breaker (RFC 8445 §7.1.3), 64 bits. */
  iceControlling(): bigint | undefined {
    return this.u64(StunAttr.ICE_CONTROLLING);
  }
  /** ICE-CONTROLLED tie-breaker (RFC 8445 §7.1.3), 64 bits. */
  iceControlled(): bigint | undefined {
    return this.u64(StunAttr.ICE_CONTROLLED);
  }
  /** XOR-MAPPED-ADDRESS (RFC 8489 §14.2). */
  xorMappedAddress(): TransportAddress | undefined {
    return this.address(StunAttr.XOR_MAPPED_ADDRESS, true);
  }
  /** MAPPED-ADDRESS (RFC 8489 §14.1). */
  mappedAddress(): TransportAddress | undefined {
    return this.address(StunAttr.MAPPED_ADDRESS, false);
  }
  /** ALTERNATE-SERVER (RFC 8489 §14.15), same layout as MAPPED-ADDRESS. */
  alternateServer(): TransportAddress | undefined {
    return this.address(StunAttr.ALTERNATE_SERVER, false);
  }
  /** XOR-PEER-ADDRESS (RFC 8656 §18.3). */
  xorPeerAddress(): TransportAddress | undefined {
    return this.address(StunAttr.XOR_PEER_ADDRESS, true);
  }
  /** XOR-RELAYED-ADDRESS (RFC 8656 §18.5). */
  xorRelayedAddress(): TransportAddress | undefined {
    return this.address(StunAttr.XOR_RELAYED_ADDRESS, true);
  }
  /** ERROR-CODE (RFC 8489 §14.8): class × 100 + number, and the UTF-8 reason phrase. */
  errorCode(): StunErrorCodeValue | undefined {
    const p = this.find(StunAttr.ERROR_CODE);
    if (p < 0) return undefined;
    const o = p + 4;
    const len = this.lengthAt(p);
    if (len < 4) throw new StunError('bad-attribute', `ERROR-CODE of ${len} bytes`, o - 4);
    const cls = this.raw[o + 2] & 0x07;
    const num = this.raw[o + 3];
    if (cls < 3 || cls > 6 || num > 99) throw new StunError('bad-attribute', `ERROR-CODE class ${cls} number ${num}`, o + 2);
    return { code: cls * 100 + num, reason: readUtf8(this.raw, o + 4, o + len) };
  }
  /** UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): the list of 16-bit types. */
  unknownAttributes(): number[] | undefined {
    const p = this.find(StunAttr.UNKNOWN_ATTRIBUTES);
    if (p < 0) return undefined;
    const o = p + 4;
    const len = this.lengthAt(p);
    if (len & 1) throw new StunError('bad-attribute', `UNKNOWN-ATTRIBUTES of ${len} bytes`, o - 4);
    const out: number[] = [];
    for (let p = o; p < o + len; p += 2) out.push((this.raw[p] << 8) | this.raw[p + 1]);
    return out;
  }
  /** LIFETIME in seconds (RFC 8656 §18.2). */
  lifetime(): number | undefined {
    return this.u32(StunAttr.LIFETIME);
  }
  /** DATA (RFC 8656 §18.4): a view of the payload. */
  data(): Uint8Array | undefined {
    return this.attribute(StunAttr.DATA);
  }
  /** CHANNEL-NUMBER (RFC 8656 §18.1): the 16-bit channel (the RFFU half is ignored). */
  channelNumber(): number | undefined {
    const o = this.fixed(StunAttr.CHANNEL_NUMBER, 4);
    if (o < 0) return undefined;
    return (this.raw[o] << 8) | this.raw[o + 1];
  }
  /** REQUESTED-TRANSPORT (RFC 8656 §18.7): the IP protocol number (17 = UDP). */
  requestedTransport(): number | undefined {
    const o = this.fixed(StunAttr.REQUESTED_TRANSPORT, 4);
    if (o < 0) return undefined;
    return this.raw[o];
  }
  /** DONT-FRAGMENT (RFC 8656 §18.8): present or not. */
  dontFragment(): boolean {
    return this.find(StunAttr.DONT_FRAGMENT) >= 0;
  }
  /** USERHASH (RFC 8489 §14.4): the 32-byte SHA-256 value (a view). */
  userHash(): Uint8Array | undefined {
    const o = this.fixed(StunAttr.USERHASH, 32);
    return o < 0 ? undefined : this.raw.subarray(o, o + 32);
  }
  /** PASSWORD-ALGORITHM (RFC 8489 §14.12): the algorithm number and its parameters (a view). */
  passwordAlgorithm(): StunPasswordAlgorithmValue | undefined {
    const p = this.find(StunAttr.PASSWORD_ALGORITHM);
    if (p < 0) return undefined;
    const list = readPasswordAlgorithms(this.raw, p + 4, this.lengthAt(p));
    if (list.length !== 1) throw new StunError('bad-attribute', 'PASSWORD-ALGORITHM holds more than one algorithm', p);
    return list[0];
  }
  /** PASSWORD-ALGORITHMS (RFC 8489 §14.11): the server's list, in order of preference. */
  passwordAlgorithms(): StunPasswordAlgorithmValue[] | undefined {
    const p = this.find(StunAttr.PASSWORD_ALGORITHMS);
    if (p < 0) return undefined;
    return readPasswordAlgorithms(this.raw, p + 4, this.lengthAt(p));
  }
  /** FINGERPRINT value as carried (not checked: see `verifyFingerprint`). */
  fingerprint(): number | undefined {
    return this.u32(StunAttr.FINGERPRINT);
  }
}

/**
 * Decodes one STUN message occupying all of `bytes` (a UDP datagram). Zero-copy: the result
 * views `bytes`, which the caller must not modify while using it. Throws `StunError` on a
 * malformed header or attribute framing; attribute values are checked when read.
 */
export function decodeStun(bytes: Uint8Array): StunMessage {
  const n = bytes.length;
  if (n < HEADER_LENGTH) throw new StunError('truncated', `${n} bytes, a STUN header needs 20`, 0);
  if (bytes[0] & 0xc0) throw new StunError('not-stun', 'the two leading bits are not zero', 0);
  const cookie = ((bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7]) >>> 0;
  if (cookie !== MAGIC_COOKIE) throw new StunError('bad-magic-cookie', `0x${cookie.toString(16)}`, 4);
  const length = (bytes[2] << 8) | bytes[3];
  if (length + HEADER_LENGTH !== n) {
    throw new StunError('bad-length', `header says ${length + HEADER_LENGTH} bytes, datagram has ${n}`, 2);
  }
  // A length that is not a multiple of 4 shows up below as an unpadded last attribute.

  const index: number[] = [];
  let unknown: readonly number[] = NONE;
  let mi = -1;
  let mi256 = -1;
  let fp = -1;
  let p = HEADER_LENGTH;
  while (p < n) {
    if (p + 4 > n) throw new StunError('attribute-overrun', `${n - p} bytes left, an attribute header needs 4`, p);
    const type = (bytes[p] << 8) | bytes[p + 1];
    const len = (bytes[p + 2] << 8) | bytes[p + 3];
    const v = p + 4;
    if (v + len > n) throw new StunError('attribute-overrun', `attribute 0x${type.toString(16)} of ${len} bytes`, p);
    const next = v + ((len + 3) & ~3);
    if (next > n) throw new StunError('bad-padding', `attribute 0x${type.toString(16)} is not padded to 4 bytes`, p);
    // RFC 8489 §14.5/§14.6/§14.7: what follows MESSAGE-INTEGRITY is ignored except
    // MESSAGE-INTEGRITY-SHA256 and FINGERPRINT; nothing may follow FINGERPRINT.
    const counts = fp < 0 && (type === StunAttr.FINGERPRINT || (mi256 < 0 && (mi < 0 || type === StunAttr.MESSAGE_INTEGRITY_SHA256)));
    if (counts) {
      index.push(p);
      if (type === StunAttr.MESSAGE_INTEGRITY) mi = p;
      else if (type === StunAttr.MESSAGE_INTEGRITY_SHA256) mi256 = p;
      else if (type === StunAttr.FINGERPRINT) fp = p;
      else if (type < 0x8000 && KNOWN_REQUIRED[type] === 0) {
        if (unknown === NONE) unknown = [];
        (unknown as number[]).push(type);
      }
    }
    p = next;
  }
  return new StunMessage(bytes, (bytes[0] << 8) | bytes[1], index, unknown, mi, mi256, fp);
}
