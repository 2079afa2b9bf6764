/**
 * Encoding: `StunWriter` writes a message in place into one reusable buffer, attribute by
 * attribute, then appends MESSAGE-INTEGRITY / MESSAGE-INTEGRITY-SHA256 / FINGERPRINT in the
 * order RFC 8489 §14.5–§14.7 requires, fixing the header length before each.
 */
import { addressValueLength, writeAddress, type TransportAddress } from './address.js';
import { HEADER_LENGTH, StunAttr, messageType } from './constants.js';
import { StunError } from './errors.js';
import { computeFingerprint, computeMessageIntegrity, computeMessageIntegritySha256, type StunKey } from './integrity.js';
import { utf8Length, writeUtf8 } from './text.js';

export interface StunFinishOptions {
  /** Append MESSAGE-INTEGRITY (HMAC-SHA1) with this key (`shortTermKey` / `longTermKey`). */
  integrityKey?: StunKey;
  /** Append MESSAGE-INTEGRITY-SHA256 (full 32 bytes) with this key. */
  integritySha256Key?: StunKey;
  /** Append FINGERPRINT (last). */
  fingerprint?: boolean;
}

export interface StunWriterOptions {
  /**
   * Value of the padding bytes after attributes that are not a multiple of 4 long. RFC 8489
   * §14 says they may be anything and are ignored; default 0. RFC 5769's vectors use 0x20.
   */
  paddingByte?: number;
}

const MASK_32 = 0xffffffffn;
const EMPTY = new Uint8Array(0);

/**
 * Output pool for `finish()`: each message is copied into a shared slab, as Node's Buffer pool
 * does, because a fresh ArrayBuffer per message costs more than writing the message. A message
 * keeps its slab (16 KiB) alive while referenced; large messages get their own buffer.
 */
const SLAB_SIZE = 16384;
let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;
function allocateOutput(n: number): Uint8Array {
  if (n > SLAB_SIZE >> 3) return new Uint8Array(n);
  if (slabUsed + n > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, n);
  slabUsed += (n + 7) & ~7;
  return out;
}

export class StunWriter {
  private buf: Uint8Array;
  private pos = 0;
  private readonly paddingByte: number;

  constructor(capacity = 548, options: StunWriterOptions = {}) {
    this.buf = new Uint8Array(Math.max(capacity, HEADER_LENGTH));
    this.paddingByte = options.paddingByte ?? 0;
  }

  /** Starts a message: writes the header (length fixed later). `transactionId` is 12 bytes. */
  begin(method: number, messageClass: number, transactionId: Uint8Array): this {
    if (transactionId.length !== 12) throw new StunError('bad-argument', `transaction ID of ${transactionId.length} bytes, expected 12`);
    const b = this.buf;
    const t = messageType(method, messageClass);
    b[0] = t >> 8;
    b[1] = t & 0xff;
    b[2] = 0;
    b[3] = 0;
    b[4] = 0x21;
    b[5] = 0x12;
    b[6] = 0xa4;
    b[7] = 0x42;
    b.set(transactionId, 8);
    this.pos = HEADER_LENGTH;
    return this;
  }

  /** Bytes written so far (header included). */
  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    if (this.pos === 0) throw new StunError('bad-argument', 'StunWriter: call begin() first');
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** Writes a 4-byte attribute header and returns the value offset; room for the padded value is ensured. */
  private header(type: number, length: number): number {
    if (length > 0xffff) throw new StunError('bad-argument', `attribute 0x${type.toString(16)} of ${length} bytes`);
    this.ensure(4 + ((length + 3) & ~3));
    const b = this.buf;
    const p = this.pos;
    b[p] = type >> 8;
    b[p + 1] = type & 0xff;
    b[p + 2] = length >> 8;
    b[p + 3] = length & 0xff;
    return p + 4;
  }

  /** Ends an attribute whose value (of `length` bytes) starts at `v`, padding it to 4 bytes. */
  private end(v: number, length: number): this {
    let p = v + length;
    const padded = v + ((length + 3) & ~3);
    while (p < padded) this.buf[p++] = this.paddingByte;
    this.pos = padded;
    return this;
  }

