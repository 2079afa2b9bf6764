/**
 * W3C RTCPeerConnection implementations that run in this Node process. Each can be the
 * subject of the matrix (the stack under test) or, through the echo driver, a remote peer.
 */
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { packageVersion } from '../package-version.js';
import type { W3cPeerConnectionCtor } from '../w3c.js';

export const IMPLEMENTATION_NAMES = ['tsrtc', 'wrtc', 'werift', 'ndc'] as const;
export type ImplementationName = (typeof IMPLEMENTATION_NAMES)[number];

export interface W3cImplementation {
  name: ImplementationName;
  /** library and version, for the report */
  description: string;
  RTCPeerConnection: W3cPeerConnectionCtor;
  /** RTCConfiguration (plus the library's own loopback options) */
  config: object;
}

const require = createRequire(import.meta.url);

const version = packageVersion;

export async function loadImplementation(name: ImplementationName): Promise<W3cImplementation> {
  switch (name) {
    case 'tsrtc': {
      const mod = (await import('@tsrtc/datachannel')) as Record<string, unknown>;
      const Ctor = mod['RTCPeerConnection'] as W3cPeerConnectionCtor | undefined;
      if (typeof Ctor !== 'function') throw new Error('@tsrtc/datachannel does not export RTCPeerConnection (yet)');
      return { name, description: `tsrtc ${gitDescribe()} (@tsrtc/datachannel)`, RTCPeerConnection: Ctor, config: { iceServers: [] } };
    }
    case 'wrtc': {
      const mod = require('@roamhq/wrtc') as { RTCPeerConnection: W3cPeerConnectionCtor };
      return { name, description: `@roamhq/wrtc ${version('@roamhq/wrtc')} (libwebrtc M106)`, RTCPeerConnection: mod.RTCPeerConnection, config: { iceServers: [] } };
    }
    case 'werift': {
      const mod = (await import('werift')) as unknown as { RTCPeerConnection: W3cPeerConnectionCtor };
      return { name, description: `werift ${version('werift')}`, RTCPeerConnection: mod.RTCPeerConnection, config: { iceServers: [], iceUseIpv6: false, iceAdditionalHostAddresses: ['127.0.0.1'] } };
      // werift skips loopback interfaces; the HTTP peers keep only 127.0.0.1 remote candidates
    }
    case 'ndc': {
      const mod = (await import('node-datachannel/polyfill')) as unknown as { RTCPeerConnection: W3cPeerConnectionCtor };
      return {
        name,
        description: `node-datachannel ${version('node-datachannel')} polyfill (libdatachannel)`,
        RTCPeerConnection: mod.RTCPeerConnection,
        // every interface otherwise; loopback only, as ../shared/peers does
        config: { iceServers: [], bindAddress: '127.0.0.1' },
      };
    }
  }
}

/** Is `name` importable now? (tsrtc's RTCPeerConnection lands later in the session.) */
export async function implementationAvailable(name: ImplementationName): Promise<boolean> {
  try { await loadImplementation(name); return true; } catch { return false; }
}

function gitDescribe(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch { return 'workspace'; }
}
