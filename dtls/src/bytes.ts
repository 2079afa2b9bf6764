import { DtlsError } from './errors.js';

/**
 * Bounds-checked big-endian reader over a byte view (TLS presentation language, RFC 5246 §4).
 * Every read past `end` throws `DtlsError('truncated')`; vectors return zero-copy subarrays.
 */
export class ByteReader {
  pos: number;
  readonly end: number;

  constructor(readonly bytes: Uint8Array, start = 0, end = bytes.length) {
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new DtlsError('truncated', `need ${n} bytes, have ${this.end - this.pos}`, this.pos);
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }

  u16(): number {
    this.need(2);
    const b = this.bytes, p = this.pos;
    this.pos = p + 2;
    return (b[p] << 8) | b[p + 1];
  }

  u24(): number {
    this.need(3);
    const b = this.bytes, p = this.pos;
    this.pos = p + 3;
    return (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
  }

  take(n: number): Uint8Array {
    this.need(n);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** `opaque x<0..2^8-1>` */
  vec8(): Uint8Array {
    return this.take(this.u8());
  }

  /** `opaque x<0..2^16-1>` */
  vec16(): Uint8Array {
    return this.take(this.u16());
  }

  /** `opaque x<0..2^24-1>` */
  vec24(): Uint8Array {
    return this.take(this.u24());
  }

  /** Throws unless every byte was consumed (trailing garbage is a decode error). */
  expectEnd(): void {
    if (this.pos !== this.end) throw new DtlsError('bad-length', `${this.end - this.pos} trailing bytes`, this.pos);
  }
}

/** Growable big-endian writer for handshake messages (not on the record hot path). */
export class ByteWriter {
  private buf: Uint8Array;
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  u24(v: number): this {
    this.ensure(3);
    this.buf[this.length++] = (v >>> 16) & 0xff;
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  bytes(v: Uint8Array): this {
    this.ensure(v.length);
    this.buf.set(v, this.length);
    this.length += v.length;
    return this;
  }

  vec8(v: Uint8Array): this {
    return this.u8(v.length).bytes(v);
  }

  vec16(v: Uint8Array): this {
    return this.u16(v.length).bytes(v);
  }

  vec24(v: Uint8Array): this {
    return this.u24(v.length).bytes(v);
  }

  /** Reserve a `size`-byte length prefix; call `endLength(mark, size)` after writing the body. */
  beginLength(size: 1 | 2 | 3): number {
    this.ensure(size);
    const mark = this.length;
    this.length += size;
    return mark;
  }

  endLength(mark: number, size: 1 | 2 | 3): this {
    const n = this.length - mark - size;
    for (let i = size - 1, v = n; i >= 0; i--, v >>>= 8) this.buf[mark + i] = v & 0xff;
    return this;
  }

  /** A copy the caller owns. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Write a 48-bit unsigned integer big-endian at `offset`. */
export function writeU48(out: Uint8Array, offset: number, v: number): void {
  const hi = Math.floor(v / 2 ** 32);
  const lo = v >>> 0;
  out[offset] = (hi >>> 8) & 0xff;
  out[offset + 1] = hi & 0xff;
  out[offset + 2] = lo >>> 24;
  out[offset + 3] = (lo >>> 16) & 0xff;
  out[offset + 4] = (lo >>> 8) & 0xff;
  out[offset + 5] = lo & 0xff;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
