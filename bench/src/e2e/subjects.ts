/**
 * The implementations the end-to-end bench compares. Each is a W3C-style RTCPeerConnection
 * that runs in this process; the small differences (werift's events, node-datachannel's
 * cleanup) are smoothed over here so the scenarios stay implementation-neutral.
 */

// Minimal structural types: the scenarios only use this much of the W3C API.
export interface Channel {
  readonly label: string;
  readyState: string;
  bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType?: string;
  send(data: Uint8Array | string): void;
  close(): void;
  onopen: ((ev?: unknown) => void) | null | undefined;
  onmessage: ((ev: { data: unknown }) => void) | null | undefined;
}
export interface PeerConnection {
  createDataChannel(label: string, init?: Record<string, unknown>): Channel;
  createOffer(): Promise<{ type: string; sdp?: string }>;
  createAnswer(): Promise<{ type: string; sdp?: string }>;
  setLocalDescription(d?: { type: string; sdp?: string }): Promise<void>;
  setRemoteDescription(d: { type: string; sdp?: string }): Promise<void>;
  addIceCandidate(c: unknown): Promise<void>;
  readonly localDescription: { type: string; sdp: string } | null;
  iceGatheringState: string;
  close(): void;
  onicecandidate: ((ev: { candidate: unknown }) => void) | null | undefined;
  ondatachannel: ((ev: { channel: Channel }) => void) | null | undefined;
  onicegatheringstatechange?: (() => void) | null;
}

export interface Subject {
  name: string;
  /** npm package and version, for the report. */
  version: string;
  create(): PeerConnection;
  /** Call cb once whenever the channel's buffered amount falls to its threshold. */
  onBufferedAmountLow(ch: Channel, cb: () => void): void;
  /** Release process-wide resources (threads, sockets) after the run. */
  shutdown?(): void | Promise<void>;
}

const version = async (pkg: string): Promise<string> => {
  const { readFileSync } = await import('node:fs');
  const { createRequire } = await import('node:module');
  const req = createRequire(import.meta.url);
  try {
    const main = req.resolve(pkg);
    let dir = main;
    for (let i = 0; i < 6; i++) {
      dir = dir.slice(0, dir.lastIndexOf('/'));
      try {
        const j = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
        if (j.name === pkg) return `${pkg}@${j.version}`;
      } catch {}
    }
  } catch {}
  return pkg;
};

const w3cLow = (ch: Channel, cb: () => void) => {
  (ch as unknown as { onbufferedamountlow: () => void }).onbufferedamountlow = cb;
};

async function tsrtcSubject(name: string, tsrtc: Record<string, unknown> | undefined): Promise<Subject | undefined> {
  try {
    const mod = (await import('@tsrtc/datachannel')) as Record<string, unknown>;
    const PC = mod.RTCPeerConnection as (new (cfg?: unknown) => PeerConnection) | undefined;
    if (!PC) return undefined;
    return { name, version: 'tsrtc (this repo)', create: () => new PC(tsrtc ? { tsrtc } : undefined), onBufferedAmountLow: w3cLow };
  } catch {
    return undefined;
  }
}

export const SUBJECTS: Record<string, () => Promise<Subject | undefined>> = {
  tsrtc: () => tsrtcSubject('tsrtc', undefined),
  /**
   * Probe, not a default subject: SCTP packets of exactly `TSRTC_MTU` bytes (default 1200; no path-MTU
   * discovery) and RFC 9653 zero checksum when `TSRTC_ZC=1`. With the defaults this is what tsrtc does
   * toward a browser or another stack (1200-byte datagrams, CRC32c), measured between two tsrtc peers.
   */
  'tsrtc-probe': () => {
    const mtu = Number(process.env.TSRTC_MTU ?? 1200);
    return tsrtcSubject('tsrtc-probe', { engines: { sctp: { mtu, maxMtu: mtu, zeroChecksum: process.env.TSRTC_ZC === '1' } } });
  },
  async 'node-datachannel'() {
    const mod = (await import('node-datachannel/polyfill')) as unknown as { RTCPeerConnection: new (cfg?: unknown) => PeerConnection };
    const ndc = (await import('node-datachannel')) as unknown as { cleanup?: () => void; default?: { cleanup?: () => void } };
    return {
      name: 'node-datachannel',
      version: await version('node-datachannel'),
      create: () => new mod.RTCPeerConnection({ iceServers: [] }),
      onBufferedAmountLow: w3cLow,
      shutdown: () => (ndc.cleanup ?? ndc.default?.cleanup)?.(),
    };
  },
  async wrtc() {
    const mod = (await import('@roamhq/wrtc')) as unknown as { default: { RTCPeerConnection: new (cfg?: unknown) => PeerConnection } };
    return { name: 'wrtc', version: await version('@roamhq/wrtc'), create: () => new mod.default.RTCPeerConnection({ iceServers: [] }), onBufferedAmountLow: w3cLow };
  },
  async werift() {
    const mod = (await import('werift')) as unknown as { RTCPeerConnection: new (cfg?: unknown) => PeerConnection };
    return {
      name: 'werift',
      version: await version('werift'),
      create: () => new mod.RTCPeerConnection({ iceServers: [] }),
      onBufferedAmountLow(ch, cb) {
        (ch as unknown as { bufferedAmountLow: { subscribe(f: () => void): void } }).bufferedAmountLow.subscribe(cb);
      },
    };
  },
};
