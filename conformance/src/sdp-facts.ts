/** The few SDP facts the scenarios need (RFC 8841), read with regular expressions. */

/**
 * `a=max-message-size` of the first m=application section (RFC 8841 §6): absent means
 * 65536; 0 means "any size" (returned as Infinity).
 */
export function maxMessageSize(sdp: string): number {
  const m = /^a=max-message-size:(\d+)/m.exec(sdp);
  if (!m) return 65536;
  const n = Number(m[1]);
  return n === 0 ? Infinity : n;
}

export function candidateLines(sdp: string): string[] {
  return sdp.split(/\r?\n/).filter((l) => l.startsWith('a=candidate:'));
}
