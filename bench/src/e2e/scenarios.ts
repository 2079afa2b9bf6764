/**
 * End-to-end scenarios, implementation-neutral: two peers of one subject in this process,
 * over loopback UDP, signalled directly (no network signalling).
 */
import { performance } from 'node:perf_hooks';
import type { Channel, PeerConnection, Subject } from './subjects.js';

export interface Pair {
  a: PeerConnection;
  b: PeerConnection;
  ca: Channel;
  cb: Channel;
  setupMs: number;
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });

function gatheringComplete(pc: PeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const prev = pc.onicecandidate;
    pc.onicecandidate = (ev) => {
      prev?.(ev);
      if (!ev.candidate) resolve();
    };
    const poll = setInterval(() => {
      if (pc.iceGatheringState === 'complete') { clearInterval(poll); resolve(); }
    }, 5);
    void Promise.resolve().then(() => undefined);
    setTimeout(() => clearInterval(poll), 10_000);
  });
}

function opened(ch: Channel): Promise<void> {
  if (ch.readyState === 'open') return Promise.resolve();
  return new Promise((resolve) => { ch.onopen = () => resolve(); });
}

/** New peer pair → channel open on both sides. `trickle` forwards candidates as they appear. */
export async function connectPair(subject: Subject, opts: { trickle: boolean; channelInit?: Record<string, unknown>; timeoutMs?: number }): Promise<Pair> {
  const t0 = performance.now();
  const a = subject.create();
  const b = subject.create();
  const remoteChannel = new Promise<Channel>((resolve) => { b.ondatachannel = (ev) => resolve(ev.channel); });
  if (opts.trickle) {
    a.onicecandidate = (ev) => { if (ev.candidate) void b.addIceCandidate(ev.candidate).catch(() => {}); };
    b.onicecandidate = (ev) => { if (ev.candidate) void a.addIceCandidate(ev.candidate).catch(() => {}); };
  }
  const ca = a.createDataChannel('bench', opts.channelInit ?? {});
  const work = (async () => {
    await a.setLocalDescription(await a.createOffer());
    if (!opts.trickle) await gatheringComplete(a);
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription(await b.createAnswer());
    if (!opts.trickle) await gatheringComplete(b);
    await a.setRemoteDescription(b.localDescription!);
    const cb = await remoteChannel;
    await Promise.all([opened(ca), opened(cb)]);
    return cb;
  })();
  try {
    const cb = await withTimeout(work, opts.timeoutMs ?? 10_000, `${subject.name} setup`);
    return { a, b, ca, cb, setupMs: performance.now() - t0 };
  } catch (e) {
    a.close();
    b.close();
    throw e;
  }
}

export function closePair(p: Pair): void {
  try { p.a.close(); } catch {}
  try { p.b.close(); } catch {}
}

const byteLength = (d: unknown): number =>
  typeof d === 'string' ? Buffer.byteLength(d) : d instanceof ArrayBuffer ? d.byteLength : ArrayBuffer.isView(d) ? d.byteLength : (d as { size?: number }).size ?? 0;

/**
 * One reliable ordered channel, binary messages of `size` bytes, sender paced by
 * bufferedAmount (high 1 MiB, low-threshold event at 256 KiB). Ends when `totalBytes` arrived or
 * `maxMs` passed. Returns MB/s (10^6 bytes) and process CPU seconds per GB.
 */
export async function throughput(subject: Subject, pair: Pair, size: number, totalBytes: number, maxMs: number): Promise<{ mbps: number; cpuSecPerGB: number; bytes: number }> {
  const { ca, cb } = pair;
  ca.binaryType = 'arraybuffer';
  cb.binaryType = 'arraybuffer';
  const msg = new Uint8Array(size).fill(0x61);
  const HIGH = 1 << 20;
  ca.bufferedAmountLowThreshold = 256 << 10;
  let received = 0;
  let sent = 0;
  let stop = false;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const done = new Promise<void>((resolve) => {
    cb.onmessage = (ev) => {
      received += byteLength(ev.data);
      if (received >= totalBytes) resolve();
    };
    setTimeout(() => { stop = true; resolve(); }, maxMs);
  });
  const pump = () => {
    while (!stop && sent < totalBytes && ca.bufferedAmount < HIGH) {
      ca.send(msg);
      sent += size;
    }
  };
  subject.onBufferedAmountLow(ca, pump);
  pump();
  await done;
  stop = true;
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  return { mbps: received / 1e6 / (ms / 1e3), cpuSecPerGB: received ? cpuSec / (received / 1e9) : Infinity, bytes: received };
}

/** 100-byte ping-pong: b echoes, a measures round trips one at a time. Returns sorted µs. */
export async function pingPong(pair: Pair, count: number): Promise<number[]> {
  const { ca, cb } = pair;
  cb.onmessage = (ev) => cb.send(ev.data as Uint8Array);
  const payload = new Uint8Array(100).fill(0x62);
  const rtts: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await withTimeout(new Promise<void>((resolve) => { ca.onmessage = () => resolve(); ca.send(payload); }), 5_000, 'ping');
    rtts.push((performance.now() - t) * 1e3);
  }
  return rtts.sort((x, y) => x - y);
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
