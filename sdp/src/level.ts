/**
 * Typed getters for what may appear at session level or media level. At media level they give
 * only the media-level value; `MediaDescription.iceParameters()` and friends resolve the
 * fallback to session level.
 */
import { parseFingerprintAt, type Fingerprint } from './fingerprint.js';
import { parseConnectionAt, parseIceOptionsAt, parseSetupAt, type Connection, type Direction, type Setup } from './fields.js';
import { isIceChars } from './scan.js';
import { SdpSection } from './section.js';

/** RFC 8839 §5.4: ice-ufrag is 4..256 ice-char, ice-pwd 22..256. Parsed values are held to the charset and the upper bound. */
const MAX_ICE_CREDENTIAL = 256;

export class SdpLevel extends SdpSection {
  /** a=ice-ufrag (RFC 8839 §5.4). */
  get iceUfrag(): string | undefined {
    return this._iceCredential('ice-ufrag');
  }

  /** a=ice-pwd (RFC 8839 §5.4). */
  get icePwd(): string | undefined {
    return this._iceCredential('ice-pwd');
  }

  /** a=ice-options tokens (RFC 8839 §5.6), e.g. ['trickle'] or ['ice2', 'trickle']; [] when absent. */
  get iceOptions(): string[] {
    const i = this.findAttribute('ice-options', 0);
    if (i < 0) return [];
    return parseIceOptionsAt(this._text(i), this._valueStart(i, 'ice-options'), this._end(i));
  }

  /** Every a=fingerprint at this level (RFC 8122 §5), in order. */
  get fingerprints(): Fingerprint[] {
    const out: Fingerprint[] = [];
    for (let i = this.findAttribute('fingerprint', 0); i >= 0; i = this.findAttribute('fingerprint', i + 1)) {
      out.push(parseFingerprintAt(this._text(i), this._valueStart(i, 'fingerprint'), this._end(i), this.lineNumber(i)));
    }
    return out;
  }

  /** a=setup (RFC 4145 §4, RFC 8842 §5). */
  get setup(): Setup | undefined {
    const i = this.findAttribute('setup', 0);
    if (i < 0) return undefined;
    return parseSetupAt(this._text(i), this._valueStart(i, 'setup'), this._end(i), this.lineNumber(i));
  }

  /** The direction attribute written at this level (RFC 8866 §6.7), if any. */
  get direction(): Direction | undefined {
    for (let i = 0; i < this.lineCount; i++) {
      const src = this._text(i);
      const s = this._start(i);
      if (src.charCodeAt(s) !== 0x61) continue;
      const len = this._end(i) - s;
      if (len === 10 && src.startsWith('sendrecv', s + 2)) return 'sendrecv';
      if (len === 10 && src.startsWith('sendonly', s + 2)) return 'sendonly';
      if (len === 10 && src.startsWith('recvonly', s + 2)) return 'recvonly';
      if (len === 10 && src.startsWith('inactive', s + 2)) return 'inactive';
    }
    return undefined;
  }

  /** a=extmap-allow-mixed (RFC 8285 §6). */
  get extmapAllowMixed(): boolean {
    return this.hasAttribute('extmap-allow-mixed');
  }

  /** The c= line at this level (RFC 8866 §5.7). */
  get connection(): Connection | undefined {
    const i = this.findLine('c');
    if (i < 0) return undefined;
    return parseConnectionAt(this._text(i), this._lineValueStart(i), this._end(i), this.lineNumber(i));
  }

  private _iceCredential(name: string): string | undefined {
    const i = this.findAttribute(name, 0);
    if (i < 0) return undefined;
    const src = this._text(i);
    const s = this._valueStart(i, name);
    const e = this._end(i);
    if (e - s > MAX_ICE_CREDENTIAL || !isIceChars(src, s, e)) this._fail('bad-attribute', `a=${name} is not 1..256 ice-char`, i);
    return src.slice(s, e);
  }
}
