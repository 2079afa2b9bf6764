/**
 * writeSdp: the canonical text, CRLF after every line (RFC 8866 §5). A section still read from
 * CRLF source text is copied as one span; other sections are written line by line.
 *
 * Lines that came from parsed text cannot hold an LF. Lines set by the caller are checked to be
 * `<letter>=<value>` without LF, so no edit can inject a line (RFC 8866 §5 ends lines with
 * CRLF and parsers, browsers' included, split at LF; a lone CR ends nothing).
 */
import { SdpError } from './errors.js';
import type { SdpSection } from './section.js';
import type { SessionDescription } from './session.js';

export function writeSdp(desc: SessionDescription): string {
  let out = sectionText(desc);
  const media = desc.media;
  for (let i = 0; i < media.length; i++) out += sectionText(media[i]);
  return out;
}

function sectionText(s: SdpSection): string {
  const span = s._canonicalText();
  if (span !== undefined) return span;
  let out = '';
  const lines = s._editedLines();
  if (lines === undefined) {
    // Read from LF-only source text: every line is already well-formed.
    const n = s.lineCount;
    for (let i = 0; i < n; i++) out += s.line(i) + '\r\n';
    return out;
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const t = typeof line === 'string' ? line.charCodeAt(0) : 0;
    if (t < 0x61 || t > 0x7a || line.charCodeAt(1) !== 0x3d || line.indexOf('\n') !== -1) badLine(line);
    out += line + '\r\n';
  }
  return out;
}

function badLine(line: unknown): never {
  throw new SdpError('bad-argument', `cannot write ${JSON.stringify(String(line).slice(0, 40))}: a line is <letter>=<value> without LF`);
}
