/**
 * One section of a session description: the session-level lines, or one media description
 * (RFC 8866 §5). A section is a list of lines such as `a=mid:0`, kept exactly as written.
 *
 * Parsed sections are zero-copy: they hold the source text and the [start, end) offsets of
 * their lines, and read values straight from the text. Reading `lines`, or any edit, copies the
 * lines into a frozen string array; from then on the section reads that array.
 *
 * Every line is `<letter a-z>=<value>` with no LF or NUL in it (the parser guarantees it for
 * parsed lines; the constructors and edit methods check it, throwing SdpError('bad-argument')),
 * so the writer never has to re-check and no edit can inject a line.
 */
import { SdpError } from './errors.js';

export class SdpSection {
  /** Source text (parsed sections) — unused once `_lines` exists. */
  protected _src: string;
  /** [start, end) pairs of every line of the source text. */
  protected _offsets: readonly number[] | undefined;
  /** Index (0-based) of this section's first line among all the source's lines. */
  protected _first: number;
  protected _count: number;
  /** Materialised lines (frozen, without line ends); `undefined` while the section is read from `_src`. */
  protected _lines: readonly string[] | undefined;
  /** Every line of the source text ended in CRLF (so a source span is already canonical). */
  protected _crlf: boolean;

  /** @internal Use `parseSdp` or the subclass constructors. */
  constructor(lines: readonly string[] | undefined, src = '', offsets?: readonly number[], first = 0, count = 0, crlf = false) {
    this._lines = lines === undefined ? undefined : checkedLines(lines);
    this._crlf = crlf;
    this._src = src;
    this._offsets = offsets;
    this._first = first;
    this._count = count;
  }

  /**
   * The lines of this section, without line ends (e.g. `['m=application 9 ...', 'c=IN IP4 0.0.0.0', ...]`).
   * Frozen: edit with `setLine`, `insertLine`, `removeLine`, the attribute methods, or by
   * assigning a new array to `lines`.
   */
  get lines(): readonly string[] {
    if (this._lines === undefined) {
      const out = new Array<string>(this._count);
      for (let i = 0; i < this._count; i++) out[i] = this.line(i);
      this._lines = Object.freeze(out);
      this._offsets = undefined;
      this._src = '';
    }
    return this._lines;
  }

  /**
   * @internal For the builders, whose lines are assembled from checked parts: skips the
   * per-line check (which would also flatten every template-literal line).
   */
  _setTrustedLines(lines: string[]): this {
    this._lines = Object.freeze(lines);
    return this;
  }

  /** Replaces every line (each checked). */
  set lines(lines: readonly string[]) {
    this._lines = checkedLines(lines);
    this._offsets = undefined;
    this._src = '';
  }

  get lineCount(): number {
    return this._lines === undefined ? this._count : this._lines.length;
  }

  /** Line `i` of this section, without its line end. */
  line(i: number): string {
    if (!(i >= 0 && i < this.lineCount && Number.isInteger(i))) throw new SdpError('bad-argument', `line index ${i} out of range 0..${this.lineCount - 1}`);
    if (this._lines !== undefined) return this._lines[i];
    const o = this._offsets!;
    const k = 2 * (this._first + i);
    return this._src.slice(o[k], o[k + 1]);
  }

  /** 1-based line number of line `i` in the parsed text, or 0 once the section was materialised. */
  lineNumber(i: number): number {
    return this._lines === undefined ? this._first + i + 1 : 0;
  }

  /** Value of the first `a=<name>` or `a=<name>:<value>` line ('' for a flag), or undefined. */
  attribute(name: string): string | undefined {
    const i = this.findAttribute(name, 0);
    if (i < 0) return undefined;
    return this._text(i).slice(this._valueStart(i, name), this._end(i));
  }

  /** Values of every `a=<name>` line, in order. */
  attributes(name: string): string[] {
    const out: string[] = [];
    for (let i = this.findAttribute(name, 0); i >= 0; i = this.findAttribute(name, i + 1)) {
      out.push(this._text(i).slice(this._valueStart(i, name), this._end(i)));
    }
    return out;
  }

  hasAttribute(name: string): boolean {
    return this.findAttribute(name, 0) >= 0;
  }

  /** Index of the first line at or after `from` that is `a=<name>` or `a=<name>:...`, or -1. */
  findAttribute(name: string, from: number): number {
    const n = name.length;
    if (this._lines === undefined) {
      const src = this._src;
      const o = this._offsets!;
      for (let i = from; i < this._count; i++) {
        const s = o[2 * (this._first + i)];
        const e = o[2 * (this._first + i) + 1];
        if (src.charCodeAt(s) === 0x61 && e >= s + 2 + n && src.startsWith(name, s + 2) && (e === s + 2 + n || src.charCodeAt(s + 2 + n) === 0x3a)) return i;
      }
      return -1;
    }
    const lines = this._lines;
    for (let i = from; i < lines.length; i++) {
      const l = lines[i];
      if (l.charCodeAt(0) === 0x61 && l.length >= 2 + n && l.startsWith(name, 2) && (l.length === 2 + n || l.charCodeAt(2 + n) === 0x3a)) return i;
    }
    return -1;
  }