  /** Any attribute, value given as bytes (copied). Use this to re-emit unknown attributes. */
  attribute(type: number, value: Uint8Array): this {
    const v = this.header(type, value.length);
    this.buf.set(value, v);
    return this.end(v, value.length);
  }

  private text(type: number, s: string): this {
    const n = utf8Length(s);
    const v = this.header(type, n);
    writeUtf8(s, this.buf, v);
    return this.end(v, n);
  }

  private u32(type: number, n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new StunError('bad-argument', `attribute 0x${type.toString(16)}: ${n} is not a 32-bit unsigned integer`);
    const v = this.header(type, 4);
    const b = this.buf;
    b[v] = n >>> 24;
    b[v + 1] = (n >>> 16) & 0xff;
    b[v + 2] = (n >>> 8) & 0xff;
    b[v + 3] = n & 0xff;
    return this.end(v, 4);
  }

  private u64(type: number, x: bigint): this {
    if (x < 0n || x > 0xffffffffffffffffn) throw new StunError('bad-argument', `attribute 0x${type.toString(16)}: not a 64-bit unsigned integer`);
    const hi = Number(x >> 32n);
    const lo = Number(x & MASK_32);
    const v = this.header(type, 8);
    const b = this.buf;
    b[v] = hi >>> 24;
    b[v + 1] = (hi >>> 16) & 0xff;
    b[v + 2] = (hi >>> 8) & 0xff;
    b[v + 3] = hi & 0xff;
    b[v + 4] = lo >>> 24;
    b[v + 5] = (lo >>> 16) & 0xff;
    b[v + 6] = (lo >>> 8) & 0xff;
    b[v + 7] = lo & 0xff;
    return this.end(v, 8);
  }

  private empty(type: number): this {
    const v = this.header(type, 0);
    return this.end(v, 0);
  }

  private address(type: number, addr: TransportAddress, xor: boolean): this {
    const n = addressValueLength(addr);
    const v = this.header(type, n);
    writeAddress(this.buf, v, addr, xor, this.buf);
    return this.end(v, n);
  }

