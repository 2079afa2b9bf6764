/**
 * An echo peer over any W3C RTCPeerConnection: the in-process and in-browser twin of the HTTP
 * echo peers in ../shared/peers (same commands, same `/stats` shape), plus the commands that
 * contract lacks (open/close one channel, renegotiate, close one session).
 *
 * Browser-safe (no Node imports): `browser.ts` bundles this file with esbuild and installs it
 * in the page as `globalThis.__echo`.
 */
import type { CandidateInit, ChannelSpec, ChannelView, PeerStats, SessionView, WireMessage } from './types.js';
import { acceptOffer, base64ToBytes, makeOffer, messageLength, type W3cDataChannel, type W3cPeerConnection, type W3cPeerConnectionCtor } from '../w3c.js';

interface ChannelRecord {
  dc: W3cDataChannel;
  /** read once: a browser may throw reading a label that is not valid UTF-8 */
  label: string;
  messagesIn: number;
  messagesOut: number;
  bytesIn: number;
  bytesOut: number;
  stringMessagesIn: number;
  binaryMessagesIn: number;
}

interface Session {
  id: number;
  role: 'offerer' | 'answerer';
  pc: W3cPeerConnection;
  channels: ChannelRecord[];
  /** gathered and not yet taken (trickle) */
  candidates: CandidateInit[];
}

export interface EchoDriver {
  offer(spec?: ChannelSpec): Promise<{ session: number; sdp: string }>;
  answer(sdp: string): Promise<{ session: number; sdp: string }>;
  applyAnswer(session: number, sdp: string): Promise<void>;
  send(session: number, label: string, message: WireMessage): void;
  createChannel(session: number, spec: ChannelSpec): void;
  closeChannel(session: number, label: string): void;
  reanswer(session: number, sdp: string): Promise<string>;
  reoffer(session: number): Promise<string>;
  closeSession(session: number): void;
  answerTrickle(sdp: string): Promise<{ session: number; sdp: string }>;
  addIceCandidate(session: number, candidate: CandidateInit): Promise<void>;
  takeCandidates(session: number): CandidateInit[];
  closeAll(): void;
  stats(): PeerStats;
}

/**
 * Lone UTF-16 surrogates replaced by U+FFFD: a peer that truncates a label mid-character must
 * not break the serialization of the whole stats report (WebDriver BiDi refuses such strings).
 */
export function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

function readLabel(dc: W3cDataChannel): string {
  try { return wellFormed(dc.label); } catch (e) { return `<label unreadable: ${(e as Error).message}>`; }
}

function readProtocol(dc: W3cDataChannel): string {
  try { return wellFormed(dc.protocol ?? ''); } catch (e) { return `<protocol unreadable: ${(e as Error).message}>`; }
}

/** Channels whose label starts with this only count what they receive. */
export const SINK_PREFIX = 'sink';

