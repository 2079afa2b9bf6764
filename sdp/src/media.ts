/**
 * A media description: an m= line and the lines up to the next m= (RFC 8866 §5.14), with typed
 * getters for what ICE (RFC 8839), DTLS (RFC 8842) and SCTP data channels (RFC 8841) need.
 */
import { parseCandidateAt, writeCandidate, type Candidate } from './candidate.js';
import type { Fingerprint } from './fingerprint.js';
import { parseMediaLineAt, parseSctpmapAt, type Direction, type MediaLine, type Sctpmap, type Setup } from './fields.js';
import { SdpLevel } from './level.js';
import { readUint } from './scan.js';
import type { SessionDescription } from './session.js';

/** RFC 8841 §6.1: without a=max-message-size the peer accepts 64 KiB messages. */
export const DEFAULT_MAX_MESSAGE_SIZE = 65536;
/** RFC 8841 §5.1: the SCTP port when neither a=sctp-port nor a legacy port is given. */
export const DEFAULT_SCTP_PORT = 5000;

export interface IceParameters {
  ufrag: string | undefined;
  pwd: string | undefined;
  /** Media-level a=ice-options, else session-level. */
  options: string[];
  /** a=ice-lite (session level only, RFC 8839 §5.3). */
  lite: boolean;
}

export interface DtlsParameters {
  /** Media-level fingerprints, else session-level ones (RFC 8842 §5.1). */
  fingerprints: Fingerprint[];
  setup: Setup | undefined;
}

export interface SctpParameters {
  /** a=sctp-port, else the legacy a=sctpmap / fmt port, else 5000. */
  port: number;
  /** a=max-message-size; 65536 when absent; `Infinity` for 0 ("no limit", RFC 8841 §6.1). */
  maxMessageSize: number;
  /** The pre-RFC 8841 form (`DTLS/SCTP <port>` + a=sctpmap), as aiortc 1.4 still offers. */
  legacy: boolean;
}

export class MediaDescription extends SdpLevel {
  /** The description this section belongs to; set by `parseSdp` and the builders, read by the resolving helpers. */
  session: SessionDescription | undefined;

  /** A media description from its lines (the first one is the m= line), e.g. `new MediaDescription(['m=application 9 UDP/DTLS/SCTP webrtc-datachannel'])`. */
  constructor(lines?: readonly string[], src?: string, offsets?: readonly number[], first?: number, count?: number, crlf?: boolean, session?: SessionDescription) {
    super(src === undefined ? (lines ?? []) : undefined, src, offsets, first, count, crlf);
    this.session = session;
  }

  /** The m= line (RFC 8866 §5.14). */
  get mediaLine(): MediaLine {
    if (this.lineCount === 0 || this._text(0).charCodeAt(this._start(0)) !== 0x6d) this._fail('bad-media', 'a media description must start with m=', 0);
    return parseMediaLineAt(this._text(0), this._lineValueStart(0), this._end(0), this.lineNumber(0));
  }

  get kind(): string {
    return this.mediaLine.kind;
  }

  get port(): number {
    return this.mediaLine.port;
  }

  get proto(): string {
    return this.mediaLine.proto;
  }

  get formats(): string[] {
    return this.mediaLine.formats;
  }

  /** An SCTP-over-DTLS section: `UDP/DTLS/SCTP` / `TCP/DTLS/SCTP` (RFC 8841) or legacy `DTLS/SCTP`. */
  get isDataChannel(): boolean {
    if (this.lineCount === 0) return false;
    // Read straight from the m= line: `m=application <port> <proto> ...`.
    const src = this._text(0);
    const s = this._start(0);
    const e = this._end(0);
    if (!src.startsWith('m=application ', s)) return false;
    const protoStart = src.indexOf(' ', s + 14) + 1;
    if (protoStart === 0 || protoStart >= e) return false;
    let protoEnd = src.indexOf(' ', protoStart);
    if (protoEnd === -1 || protoEnd > e) protoEnd = e;
    return protoEnd - protoStart >= 9 && src.startsWith('DTLS/SCTP', protoEnd - 9);
  }

  /** Port 0 without a=bundle-only: the answerer rejected the section (RFC 8866 §5.14, RFC 9143 §7.3.3). */
  get rejected(): boolean {
    return this.mediaLine.port === 0 && !this.hasAttribute('bundle-only');
  }

