/** The matrix columns: every remote peer by name, and how to start it. */
import { chromiumRemote, firefoxRemote } from './browser.js';
import { httpEchoRemote } from './http-echo.js';
import { inProcessRemote } from './in-process.js';
import { IMPLEMENTATION_NAMES, loadImplementation, type ImplementationName } from './implementations.js';
import type { RemotePeer } from './types.js';

export const PEER_NAMES = ['chromium', 'chromium-mdns-off', 'firefox', 'aiortc', 'pion', 'libdatachannel', 'wrtc', 'werift', 'ndc', 'tsrtc'] as const;
export type PeerName = (typeof PEER_NAMES)[number];

/** Default columns; `tsrtc` joins when it is importable. `ndc` (the polyfill in-process) duplicates libdatachannel. */
export const DEFAULT_PEERS: PeerName[] = ['chromium', 'chromium-mdns-off', 'firefox', 'aiortc', 'pion', 'libdatachannel', 'wrtc', 'werift'];

export function isPeerName(s: string): s is PeerName {
  return (PEER_NAMES as readonly string[]).includes(s);
}

export async function startRemote(name: PeerName): Promise<RemotePeer> {
  switch (name) {
    case 'chromium': return chromiumRemote(name, { mdns: true });
    case 'chromium-mdns-off': return chromiumRemote(name, { mdns: false });
    case 'firefox': return firefoxRemote(name);
    case 'aiortc': case 'pion': case 'libdatachannel': return httpEchoRemote(name);
    default: {
      if (!(IMPLEMENTATION_NAMES as readonly string[]).includes(name)) throw new Error(`unknown peer ${name}`);
      return inProcessRemote(await loadImplementation(name as ImplementationName));
    }
  }
}
