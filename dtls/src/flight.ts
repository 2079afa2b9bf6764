import { ContentType, HANDSHAKE_HEADER_LENGTH, RECORD_HEADER_LENGTH } from './constants.js';
import { encodeHandshakeFragment } from './handshake.js';

/**
 * One element of a flight (RFC 6347 §4.2.4): a handshake message, or the ChangeCipherSpec
 * record that switches our write epoch. Messages are kept whole; they are cut into
 * fragments anew at every (re)transmission, each time in records with fresh sequence numbers.
 */
export type FlightEntry =
  | { kind: 'handshake'; msgType: number; messageSeq: number; body: Uint8Array; epoch: number }
  | { kind: 'change_cipher_spec'; epoch: number };

/** Produces a complete record (header + protected fragment) in `epoch`, assigning its sequence number. */
export type RecordSealer = (type: number, epoch: number, payload: Uint8Array) => Uint8Array;

/**
 * Pack a flight into datagrams of at most `mtu` bytes: records are concatenated while they
 * fit, and handshake messages are fragmented (RFC 6347 §4.2.3) so that every record fits.
 * `overhead(epoch)` is the AEAD expansion of a record in that epoch.
 */
export function packFlight(entries: readonly FlightEntry[], mtu: number, seal: RecordSealer, overhead: (epoch: number) => number): Uint8Array[] {
  const datagrams: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  let used = 0;
  const flush = () => {
    if (current.length === 0) return;
    if (current.length === 1) datagrams.push(current[0]);
    else {
      const d = new Uint8Array(used);
      let o = 0;
      for (const r of current) {
        d.set(r, o);
        o += r.length;
      }
      datagrams.push(d);
    }
    current = [];
    used = 0;
  };
  const append = (record: Uint8Array) => {
    if (used + record.length > mtu) flush();
    current.push(record);
    used += record.length;
  };

  for (const e of entries) {
    if (e.kind === 'change_cipher_spec') {
      append(seal(ContentType.change_cipher_spec, e.epoch, Uint8Array.of(1)));
      continue;
    }
    const perRecord = RECORD_HEADER_LENGTH + overhead(e.epoch) + HANDSHAKE_HEADER_LENGTH;
    let offset = 0;
    do {
      const remaining = e.body.length - offset;
      let space = mtu - used - perRecord;
      // Start a new datagram rather than send a uselessly small fragment.
      if (space < Math.min(remaining, 64)) {
        flush();
        space = mtu - perRecord;
      }
      const n = Math.min(space, remaining);
      append(seal(ContentType.handshake, e.epoch, encodeHandshakeFragment(e.msgType, e.messageSeq, e.body, offset, n)));
      offset += n;
    } while (offset < e.body.length);
  }
  flush();
  return datagrams;
}
