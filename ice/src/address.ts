import type { TransportAddress } from '@tsrtc/stun';

export type { TransportAddress };

/** A map key for a transport address: `ip|port` (IPv6 text as given, lower-cased by the caller). */
export function addressKey(a: TransportAddress): string {
  return a.address + '|' + a.port;
}

export function sameAddress(a: TransportAddress, b: TransportAddress): boolean {
  return a.port === b.port && a.address === b.address && a.family === b.family;
}

export function sameIp(a: TransportAddress, b: TransportAddress): boolean {
  return a.address === b.address && a.family === b.family;
}

export function formatAddress(a: TransportAddress): string {
  return a.family === 6 ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** IPv4 dotted quad or IPv6 text (anything with a colon); anything else is a hostname. */
export function ipFamily(address: string): 4 | 6 | undefined {
  if (address.includes(':')) return 6;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) return 4;
  return undefined;
}

export function copyAddress(a: TransportAddress): TransportAddress {
  return { family: a.family, address: a.address, port: a.port };
}
