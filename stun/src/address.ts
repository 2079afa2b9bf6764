/**
 * Transport addresses and the (XOR-)MAPPED-ADDRESS value layout (RFC 8489 §14.1, §14.2),
 * shared by MAPPED-ADDRESS, XOR-MAPPED-ADDRESS, ALTERNATE-SERVER and TURN's
 * XOR-PEER-ADDRESS / XOR-RELAYED-ADDRESS.
 *
 *   0 | reserved (8) | family (8) | port (16) | address (32 or 128 bits)
 *
 * In the XOR forms the port is XORed with the top 16 bits of the magic cookie and the address
 * with the magic cookie (IPv4) or the magic cookie followed by the transaction ID (IPv6).
 */
import { StunError } from './errors.js';

/** An IP address and port. IPv6 addresses are written in RFC 5952 form (as Node's sockets do). */
export interface TransportAddress {
  family: 4 | 6;
  address: string;
  port: number;
}

const FAMILY_IPV4 = 0x01;
const FAMILY_IPV6 = 0x02;

/**
 * Reads an address value at `raw[start, start + length)`. With `xor`, the header bytes
 * raw[4..20) of the message (cookie + transaction ID) are the XOR mask.
 */
export function readAddress(raw: Uint8Array, start: number, length: number, xor: boolean): TransportAddress {
  if (length < 4) throw new StunError('bad-attribute', `address value of ${length} bytes`, start);
  const family = raw[start + 1];
  let port = (raw[start + 2] << 8) | raw[start + 3];
  if (xor) port ^= 0x2112;
  if (family === FAMILY_IPV4) {
    if (length !== 8) throw new StunError('bad-attribute', `IPv4 address value of ${length} bytes`, start);
    const a = start + 4;
    if (xor) {
      return { family: 4, address: `${raw[a] ^ 0x21}.${raw[a + 1] ^ 0x12}.${raw[a + 2] ^ 0xa4}.${raw[a + 3] ^ 0x42}`, port };
    }
    return { family: 4, address: `${raw[a]}.${raw[a + 1]}.${raw[a + 2]}.${raw[a + 3]}`, port };
  }
  if (family === FAMILY_IPV6) {
    if (length !== 20) throw new StunError('bad-attribute', `IPv6 address value of ${length} bytes`, start);
    const groups = new Array<number>(8);
    for (let i = 0; i < 8; i++) {
      const o = start + 4 + 2 * i;
      let hi = raw[o];
      let lo = raw[o + 1];
      if (xor) {
        // mask byte k (0..15) is raw[4 + k]: the cookie, then the transaction ID
        hi ^= raw[4 + 2 * i];
        lo ^= raw[5 + 2 * i];
      }
      groups[i] = (hi << 8) | lo;
    }
    return { family: 6, address: formatIpv6(groups), port };
  }
  throw new StunError('bad-attribute', `unknown address family 0x${family.toString(16)}`, start + 1);
}

/** Size of the address value for a family: 8 (IPv4) or 20 (IPv6). */
export function addressValueLength(addr: TransportAddress): number {
  return addr.family === 6 ? 20 : 8;
}

/** Writes an address value at `out[at..]`; `header` is the message's bytes 0..20 (for XOR). */
export function writeAddress(out: Uint8Array, at: number, addr: TransportAddress, xor: boolean, header: Uint8Array): void {
  const port = addr.port;
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) throw new StunError('bad-argument', `port ${port}`);
  const xport = xor ? port ^ 0x2112 : port;
  out[at] = 0;
  out[at + 2] = xport >> 8;
  out[at + 3] = xport & 0xff;
  if (addr.family === 4) {
    out[at + 1] = FAMILY_IPV4;
    parseIpv4(addr.address, out, at + 4);
    if (xor) for (let k = 0; k < 4; k++) out[at + 4 + k] ^= header[4 + k];
  } else if (addr.family === 6) {
    out[at + 1] = FAMILY_IPV6;
    parseIpv6(addr.address, out, at + 4);
    if (xor) for (let k = 0; k < 16; k++) out[at + 4 + k] ^= header[4 + k];
  } else {
    throw new StunError('bad-argument', `address family ${String((addr as { family: unknown }).family)}`);
  }
}

/** Parses dotted-quad IPv4 text into 4 bytes at out[at..] (one pass over the characters). */
export function parseIpv4(text: string, out: Uint8Array, at: number): void {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e; // a final '.' closes the last part
    if (c >= 0x30 && c <= 0x39 && digits < 3) {
      value = value * 10 + (c - 0x30);
      digits++;
    } else if (c === 0x2e && digits > 0 && value <= 255 && part < 4) {
      out[at + part++] = value;
      value = 0;
      digits = 0;
    } else {
      throw new StunError('bad-argument', `not an IPv4 address: ${text}`);
    }
  }
  if (part !== 4) throw new StunError('bad-argument', `not an IPv4 address: ${text}`);
}

/** Parses IPv6 text (with `::`, an optional trailing dotted quad, an optional `%zone`) into 16 bytes. */
export function parseIpv6(text: string, out: Uint8Array, at: number): void {
  const bad = () => new StunError('bad-argument', `not an IPv6 address: ${text}`);
  let s = text;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const words: number[] = [];
  const parseSide = (side: string): number[] => {
    if (side === '') return [];
    const res: number[] = [];
    const items = side.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = new Uint8Array(4);
        parseIpv4(item, v4, 0);
        res.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) throw bad();
        res.push(parseInt(item, 16));
      }
    }
    return res;
  };
  const dbl = s.indexOf('::');
  if (dbl >= 0) {
    if (s.indexOf('::', dbl + 1) >= 0) throw bad();
    const head = parseSide(s.slice(0, dbl));
    const tail = parseSide(s.slice(dbl + 2));
    if (head.length + tail.length > 7) throw bad();
    words.push(...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail);
  } else {
    words.push(...parseSide(s));
    if (words.length !== 8) throw bad();
  }
  for (let i = 0; i < 8; i++) {
    out[at + 2 * i] = words[i] >> 8;
    out[at + 2 * i + 1] = words[i] & 0xff;
  }
}

/** RFC 5952 text form: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::`. */
export function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.map((g) => g.toString(16)).join(':');
  const head = groups.slice(0, bestStart).map((g) => g.toString(16)).join(':');
  const tail = groups.slice(bestStart + bestLen).map((g) => g.toString(16)).join(':');
  return `${head}::${tail}`;
}
