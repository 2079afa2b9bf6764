/**
 * aiortc, pion and libdatachannel as remote echo peers through the HTTP contract of
 * ../shared/peers (README there): one process per matrix column, one peer connection per
 * `/offer` or `/connect`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChannelSpec, PeerStats, RemoteCaps, RemotePeer, WireMessage } from './types.js';

export const PEERS_DIR = process.env['RTC_PEERS_DIR'] ?? fileURLToPath(new URL('../../../../shared/peers/', import.meta.url));

/** matrix column → ../shared/peers folder */
export const HTTP_PEERS = { aiortc: 'aiortc', pion: 'pion', libdatachannel: 'ndc' } as const;
export type HttpPeerName = keyof typeof HTTP_PEERS;

interface StartedPeer { url: string; logFile: string; stop(): Promise<void> }

/** Where each peer's stderr goes (its logs would drown the matrix progress). */
export const PEER_LOG_DIR = path.join(tmpdir(), 'tsrtc-conformance');

/**
 * `<peer>/start.sh 0`: resolves once it prints `READY <port>`. SIGTERM stops it (SIGKILL
 * after 5 s). stdout is drained, stderr goes to PEER_LOG_DIR/<column>.log.
 */
function startPeer(column: string, folder: string, timeoutMs: number): Promise<StartedPeer> {
  mkdirSync(PEER_LOG_DIR, { recursive: true });
  const logFile = path.join(PEER_LOG_DIR, `${column}.log`);
  const log = createWriteStream(logFile);
  const proc = spawn(path.join(PEERS_DIR, folder, 'start.sh'), ['0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderr.pipe(log);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void stop(); reject(new Error(`${folder}: no READY within ${timeoutMs} ms (log ${logFile})`)); }, timeoutMs);
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const m = /^READY (\d+)/.exec(line);
      if (m) { clearTimeout(timer); resolve({ url: `http://127.0.0.1:${m[1]}`, logFile, stop }); }
    });
    proc.once('error', (e) => { clearTimeout(timer); reject(e); });
    void exited.then(() => { clearTimeout(timer); reject(new Error(`${folder} exited (${proc.exitCode ?? proc.signalCode}) before READY; log ${logFile}`)); });
  });
}

const NO_CAPS: RemoteCaps = { createChannel: false, closeChannel: false, negotiated: false, renegotiate: false, closeSession: false, channelParams: true, trickle: false };

class HttpEchoRemote implements RemotePeer {
  readonly caps: RemoteCaps;
  constructor(readonly name: string, readonly description: string, private readonly peer: StartedPeer) {
    // node-datachannel's API does not expose these for channels the other side opened
    this.caps = { ...NO_CAPS, channelParams: name !== 'libdatachannel' };
  }

  private async request<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.peer.url}${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`${this.name} ${route}: ${res.status} ${json.error ?? JSON.stringify(json)}`);
    return json;
  }

  async offer(spec: ChannelSpec = {}) {
    const r = await this.request<{ sdp: string; id: number }>('POST', '/connect', spec);
    return { session: r.id, sdp: r.sdp };
  }
  async answer(sdp: string) {
    const r = await this.request<{ sdp: string; id: number }>('POST', '/offer', { type: 'offer', sdp });
    return { session: r.id, sdp: r.sdp };
  }
  async applyAnswer(session: number, sdp: string) {
    await this.request('POST', '/answer', { type: 'answer', sdp, id: session });
  }
  async send(session: number, label: string, message: WireMessage) {
    await this.request('POST', '/send', { label, id: session, ...message });
  }
  stats() { return this.request<PeerStats>('GET', '/stats'); }
  async closeAll() { await this.request('POST', '/close'); }
  async dispose() { await this.peer.stop(); }
}

export async function httpEchoRemote(name: HttpPeerName): Promise<RemotePeer> {
  // a cold start builds pion first (about 70 s, ../shared/peers/README.md)
  const peer = await startPeer(name, HTTP_PEERS[name], 180_000);
  const health = await (await fetch(`${peer.url}/stats`)).json() as { peer?: string; version?: string };
  return new HttpEchoRemote(name, `${health.peer ?? name} ${health.version ?? ''} (../shared/peers/${HTTP_PEERS[name]}, HTTP echo contract; stderr in ${peer.logFile})`.trim(), peer);
}
