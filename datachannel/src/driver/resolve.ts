/**
 * ICE server URLs (RFC 7064 `stun:`, RFC 7065 `turn:`) → transport addresses, resolving host
 * names with the OS resolver. IO, so it lives with the driver.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { TransportAddress } from '../engines.js';

export interface IceServerUrl {
  scheme: 'stun' | 'stuns' | 'turn' | 'turns';
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
}

/** Parse `stun:host[:port]` / `turn:host[:port][?transport=udp|tcp]`. Throws `SyntaxError` when malformed. */
export function parseIceServerUrl(url: string): IceServerUrl {
  const m = /^(stuns?|turns?):(\[[^\]]+\]|[^:?/\[\]]+)(?::(\d+))?(?:\?transport=(udp|tcp))?$/i.exec(url.trim());
  if (m === null) throw new SyntaxError(`"${url}" is not a valid stun:/turn: URL (RFC 7064, RFC 7065)`);
  const scheme = m[1].toLowerCase() as IceServerUrl['scheme'];
  let host = m[2];
  if (host.startsWith('[')) host = host.slice(1, -1);
  const secure = scheme === 'stuns' || scheme === 'turns';
  const port = m[3] !== undefined ? Number(m[3]) : secure ? 5349 : 3478;
  if (port < 1 || port > 65535) throw new SyntaxError(`"${url}": port ${port} is out of range`);
  return { scheme, host, port, transport: (m[4]?.toLowerCase() as 'udp' | 'tcp' | undefined) ?? 'udp' };
}

/** Resolve the host of a server URL to one address (IPv4 preferred). */
export async function resolveServer(u: IceServerUrl): Promise<TransportAddress> {
  const family = isIP(u.host);
  if (family !== 0) return { family: family as 4 | 6, address: u.host, port: u.port };
  const r = await lookup(u.host, { family: 0, order: 'ipv4first' } as never);
  const found = r as unknown as { address: string; family: number };
  return { family: found.family === 6 ? 6 : 4, address: found.address, port: u.port };
}
