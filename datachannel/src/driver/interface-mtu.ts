/**
 * The MTU of the network interface that holds a local IP address: what bounds the datagrams the
 * stack sends from it without local IP fragmentation. The driver passes it to the peer
 * connection (addLocalAddress), which derives the SCTP PLPMTUD ceiling from it.
 *
 * Linux: `/sys/class/net/<interface>/mtu` of the interface `os.networkInterfaces()` lists the
 * address under. Elsewhere, or when that cannot be read: undefined (the caller assumes 1500).
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

const cache = new Map<string, number | undefined>();

export function interfaceMtu(address: string): number | undefined {
  if (cache.has(address)) return cache.get(address);
  let mtu: number | undefined;
  const bare = address.replace(/%.*$/, '');
  for (const [name, list] of Object.entries(networkInterfaces())) {
    if (!list?.some((i) => i.address === bare)) continue;
    try {
      const n = Number(readFileSync(`/sys/class/net/${name}/mtu`, 'utf8').trim());
      if (Number.isInteger(n) && n >= 576) mtu = n;
    } catch {
      // not Linux, or no such file: unknown
    }
    break;
  }
  cache.set(address, mtu);
  return mtu;
}
