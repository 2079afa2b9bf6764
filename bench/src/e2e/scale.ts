/**
 * Scale: one `RtcEndpoint` process, N tsrtc `RTCPeerConnection` clients in this process, each
 * with one open data channel, then left idle (consent freshness, RFC 7675, keeps running: the
 * clients are full ICE agents and check every 4-6 s; the ICE-lite endpoint answers).
 * Reported from the endpoint process only: RSS and heap per connected peer (after GC), idle CPU
 * % of one core over `idleMs` and per datagram received, and handshakes per second of endpoint
 * CPU (offer → both sides open, endpoint CPU-seconds spent / handshakes) next to the wall rate.
 *
 * Memory baseline: the endpoint first serves and closes a warm-up batch (`warmup` peers: N/10,
 * at least 10, at most 1,000; env BENCH_SCALE_WARMUP; connected `concurrency` at a time like the
 * measured ones), so that one-time costs of a burst of handshakes are not all charged to the
 * first N peers: bytecode and JIT code of the handshake paths, V8 space and malloc high-water
 * marks (5-10 MB here). The batch is a tenth of N, so the memory its closed peers leave free for
 * the measured ones is at most ~10 % of theirs (a batch as large as N hid most of it: RSS per
 * peer below heap per peer at 100 peers). At 100 peers the one-time costs still dominate RSS per
 * peer; the marginal RSS per peer between two counts (main.ts) is the per-peer figure. Heap and
 * external per peer are live objects after GC and do not depend on the batch.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { RTCPeerConnection } from '@tsrtc/datachannel';

interface Usage { young: number; rss: number; heapUsed: number; external: number; arrayBuffers: number; cpuUs: number; sysUs: number; loopActiveMs: number; peers: number; datagramsReceived: number; datagramsSent: number }

export interface ScaleResult {
  peers: number;
  connected: number;
  rssKiBPerPeer: number;
  /** RSS growth over the baseline, MiB (for the marginal RSS per peer between two counts) */
  rssGrowthMiB: number;
  /** growth of V8's young generation (semi-spaces) over the baseline, MiB: part of the RSS growth, sized by the handshake rate, not by the peers held */
  youngGrowthMiB: number;
  heapKiBPerPeer: number;
  externalKiBPerPeer: number;
  idleCpuPct: number;
  /** of which kernel (system) time, % of one core */
  idleSysPct: number;
  /** time the event loop was not waiting in epoll, % (the main thread's share of idleCpuPct) */
  idleLoopActivePct: number;
  /** datagrams per second the endpoint received / sent while idle */
  idleDatagramsInPerSec: number;
  idleDatagramsOutPerSec: number;
  /** idle endpoint CPU (user + system) per datagram received, µs (each answered or absorbed) */
  idleCpuUsPerDatagram: number;
  /** peers of the warm-up batch served and closed before the baseline */
  warmup: number;
  handshakesPerCpuSec: number;
  handshakesPerWallSec: number;
}

class EndpointProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (m: Record<string, unknown>) => void>();
  constructor(private readonly child: ChildProcess) {
    child.on('message', (m: Record<string, unknown>) => {
      const cb = this.pending.get(m.id as number);
      if (cb) { this.pending.delete(m.id as number); cb(m); }
    });
  }
  static async start(): Promise<EndpointProcess> {
    const child = fork(new URL('./scale-endpoint.ts', import.meta.url), [], {
      execArgv: ['--conditions=tsrtc-source', '--import', 'tsx', '--expose-gc', '--max-old-space-size=8192', ...(process.env.BENCH_PROFILE_ENDPOINT ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_ENDPOINT}`] : []),
        // extra node flags for the endpoint process only, e.g. BENCH_ENDPOINT_NODE_ARGS='--trace-gc'
        ...(process.env.BENCH_ENDPOINT_NODE_ARGS?.split(' ').filter((a) => a !== '') ?? [])],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`endpoint process exited (${code})`)));
    });
    return new EndpointProcess(child);
  }
  request(m: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => { this.pending.set(id, resolve); this.child.send({ id, ...m }); });
  }
  usage(gc = false): Promise<Usage> { return this.request({ usage: true, gc }) as unknown as Promise<Usage>; }
  stop(): Promise<void> {
    return new Promise((resolve) => { this.child.once('exit', () => resolve()); this.child.disconnect(); });
  }
}

async function connectClient(ep: EndpointProcess): Promise<RTCPeerConnection> {
  const pc = new RTCPeerConnection({ tsrtc: { addresses: ['127.0.0.1'] } } as never);
  const dc = pc.createDataChannel('idle');
  const open = new Promise<void>((resolve, reject) => {
    dc.onopen = () => resolve();
    setTimeout(() => reject(new Error('client channel not open after 60 s')), 60_000).unref();
  });
  await pc.setLocalDescription();
  const r = await ep.request({ offer: pc.localDescription!.sdp });
  if (r.error) throw new Error(r.error as string);
  await pc.setRemoteDescription({ type: 'answer', sdp: r.answer as string });
  await open;
  return pc;
}

/** Runs the ladder of peer counts (each on a fresh endpoint). */
export async function scale(counts: number[], opts: { idleMs: number; concurrency: number; warmup?: number; log: (s: string) => void }): Promise<ScaleResult[]> {
  const results: ScaleResult[] = [];
  for (const n of counts) {
    const warmup = opts.warmup ?? Number(process.env.BENCH_SCALE_WARMUP ?? Math.max(10, Math.min(1000, Math.round(n / 10))));
    const ep = await EndpointProcess.start();
    const clients: RTCPeerConnection[] = [];
    try {
      await new Promise((r) => setTimeout(r, 500));
      // warm-up batch: connect, close, wait until the endpoint dropped them all
      const warm: RTCPeerConnection[] = [];
      let w = 0;
      await Promise.all(Array.from({ length: Math.min(opts.concurrency, warmup) }, async () => {
        while (w < warmup) { w++; warm.push(await connectClient(ep)); }
      }));
      for (const pc of warm) pc.close();
      for (let i = 0; i < 100 && (await ep.usage()).peers > 0; i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      const base = await ep.usage(true);
      const hsProfile = process.env.BENCH_PROFILE_HANDSHAKES; // a file: CPU profile of the endpoint while peers connect
      if (hsProfile) await ep.request({ profile: hsProfile });
      const t0 = performance.now();
      let next = 0;
      const failures: string[] = [];
      await Promise.all(Array.from({ length: Math.min(opts.concurrency, n) }, async () => {
        while (next < n) {
          next++;
          try { clients.push(await connectClient(ep)); } catch (e) { failures.push((e as Error).message); }
        }
      }));
      const wallSec = (performance.now() - t0) / 1e3;
      const afterHandshakes = await ep.usage();
      if (hsProfile) await ep.request({ profile: `${hsProfile}.${n}.cpuprofile`, stop: true });
      await new Promise((r) => setTimeout(r, 2_000)); // let the last handshakes' garbage settle
      const mem = await ep.usage(true);
      if (process.env.BENCH_HEAP_SNAPSHOT) await ep.request({ snapshot: `${process.env.BENCH_HEAP_SNAPSHOT}.${n}.heapsnapshot` });
      const profile = process.env.BENCH_PROFILE_IDLE; // a file: CPU profile of the endpoint while idle
      if (profile) await ep.request({ profile });
      const idle0 = await ep.usage();
      const i0 = performance.now();
      await new Promise((r) => setTimeout(r, opts.idleMs));
      const idle1 = await ep.usage();
      if (profile) await ep.request({ profile: `${profile}.${n}.cpuprofile`, stop: true });
      const idleWall = performance.now() - i0;
      const connected = idle1.peers;
      const idleIn = idle1.datagramsReceived - idle0.datagramsReceived;
      const per = (x: number, y: number) => (x - y) / 1024 / Math.max(1, connected);
      const r: ScaleResult = {
        peers: n,
        connected,
        rssKiBPerPeer: per(mem.rss, base.rss),
        youngGrowthMiB: (mem.young - base.young) / 2 ** 20,
        rssGrowthMiB: (mem.rss - base.rss) / 2 ** 20,
        heapKiBPerPeer: per(mem.heapUsed, base.heapUsed),
        externalKiBPerPeer: per(mem.external, base.external),
        idleCpuPct: (100 * (idle1.cpuUs - idle0.cpuUs) / 1e3) / idleWall,
        idleSysPct: (100 * (idle1.sysUs - idle0.sysUs) / 1e3) / idleWall,
        idleLoopActivePct: (100 * (idle1.loopActiveMs - idle0.loopActiveMs)) / idleWall,
        idleDatagramsInPerSec: (idle1.datagramsReceived - idle0.datagramsReceived) / (idleWall / 1e3),
        idleDatagramsOutPerSec: (idle1.datagramsSent - idle0.datagramsSent) / (idleWall / 1e3),
        idleCpuUsPerDatagram: (idle1.cpuUs - idle0.cpuUs) / Math.max(1, idleIn),
        warmup,
        handshakesPerCpuSec: connected / ((afterHandshakes.cpuUs - base.cpuUs) / 1e6),
        handshakesPerWallSec: connected / wallSec,
      };
      results.push(r);
      opts.log(`scale ${n}: ${connected} connected${failures.length ? `, ${failures.length} failed (${failures[0]})` : ''}; ` +
        `${r.rssKiBPerPeer.toFixed(1)} KiB RSS/peer (young generation +${r.youngGrowthMiB.toFixed(1)} MiB), ${r.heapKiBPerPeer.toFixed(1)} KiB heap/peer, ${r.externalKiBPerPeer.toFixed(1)} KiB external/peer, idle CPU ${r.idleCpuPct.toFixed(2)} % (sys ${r.idleSysPct.toFixed(2)}, loop active ${r.idleLoopActivePct.toFixed(2)} %; ${r.idleDatagramsInPerSec.toFixed(0)} datagrams/s in, ${r.idleDatagramsOutPerSec.toFixed(0)} out, ${r.idleCpuUsPerDatagram.toFixed(1)} µs CPU per datagram in), ` +
        `${r.handshakesPerCpuSec.toFixed(0)} handshakes/CPU-s, ${r.handshakesPerWallSec.toFixed(0)}/s wall`);
    } finally {
      for (const pc of clients) pc.close();
      await ep.stop();
    }
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const counts = (process.argv[2] ?? '100').split(',').map(Number);
  const res = await scale(counts, { idleMs: Number(process.argv[3] ?? 10_000), concurrency: 32, log: console.log });
  for (let i = 1; i < res.length; i++) console.log(`scale marginal RSS per peer ${res[i - 1].connected} -> ${res[i].connected}: ${((1024 * (res[i].rssGrowthMiB - res[i - 1].rssGrowthMiB)) / (res[i].connected - res[i - 1].connected)).toFixed(1)} KiB`);
  console.log(JSON.stringify(res, null, 2));
  process.exit(0);
}
