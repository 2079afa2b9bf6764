import { readFileSync, readdirSync } from 'node:fs';
import { ByteReader, HandshakeReassembler, emptyRecordHeader, readHandshakeFragment, readRecordHeader, type HandshakeMessage } from '@tsrtc/dtls';

export const FIXTURES = new URL('../../../shared/fixtures/dtls/', import.meta.url);

export function fixtureNames(suffix: string): string[] {
  return readdirSync(FIXTURES).filter((f) => f.endsWith(suffix)).sort();
}

/** One datagram per line. */
export function readHexDatagrams(name: string): Uint8Array[] {
  return readFileSync(new URL(name, FIXTURES), 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => Uint8Array.from(Buffer.from(l.trim(), 'hex')));
}

export function readJson<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

export interface ParsedRecord {
  type: number;
  version: number;
  epoch: number;
  sequenceNumber: number;
  fragment: Uint8Array;
}

/** Split a datagram into records (stops at the first header that does not fit). */
export function splitRecords(datagram: Uint8Array): ParsedRecord[] {
  const out: ParsedRecord[] = [];
  const h = emptyRecordHeader();
  let off = 0;
  while (off < datagram.length && readRecordHeader(datagram, off, h)) {
    out.push({ type: h.type, version: h.version, epoch: h.epoch, sequenceNumber: h.sequenceNumber, fragment: datagram.subarray(off + 13, off + 13 + h.length) });
    off += 13 + h.length;
  }
  return out;
}

/** Reassemble the plaintext (epoch 0) handshake messages in these datagrams, in message_seq order, duplicates ignored. */
export function reassemblePlaintext(datagrams: Uint8Array[], firstSeq = 0): HandshakeMessage[] {
  const r = new HandshakeReassembler(1 << 16, 32);
  r.reset(firstSeq);
  const out: HandshakeMessage[] = [];
  for (const d of datagrams) {
    for (const rec of splitRecords(d)) {
      if (rec.type !== 22 || rec.epoch !== 0) continue;
      const reader = new ByteReader(rec.fragment);
      while (reader.remaining > 0) r.add(readHandshakeFragment(reader), 0);
      for (let m = r.pop(); m !== undefined; m = r.pop()) out.push(m);
    }
  }
  return out;
}
