/**
 * parseSdp: one pass over the text with `indexOf('\n')`, recording each line's [start, end)
 * offsets. It checks the structure (RFC 8866 §5: `<type>=<value>` lines, v=0 first, o=/s=/t=
 * present, well-formed o= and m= lines) and the size caps; attribute values are read, and
 * checked, by the typed getters when asked (each throws SdpError with its line number).
 */
import { SdpError } from './errors.js';
import { checkMediaLine, checkOrigin } from './fields.js';
import { MediaDescription } from './media.js';
import { SessionDescription } from './session.js';

/** Caps against absurd input. Lengths are in UTF-16 code units (JavaScript string length). */
export interface SdpParseOptions {
  /** Whole text. Default 262144 (256 KiB; a 150-line A/V offer is ~6 KiB). */
  maxLength: number;
  /** Lines. Default 8192. */
  maxLines: number;
  /** One line. Default 4096 (the longest browser lines, fmtp/ssrc, are < 200). */
  maxLineLength: number;
  /** m= sections. Default 512. */
  maxMediaSections: number;
}

export const DEFAULT_SDP_PARSE_OPTIONS: Readonly<SdpParseOptions> = Object.freeze({
  maxLength: 262144,
  maxLines: 8192,
  maxLineLength: 4096,
  maxMediaSections: 512,
});

const LF = 10;
const CR = 13;
const EQUALS = 0x3d;
const LETTER_A = 0x61;
const LETTER_Z = 0x7a;
const LETTER_M = 0x6d;
const LETTER_O = 0x6f;
const LETTER_S = 0x73;
const LETTER_T = 0x74;
const LETTER_V = 0x76;

/**
 * Line offsets of the text being parsed, copied out (exact size) at the end. A plain array of
 * small integers: V8 copies it in a few ns, where allocating a typed array costs hundreds.
 */
const scratch: number[] = new Array<number>(1024).fill(0);
const mediaStarts: number[] = new Array<number>(64).fill(0);

/**
 * Parses a session description. CRLF and LF line ends are accepted (RFC 8866 §5 asks for CRLF;
 * LF-only text is common in hand-written and logged SDP). Throws `SdpError` with the 1-based
 * line number for malformed input, never anything else.
 */
export function parseSdp(text: string, options?: Partial<SdpParseOptions>): SessionDescription {
  if (typeof text !== 'string') throw new SdpError('not-a-string', `expected a string, got ${typeof text}`);
  const caps = options === undefined ? DEFAULT_SDP_PARSE_OPTIONS : checkedOptions(options);
  const len = text.length;
  if (len > caps.maxLength) throw new SdpError('too-large', `${len} characters (cap ${caps.maxLength})`);
  const nul = text.indexOf('\u0000');
  if (nul !== -1) throw new SdpError('bad-character', 'NUL character', lineAt(text, nul));

  const maxLineLength = caps.maxLineLength;
  const maxLines = caps.maxLines;
  let n = 0;
  let m = 0;
  let pos = 0;
  let crlf = true;
  let seen = 0; // bits: 1 = o=, 2 = s=, 4 = t=
  while (pos < len) {
    const nl = text.indexOf('\n', pos);
    let end: number;
    let next: number;
    if (nl === -1) {
      end = len;
      next = len;
      crlf = false;
      if (end > pos && text.charCodeAt(end - 1) === CR) end--;
    } else {
      next = nl + 1;
      end = nl;
      if (end > pos && text.charCodeAt(end - 1) === CR) end--;
      else crlf = false;
    }
    const lineNo = n + 1;
    if (end === pos) {
      // A blank line: allowed only as trailing padding.
      if (onlyLineEnds(text, pos, len)) break;
      throw new SdpError('bad-line', 'blank line', lineNo);
    }
    if (end - pos > maxLineLength) throw new SdpError('line-too-long', `${end - pos} characters (cap ${maxLineLength})`, lineNo);
    if (n >= maxLines) throw new SdpError('too-many-lines', `more than ${caps.maxLines} lines`, lineNo);
    const type = text.charCodeAt(pos);
    if (end - pos < 2 || text.charCodeAt(pos + 1) !== EQUALS || type < LETTER_A || type > LETTER_Z) {
      throw new SdpError('bad-line', 'not "<letter>=<value>"', lineNo);
    }
    if (n === 0) {
      if (type !== LETTER_V || end - pos !== 3 || text.charCodeAt(pos + 2) !== 0x30) throw new SdpError('bad-version', 'the first line must be v=0', lineNo);
    } else if (type === LETTER_M) {
      checkMediaLine(text, pos + 2, end, lineNo);
      if (m >= caps.maxMediaSections) throw new SdpError('too-many-media', `more than ${caps.maxMediaSections} m= sections`, lineNo);
      mediaStarts[m++] = n;
    } else if (m === 0) {
      if (type === LETTER_O) {
        checkOrigin(text, pos + 2, end, lineNo);
        seen |= 1;
      } else if (type === LETTER_S) seen |= 2;
      else if (type === LETTER_T) seen |= 4;
    }
    scratch[2 * n] = pos;
    scratch[2 * n + 1] = end;
    n++;
    pos = next;
  }
  if (n === 0) throw new SdpError('bad-version', 'empty session description', 1);
  if ((seen & 1) === 0) throw new SdpError('missing-line', 'no o= line at session level', 0);
  if ((seen & 2) === 0) throw new SdpError('missing-line', 'no s= line at session level', 0);
  if ((seen & 4) === 0) throw new SdpError('missing-line', 'no t= line at session level', 0);

  const offsets = scratch.slice(0, 2 * n);
  const media = new Array<MediaDescription>(m);
  for (let k = 0; k < m; k++) {
    const first = mediaStarts[k];
    const last = k + 1 < m ? mediaStarts[k + 1] : n;
    media[k] = new MediaDescription(undefined, text, offsets, first, last - first, crlf);
  }
  return new SessionDescription(undefined, media, text, offsets, m === 0 ? n : mediaStarts[0], crlf);
}

function checkedOptions(options: Partial<SdpParseOptions>): SdpParseOptions {
  const caps = { ...DEFAULT_SDP_PARSE_OPTIONS };
  for (const key of Object.keys(caps) as (keyof SdpParseOptions)[]) {
    const v = options[key];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 0) throw new SdpError('bad-argument', `${key} must be a non-negative integer`);
    caps[key] = v;
  }
  return caps;
}

function onlyLineEnds(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== CR && c !== LF) return false;
  }
  return true;
}

/** 1-based line number of offset `at`. */
function lineAt(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