  /** Index of the first line of type `type` (a letter) at or after `from`, or -1. */
  findLine(type: string, from = 0): number {
    const t = type.charCodeAt(0);
    for (let i = from; i < this.lineCount; i++) if (this._text(i).charCodeAt(this._start(i)) === t) return i;
    return -1;
  }

  /** Replaces line `i` (0 ≤ i < lineCount). */
  setLine(i: number, line: string): this {
    return this._edit(i, 1, checkedLine(line));
  }

  /** Inserts a line before index `i` (i = lineCount appends). */
  insertLine(i: number, line: string): this {
    return this._edit(i, 0, checkedLine(line));
  }

  /** Removes line `i`. */
  removeLine(i: number): this {
    return this._edit(i, 1);
  }

  /** Appends `a=<name>` or `a=<name>:<value>`. */
  addAttribute(name: string, value?: string): this {
    return this._edit(this.lineCount, 0, attributeLine(name, value));
  }

  /** Replaces the first `a=<name>` line (or appends one). */
  setAttribute(name: string, value?: string): this {
    const i = this.findAttribute(name, 0);
    const text = attributeLine(name, value);
    return i < 0 ? this._edit(this.lineCount, 0, text) : this._edit(i, 1, text);
  }

  /** Removes every `a=<name>` line; returns how many were removed. */
  removeAttribute(name: string): number {
    let removed = 0;
    for (let i = this.findAttribute(name, 0); i >= 0; i = this.findAttribute(name, i)) {
      this._edit(i, 1);
      removed++;
    }
    return removed;
  }

  /** Copy-on-write splice of the (frozen) lines. */
  private _edit(i: number, deleteCount: number, line?: string): this {
    const lines = this.lines.slice();
    if (!Number.isInteger(i) || i < 0 || i + deleteCount > lines.length) throw new SdpError('bad-argument', `line index ${i} out of range`);
    if (line === undefined) lines.splice(i, deleteCount);
    else lines.splice(i, deleteCount, line);
    this._lines = Object.freeze(lines);
    return this;
  }

  // --- offsets of line i: the string holding it and [start, end) within that string ---

  /** @internal */
  _text(i: number): string {
    return this._lines === undefined ? this._src : this._lines[i];
  }

  /** @internal */
  _start(i: number): number {
    return this._lines === undefined ? this._offsets![2 * (this._first + i)] : 0;
  }

  /** @internal */
  _end(i: number): number {
    return this._lines === undefined ? this._offsets![2 * (this._first + i) + 1] : this._lines[i].length;
  }

  /** @internal Start of the value of line i, an `a=<name>[:value]` line. */
  _valueStart(i: number, name: string): number {
    return Math.min(this._start(i) + 3 + name.length, this._end(i));
  }

  /** @internal Start of the value of a `x=` line. */
  _lineValueStart(i: number): number {
    return this._start(i) + 2;
  }

  /** @internal Throws SdpError for a line index of this section. */
  _fail(code: ConstructorParameters<typeof SdpError>[0], message: string, i: number): never {
    throw new SdpError(code, message, this.lineNumber(i));
  }

  /** @internal The materialised (possibly edited) lines, or undefined while read from the source. */
  _editedLines(): readonly string[] | undefined {
    return this._lines;
  }

  /** @internal */
  _canonicalText(): string | undefined {
    if (this._lines !== undefined || !this._crlf || this._count === 0) return undefined;
    const o = this._offsets!;
    // Lines are contiguous in the source and each ends in CRLF: the span is the written form.
    return this._src.slice(o[2 * this._first], o[2 * (this._first + this._count - 1) + 1] + 2);
  }
}

/** `a=<name>[:<value>]`, refusing what would not parse back as one attribute line. */
function attributeLine(name: string, value: string | undefined): string {
  if (typeof name !== 'string' || !/^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+$/.test(name)) throw new SdpError('bad-argument', `attribute name ${JSON.stringify(String(name))} is not a token`);
  if (value === undefined) return `a=${name}`;
  if (typeof value !== 'string') throw new SdpError('bad-argument', `a=${name} value must be a string`);
  return checkedLine(`a=${name}:${value}`);
}

/** A line as the parser would produce it: `<a-z>=<value>`, no LF, no NUL. */
function checkedLine(line: string): string {
  const t = typeof line === 'string' ? line.charCodeAt(0) : 0;
  if (t < 0x61 || t > 0x7a || line.charCodeAt(1) !== 0x3d || line.indexOf('\n') !== -1 || line.indexOf('\0') !== -1) {
    throw new SdpError('bad-argument', `${JSON.stringify(String(line).slice(0, 40))} is not a line: <letter a-z>=<value> without LF or NUL`);
  }
  return line;
}

function checkedLines(lines: readonly string[]): readonly string[] {
  if (!Array.isArray(lines)) throw new SdpError('bad-argument', 'lines must be an array of strings');
  for (const l of lines) checkedLine(l);
  return Object.freeze(lines.slice());
}
