/**
 * A session description (RFC 8866 §5): the session-level lines and the media descriptions.
 * Built by `parseSdp`, by the data-channel builders, or by hand from lines.
 */
import { parseGroupAt, parseMsidSemanticAt, parseOriginAt, type Group, type MsidSemantic, type Origin } from './fields.js';
import { SdpLevel } from './level.js';
import type { MediaDescription } from './media.js';
import { writeSdp } from './write.js';

export class SessionDescription extends SdpLevel {
  /** The media descriptions in order. Each one's `session` points back here. */
  media: MediaDescription[];

  /**
   * A description from its session-level lines (v=, o=, s=, t=, session attributes) and media
   * descriptions, e.g. to build one by hand; `parseSdp` is the usual way in.
   */
  constructor(lines?: readonly string[], media: MediaDescription[] = [], src?: string, offsets?: readonly number[], count?: number, crlf?: boolean) {
    super(src === undefined ? (lines ?? []) : undefined, src, offsets, 0, count, crlf);
    this.media = media;
    for (const m of media) m.session = this;
  }

  /** o= (RFC 8866 §5.2). */
  get origin(): Origin | undefined {
    const i = this.findLine('o');
    if (i < 0) return undefined;
    return parseOriginAt(this._text(i), this._lineValueStart(i), this._end(i), this.lineNumber(i));
  }

  /** s= (RFC 8866 §5.3). */
  get sessionName(): string | undefined {
    const i = this.findLine('s');
    return i < 0 ? undefined : this._text(i).slice(this._lineValueStart(i), this._end(i));
  }

  /** Every a=group (RFC 5888 §5), in order. */
  get groups(): Group[] {
    const out: Group[] = [];
    for (let i = this.findAttribute('group', 0); i >= 0; i = this.findAttribute('group', i + 1)) {
      out.push(parseGroupAt(this._text(i), this._valueStart(i, 'group'), this._end(i), this.lineNumber(i)));
    }
    return out;
  }

  /** The mids of the first BUNDLE group (RFC 9143), or undefined without one. */
  get bundle(): string[] | undefined {
    for (const g of this.groups) if (g.semantics === 'BUNDLE') return g.mids;
    return undefined;
  }

  /** a=ice-lite (RFC 8839 §5.3). */
  get iceLite(): boolean {
    return this.hasAttribute('ice-lite');
  }

  /** a=msid-semantic (Chrome writes `a=msid-semantic: WMS`, Firefox `a=msid-semantic:WMS *`). */
  get msidSemantic(): MsidSemantic | undefined {
    const i = this.findAttribute('msid-semantic', 0);
    if (i < 0) return undefined;
    return parseMsidSemanticAt(this._text(i), this._valueStart(i, 'msid-semantic'), this._end(i), this.lineNumber(i));
  }

  /** The first media description for SCTP data channels (RFC 8841), or undefined. */
  get dataChannelMedia(): MediaDescription | undefined {
    for (const m of this.media) if (m.isDataChannel) return m;
    return undefined;
  }

  /** The canonical text (CRLF line ends), same as `writeSdp(this)`. */
  override toString(): string {
    return writeSdp(this);
  }
}