export function createEchoDriver(Ctor: W3cPeerConnectionCtor, config: object, peer: string): EchoDriver {
  const sessions = new Map<number, Session>();
  let nextId = 1;

  const adopt = (s: Session, dc: W3cDataChannel) => {
    const rec: ChannelRecord = { dc, label: readLabel(dc), messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0, stringMessagesIn: 0, binaryMessagesIn: 0 };
    try { dc.binaryType = 'arraybuffer'; } catch { /* some stacks only do one type */ }
    s.channels.push(rec);
    dc.addEventListener('message', (ev: { data: unknown }) => {
      const data = ev.data;
      rec.messagesIn++;
      rec.bytesIn += messageLength(data);
      if (typeof data === 'string') rec.stringMessagesIn++; else rec.binaryMessagesIn++;
      if (rec.label.startsWith(SINK_PREFIX)) return;
      // some stacks deliver messages on an announced channel before its readyState says
      // "open" (@roamhq/wrtc): hold the echoes until it does
      pending.push(data);
      if (dc.readyState === 'open') flush();
    });
    const pending: unknown[] = [];
    const flush = () => { for (const d of pending.splice(0)) echo(d); };
    const echo = (data: unknown) => {
      try {
        dc.send(data as string | ArrayBuffer);
        rec.messagesOut++;
        rec.bytesOut += messageLength(data);
      } catch { /* counted as missing by the sender */ }
    };
    dc.addEventListener('open', flush);
    return rec;
  };

  const newSession = (role: Session['role']): Session => {
    const s: Session = { id: nextId++, role, pc: new Ctor(config), channels: [], candidates: [] };
    s.pc.addEventListener('datachannel', (ev: { channel: W3cDataChannel }) => adopt(s, ev.channel));
    s.pc.addEventListener('icecandidate', (ev: { candidate: CandidateInit | null }) => {
      const c = ev.candidate;
      if (c && c.candidate) s.candidates.push({ candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null });
    });
    sessions.set(s.id, s);
    return s;
  };

  const session = (id: number): Session => {
    const s = sessions.get(id);
    if (!s) throw new Error(`${peer}: no session ${id}`);
    return s;
  };

  const initOf = (spec: ChannelSpec): object => {
    const init: Record<string, unknown> = {};
    for (const k of ['ordered', 'maxRetransmits', 'maxPacketLifeTime', 'protocol', 'negotiated', 'id'] as const) {
      if (spec[k] !== undefined) init[k] = spec[k];
    }
    return init;
  };

  const channelView = (r: ChannelRecord): ChannelView => ({
    label: r.label,
    id: r.dc.id ?? null,
    ordered: r.dc.ordered ?? null,
    maxRetransmits: r.dc.maxRetransmits ?? null,
    maxPacketLifeTime: r.dc.maxPacketLifeTime ?? null,
    protocol: readProtocol(r.dc),
    readyState: r.dc.readyState,
    messagesIn: r.messagesIn,
    messagesOut: r.messagesOut,
    bytesIn: r.bytesIn,
    bytesOut: r.bytesOut,
    stringMessagesIn: r.stringMessagesIn,
    binaryMessagesIn: r.binaryMessagesIn,
  });

  return {
    async offer(spec = {}) {
      const s = newSession('offerer');
      adopt(s, s.pc.createDataChannel(spec.label ?? 'echo', initOf(spec)));
      return { session: s.id, sdp: await makeOffer(s.pc) };
    },
    async answer(sdp) {
      const s = newSession('answerer');
      return { session: s.id, sdp: await acceptOffer(s.pc, sdp) };
    },
    async applyAnswer(id, sdp) {
      await session(id).pc.setRemoteDescription({ type: 'answer', sdp });
    },
    send(id, label, message) {
      const open = session(id).channels.filter((r) => r.label === label && r.dc.readyState === 'open');
      const rec = open[open.length - 1];
      if (!rec) throw new Error(`${peer}: no open channel "${label}" in session ${id}`);
      const data = 'text' in message ? message.text : base64ToBytes(message.base64);
      rec.dc.send(data);
      rec.messagesOut++;
      rec.bytesOut += messageLength(data);
    },
    createChannel(id, spec) {
      const s = session(id);
      adopt(s, s.pc.createDataChannel(spec.label ?? 'echo', initOf(spec)));
    },
    closeChannel(id, label) {
      // the newest not yet closing: the announcing side may still see it as connecting
      const rec = session(id).channels.filter((r) => r.label === label && (r.dc.readyState === 'open' || r.dc.readyState === 'connecting')).pop();
      if (!rec) throw new Error(`${peer}: no open channel "${label}" in session ${id}`);
      rec.dc.close();
    },
    async reanswer(id, sdp) {
      return acceptOffer(session(id).pc, sdp);
    },
    async reoffer(id) {
      return makeOffer(session(id).pc);
    },
    closeSession(id) {
      session(id).pc.close();
    },
    async answerTrickle(sdp) {
      const s = newSession('answerer');
      await s.pc.setRemoteDescription({ type: 'offer', sdp });
      await s.pc.setLocalDescription(await s.pc.createAnswer());
      return { session: s.id, sdp: s.pc.localDescription!.sdp };
    },
    async addIceCandidate(id, candidate) {
      await session(id).pc.addIceCandidate(candidate);
    },
    takeCandidates(id) {
      return session(id).candidates.splice(0);
    },
    closeAll() {
      for (const s of sessions.values()) s.pc.close();
      sessions.clear();
    },
    stats() {
      const list: SessionView[] = [...sessions.values()].map((s) => ({
        id: s.id,
        connectionState: s.pc.connectionState,
        iceConnectionState: s.pc.iceConnectionState,
        channels: s.channels.map(channelView),
      }));
      return { peer, sessions: list };
    },
  };
}
