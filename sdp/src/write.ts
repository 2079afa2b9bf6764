/**
 * writeSdp: the canonical text, CRLF after every line (RFC 8866 §5). A section still read from
 * CRLF source text is copied as one span; other sections are written line by line. Lines need
 * no checks here: the parser and SdpSection's constructors and edit methods only admit
 * `<letter>=<value>` lines without LF or NUL.
 */
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
    // Read from LF-only source text.
    const n = s.lineCount;
    for (let i = 0; i < n; i++) out += s.line(i) + '\r\n';
    return out;
  }
  for (let i = 0; i < lines.length; i++) out += lines[i] + '\r\n';
  return out;
}
