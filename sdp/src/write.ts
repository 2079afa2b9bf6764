/**
 * writeSdp: the canonical text, CRLF after every line (RFC 8866 §5). A section still read from
 * CRLF source text is copied as one span; other sections are written line by line, each line
 * checked to be `<letter>=<value>` without CR, LF or NUL so that no edit can inject lines.
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
  const n = s.lineCount;
  for (let i = 0; i < n; i++) {
    const line = s.line(i);
    checkLine(line);
    out += line + '\r\n';
  }
  return out;
}

function checkLine(line: string): void {
  const t = typeof line === 'string' ? line.charCodeAt(0) : 0;
  if (!(t >= 0x61 && t <= 0x7a) || line.charCodeAt(1) !== 0x3d || line.indexOf('\n') !== -1 || line.indexOf('\r') !== -1 || line.indexOf('\u0000') !== -1) {
    throw new SdpError('bad-argument', `cannot write ${JSON.stringify(String(line).slice(0, 40))}: a line is <letter>=<value> without CR, LF or NUL`);
  }
}