  /** USERNAME (RFC 8489 §14.3). */
  username(s: string): this {
    return this.text(StunAttr.USERNAME, s);
  }
  /** REALM (RFC 8489 §14.9). */
  realm(s: string): this {
    return this.text(StunAttr.REALM, s);
  }
  /** NONCE (RFC 8489 §14.10). */
  nonce(s: string): this {
    return this.text(StunAttr.NONCE, s);
  }
  /** SOFTWARE (RFC 8489 §14.14). */
  software(s: string): this {
    return this.text(StunAttr.SOFTWARE, s);
  }
  /** PRIORITY (RFC 8445 §7.1.1). */
  priority(n: number): this {
    return this.u32(StunAttr.PRIORITY, n);
  }
  /** USE-CANDIDATE (RFC 8445 §7.1.2). */
  useCandidate(): this {
    return this.empty(StunAttr.USE_CANDIDATE);
  }
  /** ICE-CONTROLLING with a 64-bit tie-breaker (RFC 8445 §7.1.3). */
  iceControlling(tieBreaker: bigint): this {
    return this.u64(StunAttr.ICE_CONTROLLING, tieBreaker);
  }
  /** ICE-CONTROLLED with a 64-bit tie-breaker (RFC 8445 §7.1.3). */
  iceControlled(tieBreaker: bigint): this {
    return this.u64(StunAttr.ICE_CONTROLLED, tieBreaker);
  }
  /** XOR-MAPPED-ADDRESS (RFC 8489 §14.2). Call after begin(): the transaction ID is the IPv6 mask. */
  xorMappedAddress(addr: TransportAddress): this {
    return this.address(StunAttr.XOR_MAPPED_ADDRESS, addr, true);
  }
  /** MAPPED-ADDRESS (RFC 8489 §14.1). */
  mappedAddress(addr: TransportAddress): this {
    return this.address(StunAttr.MAPPED_ADDRESS, addr, false);
  }
  /** ALTERNATE-SERVER (RFC 8489 §14.15). */
  alternateServer(addr: TransportAddress): this {
    return this.address(StunAttr.ALTERNATE_SERVER, addr, false);
  }
  /** XOR-PEER-ADDRESS (RFC 8656 §18.3). */
  xorPeerAddress(addr: TransportAddress): this {
    return this.address(StunAttr.XOR_PEER_ADDRESS, addr, true);
  }
  /** XOR-RELAYED-ADDRESS (RFC 8656 §18.5). */
  xorRelayedAddress(addr: TransportAddress): this {
    return this.address(StunAttr.XOR_RELAYED_ADDRESS, addr, true);
  }
  /** ERROR-CODE (RFC 8489 §14.8): code 300..699 and a reason phrase. */
  errorCode(code: number, reason: string): this {
    if (!Number.isInteger(code) || code < 300 || code > 699) throw new StunError('bad-argument', `error code ${code} outside 300..699`);
    const n = 4 + utf8Length(reason);
    const v = this.header(StunAttr.ERROR_CODE, n);
    const b = this.buf;
    b[v] = 0;
    b[v + 1] = 0;
    b[v + 2] = Math.floor(code / 100);
    b[v + 3] = code % 100;
    writeUtf8(reason, b, v + 4);
    return this.end(v, n);
  }
  /** UNKNOWN-ATTRIBUTES (RFC 8489 §14.13). */
  unknownAttributes(types: readonly number[]): this {
    const n = 2 * types.length;
    const v = this.header(StunAttr.UNKNOWN_ATTRIBUTES, n);
    for (let i = 0; i < types.length; i++) {
      this.buf[v + 2 * i] = types[i] >> 8;
      this.buf[v + 2 * i + 1] = types[i] & 0xff;
    }
    return this.end(v, n);
  }
  /** LIFETIME in seconds (RFC 8656 §18.2). */
  lifetime(seconds: number): this {
    return this.u32(StunAttr.LIFETIME, seconds);
  }
  /** DATA (RFC 8656 §18.4). */
  data(bytes: Uint8Array): this {
    return this.attribute(StunAttr.DATA, bytes);
  }
  /** CHANNEL-NUMBER (RFC 8656 §18.1): channel 0x4000..0x4FFF, then 16 RFFU bits. */
  channelNumber(channel: number): this {
    if (!Number.isInteger(channel) || channel < 0x4000 || channel > 0x4fff) throw new StunError('bad-argument', `channel number 0x${channel.toString(16)} outside 0x4000..0x4FFF`);
    return this.u32(StunAttr.CHANNEL_NUMBER, channel * 0x10000);
  }
  /** REQUESTED-TRANSPORT (RFC 8656 §18.7): protocol number, 17 (UDP) by default. */
  requestedTransport(protocol = 17): this {
    return this.u32(StunAttr.REQUESTED_TRANSPORT, (protocol & 0xff) * 0x1000000);
  }
  /** USERHASH (RFC 8489 §14.4): the 32-byte value from `userHash(username, realm)`. */
  userHash(hash: Uint8Array): this {
    if (hash.length !== 32) throw new StunError('bad-argument', `USERHASH of ${hash.length} bytes, expected 32`);
    return this.attribute(StunAttr.USERHASH, hash);
  }
  /** PASSWORD-ALGORITHM (RFC 8489 §14.12). */
  passwordAlgorithm(algorithm: number, parameters: Uint8Array = EMPTY): this {
    return this.algorithms(StunAttr.PASSWORD_ALGORITHM, [{ algorithm, parameters }]);
  }
  /** PASSWORD-ALGORITHMS (RFC 8489 §14.11). */
  passwordAlgorithms(list: readonly { algorithm: number; parameters?: Uint8Array }[]): this {
    return this.algorithms(StunAttr.PASSWORD_ALGORITHMS, list);
  }
  private algorithms(type: number, list: readonly { algorithm: number; parameters?: Uint8Array }[]): this {
    let n = 0;
    for (const a of list) n += 4 + (((a.parameters?.length ?? 0) + 3) & ~3);
    const v = this.header(type, n);
    const b = this.buf;
    let p = v;
    for (const a of list) {
      const params = a.parameters ?? EMPTY;
      b[p] = a.algorithm >> 8;
      b[p + 1] = a.algorithm & 0xff;
      b[p + 2] = params.length >> 8;
      b[p + 3] = params.length & 0xff;
      b.set(params, p + 4);
      const padded = p + 4 + ((params.length + 3) & ~3);
      b.fill(this.paddingByte, p + 4 + params.length, padded);
      p = padded;
    }
    return this.end(v, n);
  }
  /** DONT-FRAGMENT (RFC 8656 §18.8). */
  dontFragment(): this {
    return this.empty(StunAttr.DONT_FRAGMENT);
  }

