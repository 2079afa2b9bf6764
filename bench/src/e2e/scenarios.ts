/**
 * End-to-end scenarios, implementation-neutral: two peers of one subject in this process,
 * over loopback UDP, signalled directly (no network signalling).
 */
import { performance } from 'node:perf_hooks';
import type { ImpairedPath } from './path.js';
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

/** Called with a stage name when a setup reaches it (the time is the caller's to take). */
export type StageMark = (stage: string) => void;

/** W3C state events of one peer as stages: the same for every subject. */
function watchStages(pc: PeerConnection, side: string, mark: StageMark): void {
  const w = pc as unknown as { addEventListener?: (type: string, f: () => void) => void; iceConnectionState?: string; connectionState?: string };
  w.addEventListener?.('iceconnectionstatechange', () => mark(`ice ${w.iceConnectionState} ${side}`));
  w.addEventListener?.('connectionstatechange', () => mark(`pc ${w.connectionState} ${side}`));
}

function opened(ch: Channel): Promise<void> {
  if (ch.readyState === 'open') return Promise.resolve();
  return new Promise((resolve) => { ch.onopen = () => resolve(); });
}

/**
 * Candidates of one peer on their way to the other: held until the other has its remote
 * description (addIceCandidate before that is an InvalidStateError), rewritten by the path if any.
 */
class TrickleLink {
  private held: unknown[] | undefined = [];
  constructor(private readonly to: PeerConnection, private readonly path: ImpairedPath | undefined) {}
  async add(c: { candidate?: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null): Promise<void> {
    if (!c || !c.candidate) return;
    let init: unknown = c;
    if (this.path) {
      const text = await this.path.candidate(c.candidate);
      if (text === undefined) return;
      init = { candidate: text, sdpMid: c.sdpMid ?? '0', sdpMLineIndex: c.sdpMLineIndex ?? 0 };
    }
    if (this.held) this.held.push(init);
    else await this.to.addIceCandidate(init).catch(() => {});
  }
  async remoteDescriptionSet(): Promise<void> {
    const held = this.held ?? [];
    this.held = undefined;
    for (const c of held) await this.to.addIceCandidate(c).catch(() => {});
  }
}

/**
 * New peer pair → channel open on both sides. `trickle` forwards candidates as they appear;
 * otherwise each side waits for gathering to complete and sends one full description. With a
 * `path`, every candidate is rewritten to the impairment relay.
 */
export async function connectPair(subject: Subject, opts: { trickle: boolean; channelInit?: Record<string, unknown>; timeoutMs?: number; path?: ImpairedPath; mark?: StageMark }): Promise<Pair> {
  const t0 = performance.now();
  const mark = opts.mark;
  const a = subject.create();
  mark?.('create a');
  const b = subject.create();
  mark?.('create b');
  if (mark) watchStages(a, 'a', mark);
  if (mark) watchStages(b, 'b', mark);
  const path = opts.path;
  const remoteChannel = new Promise<Channel>((resolve) => { b.ondatachannel = (ev) => { mark?.('datachannel b'); resolve(ev.channel); }; });
  const toB = new TrickleLink(b, path);
  const toA = new TrickleLink(a, path);
  if (opts.trickle) {
    a.onicecandidate = (ev) => void toB.add(ev.candidate as never);
    b.onicecandidate = (ev) => void toA.add(ev.candidate as never);
  }
  const ca = a.createDataChannel('bench', opts.channelInit ?? {});
  const describe = async (pc: PeerConnection) => {
    const d = pc.localDescription!;
    const plain = { type: d.type, sdp: d.sdp };
    return path ? path.description(plain) : plain;
  };
  const work = (async () => {
    await a.setLocalDescription(await a.createOffer());
    mark?.('offer set a');
    if (!opts.trickle) await gatheringComplete(a);
    mark?.('gathered a');
    await b.setRemoteDescription(await describe(a));
    await toB.remoteDescriptionSet();
    mark?.('offer set b');
    await b.setLocalDescription(await b.createAnswer());
    mark?.('answer set b');
    if (!opts.trickle) await gatheringComplete(b);
    mark?.('gathered b');
    await a.setRemoteDescription(await describe(b));
    await toA.remoteDescriptionSet();
    mark?.('answer set a');
    const cb = await remoteChannel;
    await Promise.all([opened(ca).then(() => mark?.('open a')), opened(cb)]);
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
 * bufferedAmount (high `high`, default 1 MiB; low-threshold event at a quarter of it). Ends when `totalBytes` arrived or
 * `maxMs` passed. Returns MB/s (10^6 bytes) and process CPU seconds per GB.
 */
export async function throughput(subject: Subject, pair: Pair, size: number, totalBytes: number, maxMs: number, high = 1 << 20): Promise<{ mbps: number; cpuSecPerGB: number; bytes: number }> {
  const { ca, cb } = pair;
  ca.binaryType = 'arraybuffer';
  cb.binaryType = 'arraybuffer';
  const msg = new Uint8Array(size).fill(0x61);
  const HIGH = high;
  ca.bufferedAmountLowThreshold = high >> 2;
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
  // Let what is still queued drain (≤ 1 s, ≤ maxMs / 4) so it does not count in the next measurement.
  for (let i = 0; i < Math.min(20, maxMs / 200) && ca.bufferedAmount > 0; i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 50));
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

/**
 * Unordered, maxRetransmits 0 channel: the sender sends `size`-byte messages for `durationMs`,
 * paced by bufferedAmount (≤ 256 KiB queued); the receiver counts. Returns messages/s delivered
 * and the share of sent messages that never arrived (after a `settleMs` grace period).
 */
export async function unreliable(pair: Pair, size: number, durationMs: number, settleMs: number): Promise<{ deliveredPerSec: number; lossPct: number }> {
  const { ca, cb } = pair;
  ca.binaryType = 'arraybuffer';
  cb.binaryType = 'arraybuffer';
  const msg = new Uint8Array(size).fill(0x63);
  let sent = 0;
  let received = 0;
  cb.onmessage = () => { received++; };
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      if (performance.now() - t0 >= durationMs) return resolve();
      let burst = 0;
      while (ca.bufferedAmount < 256 << 10 && burst++ < 256) { ca.send(msg); sent++; }
      setImmediate(tick);
    };
    tick();
  });
  const ms = performance.now() - t0;
  await new Promise((r) => setTimeout(r, settleMs));
  return { deliveredPerSec: received / (ms / 1e3), lossPct: sent ? (100 * (sent - received)) / sent : NaN };
}
