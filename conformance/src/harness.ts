/**
 * What a scenario gets to work with: the subject (a W3C implementation in this process), the
 * remote peer, and helpers to connect them, exchange messages and read the far side's view.
 */
import type { W3cImplementation } from './peers/implementations.js';
import type { ChannelSpec, ChannelView, RemoteCaps, RemotePeer, SessionView } from './peers/types.js';
import { acceptOffer, makeOffer, sleep, until, waitOpen, type W3cDataChannel, type W3cPeerConnection } from './w3c.js';
import { maxMessageSize } from './sdp-facts.js';

/** Thrown by a scenario that does not apply to this pair. */
export class Skip extends Error {
  constructor(reason: string) { super(reason); this.name = 'Skip'; }
}

const MISSING_CAP: Record<keyof RemoteCaps, string> = {
  createChannel: 'the HTTP echo contract cannot open channels on a connected session',
  closeChannel: 'the HTTP echo contract cannot close one channel',
  negotiated: 'the HTTP echo contract has no pre-negotiated channels',
  renegotiate: 'the HTTP echo contract answers each offer with a new peer connection',
  closeSession: 'the HTTP echo contract closes every session at once',
  channelParams: 'the peer does not report the parameters of channels the other side opened',
  trickle: 'the HTTP echo contract is non-trickle (candidates in the SDP)',
};

export type Figures = Record<string, number | string | boolean>;

export interface Connection {
  pc: W3cPeerConnection;
  /** the first channel (subject-created when the subject offered, else the remote's) */
  dc: W3cDataChannel;
  session: number;
  offerer: 'subject' | 'remote';
  localSdp: string;
  remoteSdp: string;
  /** subject-side channels announced by the remote ('datachannel' events), in order */
  incoming: W3cDataChannel[];
  setupMs: number;
}

/** RTCDataChannelInit from a spec (label excluded). */
export function channelInit(spec: ChannelSpec): Record<string, unknown> {
  const init: Record<string, unknown> = {};
  for (const k of ['ordered', 'maxRetransmits', 'maxPacketLifeTime', 'protocol', 'negotiated', 'id'] as const) {
    if (spec[k] !== undefined) init[k] = spec[k];
  }
  return init;
}

/**
 * What the cells of one subject × peer pair share: once a connection in one direction has
 * failed to come up twice, later cells do not wait for it again (the matrix must fit its
 * time budget); they fail at once and say why.
 */
export class PairHistory {
  readonly connectFailures = { subject: [] as string[], remote: [] as string[] };
  static readonly GIVE_UP_AFTER = 2;
}

export class ScenarioContext {
  readonly figures: Figures = {};
  readonly notes: string[] = [];
  private readonly pcs: W3cPeerConnection[] = [];

  constructor(
    readonly subject: W3cImplementation,
    readonly remote: RemotePeer,
    readonly quick: boolean,
    private readonly history: PairHistory = new PairHistory(),
  ) {}

  note(text: string): void { this.notes.push(text); }

  /** Skip unless the remote can do `cap` (the HTTP echo peers cannot). */
  require(cap: keyof RemoteCaps): void {
    if (!this.remote.caps[cap]) throw new Skip(`${this.remote.name}: ${MISSING_CAP[cap]}`);
  }

  newPc(): W3cPeerConnection {
    const pc = new this.subject.RTCPeerConnection(this.subject.config);
    this.pcs.push(pc);
    return pc;
  }

  /** Connect subject and remote with one channel `spec` (default "echo"), non-trickle. */
  async connect(offerer: 'subject' | 'remote' = 'subject', spec: ChannelSpec = {}): Promise<Connection> {
    const failures = this.history.connectFailures[offerer];
    if (failures.length >= PairHistory.GIVE_UP_AFTER) {
      throw new Error(`not run: ${offerer}-offered connections failed ${failures.length} times before (${failures[0]})`);
    }
    try {
      return await this.connectOnce(offerer, spec);
    } catch (e) {
      failures.push((e as Error).message);
      throw e;
    }
  }

