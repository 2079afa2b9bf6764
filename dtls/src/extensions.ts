import { ByteReader, ByteWriter } from './bytes.js';
import { ExtensionType } from './constants.js';
import { DtlsError } from './errors.js';

/**
 * Hello extensions (RFC 5246 §7.4.1.4) this stack understands. Unknown extensions (DTLS 1.3
 * supported_versions and key_share, ALPN, GREASE values...) are skipped: they are listed in
 * `types` but never acted upon, and wire order does not matter.
 */
export interface HelloExtensions {
  /** supported_groups (RFC 8422 §5.1.1). */
  supportedGroups?: number[];
  /** ec_point_formats (RFC 8422 §5.1.2). */
  ecPointFormats?: number[];
  /** signature_algorithms (RFC 5246 §7.4.1.4.1), as 16-bit SignatureScheme values. */
  signatureAlgorithms?: number[];
  /** use_srtp (RFC 5764 §4.1.1). */
  useSrtp?: { profiles: number[]; mki: Uint8Array };
  /** extended_master_secret (RFC 7627 §5.1). */
  extendedMasterSecret: boolean;
  /** renegotiation_info (RFC 5746 §3.2): renegotiated_connection. */
  renegotiationInfo?: Uint8Array;
  /** Every extension type in wire order. */
  types: number[];
}

function u16List(data: Uint8Array, lengthBytes: 1 | 2): number[] {
  const r = new ByteReader(data);
  const list = lengthBytes === 1 ? r.vec8() : r.vec16();
  r.expectEnd();
  if (lengthBytes === 2 && list.length % 2 !== 0) throw new DtlsError('bad-length', 'odd-length 16-bit list');
  const out: number[] = [];
  if (lengthBytes === 1) for (const b of list) out.push(b);
  else for (let i = 0; i < list.length; i += 2) out.push((list[i] << 8) | list[i + 1]);
  return out;
}

/**
 * Decode the optional extensions block at the end of a hello. Throws DtlsError on a
 * malformed block, a malformed known extension, or a repeated extension type.
 */
export function decodeExtensions(r: ByteReader): HelloExtensions {
  const ext: HelloExtensions = { extendedMasterSecret: false, types: [] };
  if (r.remaining === 0) return ext; // "extensions" absent (RFC 5246 §7.4.1.2)
  const block = new ByteReader(r.vec16());
  r.expectEnd();
  while (block.remaining > 0) {
    const type = block.u16();
    const data = block.vec16();
    if (ext.types.includes(type)) throw new DtlsError('bad-value', `extension ${type} repeated`, block.pos);
    ext.types.push(type);
    switch (type) {
      case ExtensionType.supported_groups:
        ext.supportedGroups = u16List(data, 2);
        break;
      case ExtensionType.ec_point_formats:
        ext.ecPointFormats = u16List(data, 1);
        break;
      case ExtensionType.signature_algorithms:
        ext.signatureAlgorithms = u16List(data, 2);
        break;
      case ExtensionType.use_srtp: {
        const e = new ByteReader(data);
        const list = e.vec16();
        const mki = e.vec8();
        e.expectEnd();
        if (list.length % 2 !== 0) throw new DtlsError('bad-length', 'odd-length SRTP profile list');
        const profiles: number[] = [];
        for (let i = 0; i < list.length; i += 2) profiles.push((list[i] << 8) | list[i + 1]);
        ext.useSrtp = { profiles, mki };
        break;
      }
      case ExtensionType.extended_master_secret:
        if (data.length !== 0) throw new DtlsError('bad-length', 'extended_master_secret must be empty');
        ext.extendedMasterSecret = true;
        break;
      case ExtensionType.renegotiation_info: {
        const e = new ByteReader(data);
        ext.renegotiationInfo = e.vec8();
        e.expectEnd();
        break;
      }
      default:
        break; // unknown, DTLS 1.3 or GREASE: ignored
    }
  }
  return ext;
}

/** Writer helpers for the extensions we send. */
export class ExtensionsWriter {
  private readonly w = new ByteWriter();
  private readonly mark: number;

  constructor() {
    this.mark = this.w.beginLength(2);
  }

  raw(type: number, data: Uint8Array): this {
    this.w.u16(type).vec16(data);
    return this;
  }

  u16List(type: number, values: readonly number[]): this {
    this.w.u16(type).u16(2 + 2 * values.length).u16(2 * values.length);
    for (const v of values) this.w.u16(v);
    return this;
  }

  ecPointFormats(formats: readonly number[]): this {
    this.w.u16(ExtensionType.ec_point_formats).u16(1 + formats.length).u8(formats.length);
    for (const f of formats) this.w.u8(f);
    return this;
  }

  useSrtp(profiles: readonly number[], mki: Uint8Array = new Uint8Array(0)): this {
    this.w.u16(ExtensionType.use_srtp).u16(2 + 2 * profiles.length + 1 + mki.length).u16(2 * profiles.length);
    for (const p of profiles) this.w.u16(p);
    this.w.vec8(mki);
    return this;
  }

  extendedMasterSecret(): this {
    this.w.u16(ExtensionType.extended_master_secret).u16(0);
    return this;
  }

  /** Empty renegotiation_info: an initial handshake (RFC 5746 §3.4, §3.6). */
  renegotiationInfo(): this {
    this.w.u16(ExtensionType.renegotiation_info).u16(1).u8(0);
    return this;
  }

  /** Appends the block (with its 2-byte length) to `out`; nothing when empty. */
  writeTo(out: ByteWriter): void {
    if (this.w.length === 2) return;
    this.w.endLength(this.mark, 2);
    out.bytes(this.w.finish());
  }
}