  /** Appends the integrity attributes and FINGERPRINT as asked, then fixes the final length. */
  private seal(options: StunFinishOptions): void {
    if (options.integrityKey !== undefined) {
      const v = this.header(StunAttr.MESSAGE_INTEGRITY, 20);
      computeMessageIntegrity(this.buf, this.pos, options.integrityKey, this.buf, v);
      this.pos = v + 20;
    }
    if (options.integritySha256Key !== undefined) {
      const v = this.header(StunAttr.MESSAGE_INTEGRITY_SHA256, 32);
      computeMessageIntegritySha256(this.buf, this.pos, 32, options.integritySha256Key, this.buf, v);
      this.pos = v + 32;
    }
    if (options.fingerprint) {
      const v = this.header(StunAttr.FINGERPRINT, 4);
      const b = this.buf;
      const at = this.pos;
      this.setLength(at + 8);
      const crc = computeFingerprint(b, at);
      b[v] = crc >>> 24;
      b[v + 1] = (crc >>> 16) & 0xff;
      b[v + 2] = (crc >>> 8) & 0xff;
      b[v + 3] = crc & 0xff;
      this.pos = v + 4;
    }
    this.setLength(this.pos);
  }

  private setLength(end: number): void {
    const len = end - HEADER_LENGTH;
    this.buf[2] = len >> 8;
    this.buf[3] = len & 0xff;
  }

  /**
   * Finishes the message and returns a copy the caller owns (a view into a pooled slab: its
   * `.buffer` is shared with other messages, its bytes are not).
   */
  finish(options: StunFinishOptions = {}): Uint8Array {
    this.seal(options);
    const out = allocateOutput(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }

  /**
   * Finishes the message and returns a view of the writer's buffer, valid until the next
   * `begin()` on this writer (no copy).
   */
  finishView(options: StunFinishOptions = {}): Uint8Array {
    this.seal(options);
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return out;
  }
}

/** A message in the convenience form of `encodeStun`. */
export interface StunMessageInit {
  method: number;
  messageClass: number;
  transactionId: Uint8Array;
  /** Attributes in wire order, values as bytes (MESSAGE-INTEGRITY/FINGERPRINT go in `options`). */
  attributes?: readonly { type: number; value: Uint8Array }[];
}

/** Encodes a message from plain data in one call (a fresh writer each time: not for hot paths). */
export function encodeStun(init: StunMessageInit, options: StunFinishOptions & StunWriterOptions = {}): Uint8Array {
  let size = HEADER_LENGTH + 24 + 36 + 8;
  for (const a of init.attributes ?? []) size += 4 + ((a.value.length + 3) & ~3);
  const w = new StunWriter(size, options).begin(init.method, init.messageClass, init.transactionId);
  for (const a of init.attributes ?? []) w.attribute(a.type, a.value);
  return w.finish(options);
}

/** A fresh 96-bit transaction ID from the injected random source (RFC 8489 §5: uniformly random). */
export function newTransactionId(random: (out: Uint8Array) => void): Uint8Array {
  const id = new Uint8Array(12);
  random(id);
  return id;
}

/** Whether two transaction IDs are equal. */
export function sameTransactionId(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== 12 || b.length !== 12) return false;
  for (let i = 0; i < 12; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A 12-character string key for a transaction ID (one char per byte), e.g. for a Map. */
export function transactionIdKey(id: Uint8Array): string {
  return String.fromCharCode(id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7], id[8], id[9], id[10], id[11]);
}
