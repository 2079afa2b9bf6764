// Two DataChannelManagers over two real @tsrtc/sctp associations linked in memory, on a
// virtual clock (packets are delivered in order; timers fire when nothing is in flight).
import { SctpAssociation } from '@tsrtc/sctp';
import { DataChannelManager, type DataChannelManagerEvent, type DataChannelManagerSettings } from '../../src/data-channel-manager.js';
import type { SctpSendOptions, SctpTransport } from '../../src/sctp-transport.js';
import { seededRandom } from './sim.js';

type Side = 'client' | 'server';

/** Records the PPIDs the manager sends (what went on the wire), then forwards to the association. */
class RecordingTransport implements SctpTransport {
  readonly ppids: number[] = [];
  constructor(readonly assoc: SctpAssociation) {}
  send(streamId: number, ppid: number, data: Uint8Array, options: SctpSendOptions, now: number): void {
    this.assoc.send(streamId, ppid, data, options, now);
    this.ppids.push(ppid);
  }
  resetStreams(streamIds: number[], now: number): void {
    this.assoc.resetStreams(streamIds, now);
  }
  bufferedAmount(streamId: number): number {
    return this.assoc.bufferedAmount(streamId);
  }
  setBufferedAmountLowThreshold(streamId: number, bytes: number): void {
    this.assoc.setBufferedAmountLowThreshold(streamId, bytes);
  }
}

export interface LinkedManagers {
  client: DataChannelManager;
  server: DataChannelManager;
  now(): number;
  /** deliver everything in flight and fire timers until both sides are quiet */
  run(maxMs?: number): Promise<void>;
  drain(side: Side): DataChannelManagerEvent[];
  sentPpids(side: Side): number[];
  assoc(side: Side): SctpAssociation;
}

export async function linkedManagers(settings: Partial<Record<Side, DataChannelManagerSettings>> & { remoteMaxMessageSize?: number } = {}): Promise<LinkedManagers> {
  let now = 0;
  const client = new DataChannelManager(settings.client);
  const server = new DataChannelManager(settings.server);
  client.setRole('client');
  server.setRole('server');
  const a = new SctpAssociation({ random: seededRandom(11), remoteMaxMessageSize: 0 }, now);
  const b = new SctpAssociation({ random: seededRandom(22), remoteMaxMessageSize: 0 }, now);
  const ta = new RecordingTransport(a);
  const tb = new RecordingTransport(b);
  client.attach(ta);
  server.attach(tb);
  const collected: Record<Side, DataChannelManagerEvent[]> = { client: [], server: [] };
  const pump = (m: DataChannelManager, side: Side) => {
    for (let e = m.pollEvent(); e !== undefined; e = m.pollEvent()) collected[side].push(e);
  };
  const step = (): boolean => {
    let moved = false;
    for (const [from, to] of [[a, b], [b, a]] as const) {
      for (let p = from.pollTransmit(); p !== undefined; p = from.pollTransmit()) {
        to.handlePacket(p.slice(), now);
        moved = true;
      }
    }
    for (const [assoc, m] of [[a, client], [b, server]] as const) {
      for (let e = assoc.pollEvent(); e !== undefined; e = assoc.pollEvent()) {
        m.handleSctpEvent(e, now);
        moved = true;
      }
    }
    pump(client, 'client');
    pump(server, 'server');
    return moved;
  };
  const run = async (maxMs = 5_000) => {
    const end = now + maxMs;
    for (let guard = 0; guard < 100_000; guard++) {
      if (step()) continue;
      // quiet: fire the earliest timer if it is soon (delayed SACKs etc.), else stop
      const deadlines = [a.nextDeadline(), b.nextDeadline()].filter((d): d is number => d !== undefined);
      if (deadlines.length === 0) return;
      const next = Math.min(...deadlines);
      if (next > end || next > now + 1000) return; // only heartbeats left
      now = Math.max(now, next);
      if ((a.nextDeadline() ?? Infinity) <= now) a.handleTimeout(now);
      if ((b.nextDeadline() ?? Infinity) <= now) b.handleTimeout(now);
    }
  };
  a.connect(now);
  await run();
  return {
    client,
    server,
    now: () => now,
    run,
    drain(side) {
      pump(side === 'client' ? client : server, side);
      const out = collected[side];
      collected[side] = [];
      return out;
    },
    sentPpids: (side) => (side === 'client' ? ta : tb).ppids,
    assoc: (side) => (side === 'client' ? a : b),
  };
}