  /** a=mid (RFC 5888 §4). */
  get mid(): string | undefined {
    const i = this.findAttribute('mid', 0);
    if (i < 0) return undefined;
    const s = this._valueStart(i, 'mid');
    const e = this._end(i);
    if (s === e) this._fail('bad-attribute', 'empty a=mid', i);
    return this._text(i).slice(s, e);
  }

  /** Every a=candidate, parsed (RFC 8839 §5.1). Throws SdpError('bad-candidate', line) for a malformed one. */
  get candidates(): Candidate[] {
    const out: Candidate[] = [];
    for (let i = this.findAttribute('candidate', 0); i >= 0; i = this.findAttribute('candidate', i + 1)) {
      out.push(parseCandidateAt(this._text(i), this._valueStart(i, 'candidate'), this._end(i), this.lineNumber(i)));
    }
    return out;
  }

  /**
   * Adds `a=candidate:…` (a trickled candidate joining the local description, as browsers'
   * `localDescription` does): after the last candidate line, else after the c= line, else at the end.
   */
  addCandidate(c: Candidate): this {
    const line = `a=${writeCandidate(c)}`;
    let at = -1;
    for (let i = this.findAttribute('candidate', 0); i >= 0; i = this.findAttribute('candidate', i + 1)) at = i;
    if (at < 0) at = this.findLine('c');
    return this.insertLine(at < 0 ? this.lineCount : at + 1, line);
  }

  /** a=end-of-candidates (RFC 8840 §8.2). */
  get endOfCandidates(): boolean {
    return this.hasAttribute('end-of-candidates');
  }

  /** a=sctp-port (RFC 8841 §5.1). */
  get sctpPort(): number | undefined {
    return this._number('sctp-port', 65535);
  }

  /** a=sctpmap (pre-RFC 8841 drafts). */
  get sctpmap(): Sctpmap | undefined {
    const i = this.findAttribute('sctpmap', 0);
    if (i < 0) return undefined;
    return parseSctpmapAt(this._text(i), this._valueStart(i, 'sctpmap'), this._end(i), this.lineNumber(i));
  }

  /** a=max-message-size as written (RFC 8841 §6); see `sctpParameters()` for the default. */
  get maxMessageSize(): number | undefined {
    return this._number('max-message-size', Number.MAX_SAFE_INTEGER);
  }

  /** a=tls-id (RFC 8842 §5.2). */
  get tlsId(): string | undefined {
    return this.attribute('tls-id');
  }

  /** a=rtcp-mux (RFC 5761). */
  get rtcpMux(): boolean {
    return this.hasAttribute('rtcp-mux');
  }

  /** ICE parameters of this section, falling back to session level (RFC 8839 §5.4, §5.6). */
  iceParameters(session: SessionDescription | undefined = this.session): IceParameters {
    return {
      ufrag: this.iceUfrag ?? session?.iceUfrag,
      pwd: this.icePwd ?? session?.icePwd,
      options: this.hasAttribute('ice-options') ? this.iceOptions : (session?.iceOptions ?? []),
      lite: session?.iceLite ?? false,
    };
  }

  /** DTLS parameters of this section, falling back to session level (RFC 8842 §5). */
  dtlsParameters(session: SessionDescription | undefined = this.session): DtlsParameters {
    const own = this.fingerprints;
    return {
      fingerprints: own.length > 0 ? own : (session?.fingerprints ?? []),
      setup: this.setup ?? session?.setup,
    };
  }

  /** SCTP parameters with the RFC 8841 defaults applied. */
  sctpParameters(): SctpParameters {
    const m = this.mediaLine;
    const legacy = m.proto === 'DTLS/SCTP';
    let port = this.sctpPort;
    if (port === undefined) {
      const map = this.sctpmap;
      if (map !== undefined) port = map.port;
      else if (legacy) port = readUint(m.formats[0], 0, m.formats[0].length, 65535, 'bad-media', this.lineNumber(0));
      else port = DEFAULT_SCTP_PORT;
    }
    const max = this.maxMessageSize;
    return { port, maxMessageSize: max === undefined ? DEFAULT_MAX_MESSAGE_SIZE : max === 0 ? Infinity : max, legacy };
  }

  /** Media-level direction, else session-level, else sendrecv (RFC 8866 §6.7). */
  effectiveDirection(session: SessionDescription | undefined = this.session): Direction {
    return this.direction ?? session?.direction ?? 'sendrecv';
  }

  private _number(name: string, max: number): number | undefined {
    const i = this.findAttribute(name, 0);
    if (i < 0) return undefined;
    return readUint(this._text(i), this._valueStart(i, name), this._end(i), max, 'bad-attribute', this.lineNumber(i));
  }
}