  private async connectOnce(offerer: 'subject' | 'remote', spec: ChannelSpec): Promise<Connection> {
    const t0 = performance.now();
    const pc = this.newPc();
    const incoming: W3cDataChannel[] = [];
    pc.addEventListener('datachannel', (ev: { channel: W3cDataChannel }) => { incoming.push(ev.channel); });
    if (offerer === 'subject') {
      const dc = pc.createDataChannel(spec.label ?? 'echo', channelInit(spec));
      const localSdp = await makeOffer(pc);
      const { session, sdp } = await this.remote.answer(localSdp);
      await pc.setRemoteDescription({ type: 'answer', sdp });
      await waitOpen(dc);
      return { pc, dc, session, offerer, localSdp, remoteSdp: sdp, incoming, setupMs: performance.now() - t0 };
    }
    const { session, sdp } = await this.remote.offer(spec);
    const localSdp = await acceptOffer(pc, sdp);
    await this.remote.applyAnswer(session, localSdp);
    await until(pc, ['datachannel'], () => incoming.length > 0, 15_000, 'the remote\'s channel announced (datachannel event)');
    const dc = incoming[0]!;
    await waitOpen(dc);
    return { pc, dc, session, offerer, localSdp, remoteSdp: sdp, incoming, setupMs: performance.now() - t0 };
  }

  /**
   * Largest message both directions accept: each side's advertised a=max-message-size
   * (the echo comes back under the subject's own limit).
   */
  messageLimit(c: Connection): number {
    return Math.min(maxMessageSize(c.remoteSdp), maxMessageSize(c.localSdp));
  }

  /** The remote's view of one of its sessions. */
  async remoteSession(session: number): Promise<SessionView> {
    const stats = await this.remote.stats();
    const s = (stats.sessions ?? []).find((x) => x.id === session);
    if (!s) throw new Error(`remote reports no session ${session}`);
    // pion reports a closed session's channels as null (a nil Go slice)
    return { ...s, channels: s.channels ?? [] };
  }

  /** The remote's view of the newest channel with this label in `session`. */
  async remoteChannel(session: number, label: string): Promise<ChannelView | undefined> {
    const s = await this.remoteSession(session);
    return s.channels.filter((ch) => ch.label === label).pop();
  }

  /** Poll the remote's stats until `check` holds (every `pollMs`), or fail after `ms`. */
  async remoteUntil(session: number, check: (s: SessionView) => boolean, ms: number, what: string, pollMs = 100, explain?: (s: SessionView) => string): Promise<SessionView> {
    const deadline = performance.now() + ms;
    for (;;) {
      const s = await this.remoteSession(session);
      if (check(s)) return s;
      if (performance.now() > deadline) throw new Error(`timeout after ${ms} ms: ${what}${explain ? ` (${explain(s)})` : ''}`);
      await sleep(pollMs);
    }
  }

  /** Close everything this scenario opened, on both sides. */
  async cleanup(): Promise<void> {
    for (const pc of this.pcs) { try { pc.close(); } catch { /* already closed */ } }
    await Promise.race([this.remote.closeAll().catch(() => {}), sleep(10_000)]);
  }
}

/** Messages received on a subject-side channel, consumed in order. */
export class Inbox {
  private readonly queue: unknown[] = [];
  private waiter: ((data: unknown) => void) | undefined;
  received = 0;

  constructor(readonly dc: W3cDataChannel) {
    try { dc.binaryType = 'arraybuffer'; } catch { /* fixed type */ }
    dc.addEventListener('message', (ev: { data: unknown }) => {
      this.received++;
      const w = this.waiter;
      if (w) { this.waiter = undefined; w(ev.data); } else this.queue.push(ev.data);
    });
  }

  next(ms = 10_000, what = `a message on "${this.dc.label}"`): Promise<unknown> {
    if (this.queue.length) return Promise.resolve(this.queue.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiter = undefined; reject(new Error(`timeout after ${ms} ms waiting for ${what}`)); }, ms);
      this.waiter = (d) => { clearTimeout(timer); resolve(d); };
    });
  }

  drop(): void { this.queue.length = 0; }
}

/** Send `text` and expect it back unchanged. */
export async function echoText(inbox: Inbox, text: string, ms = 10_000): Promise<void> {
  inbox.dc.send(text);
  const got = await inbox.next(ms, `the echo of a ${text.length}-char string on "${inbox.dc.label}"`);
  if (got !== text) throw new Error(`echo on "${inbox.dc.label}" differs: sent ${JSON.stringify(text.slice(0, 40))}, got ${describe(got)}`);
}

export function describe(data: unknown): string {
  if (typeof data === 'string') return `string(${data.length}) ${JSON.stringify(data.slice(0, 40))}`;
  if (data instanceof ArrayBuffer) return `ArrayBuffer(${data.byteLength})`;
  if (ArrayBuffer.isView(data)) return `${data.constructor.name}(${data.byteLength})`;
  return String(data);
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
