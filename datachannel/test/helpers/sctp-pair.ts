// Two DataChannelManagers linked through SCTP. Until @tsrtc/sctp exports SctpAssociation this
// is an in-memory stand-in with the same event semantics (messages in order, an outgoing
// reset shows up as `stream-reset` at the peer and `streams-reset-done` at the sender).
import { DataChannelManager, type DataChannelManagerEvent, type DataChannelManagerSettings } from '../../src/data-channel-manager.js';
import type { SctpSendOptions, SctpTransport, SctpTransportEvent } from '../../src/sctp-transport.js';

type Side = 'client' | 'server';

class MemorySctp implements SctpTransport {
  peer!: MemorySctp;
  readonly inbox: SctpTransportEvent[] = [];
  readonly ppids: number[] = [];
  send(streamId: number, ppid: number, data: Uint8Array, _options: SctpSendOptions, _now: number): void {
    this.ppids.push(ppid);
    this.peer.inbox.push({ type: 'message', streamId, ppid, data: data.slice() });
  }
  resetStreams(streamIds: number[]): void {
    this.peer.inbox.push({ type: 'stream-reset', streamIds: [...streamIds] });
    this.inbox.push({ type: 'streams-reset-done', streamIds: [...streamIds] });
  }
  bufferedAmount(): number {
    return 0;
  }
  setBufferedAmountLowThreshold(): void {}
}

export interface LinkedManagers {
  client: DataChannelManager;
  server: DataChannelManager;
  now(): number;
  /** deliver everything in flight until both sides are quiet */
  run(): Promise<void>;
  drain(side: Side): DataChannelManagerEvent[];
  sentPpids(side: Side): number[];
}

export async function linkedManagers(settings: Partial<Record<Side, DataChannelManagerSettings>> = {}): Promise<LinkedManagers> {
  const client = new DataChannelManager(settings.client);
  const server = new DataChannelManager(settings.server);
  client.setRole('client');
  server.setRole('server');
  const a = new MemorySctp();
  const b = new MemorySctp();
  a.peer = b;
  b.peer = a;
  client.attach(a);
  server.attach(b);
  a.inbox.push({ type: 'connected' });
  b.inbox.push({ type: 'connected' });
  const collected: Record<Side, DataChannelManagerEvent[]> = { client: [], server: [] };
  const pump = (m: DataChannelManager, side: Side) => {
    for (let e = m.pollEvent(); e !== undefined; e = m.pollEvent()) collected[side].push(e);
  };
  const run = async () => {
    while (a.inbox.length > 0 || b.inbox.length > 0) {
      const ea = a.inbox.shift();
      if (ea) client.handleSctpEvent(ea, 0);
      const eb = b.inbox.shift();
      if (eb) server.handleSctpEvent(eb, 0);
      pump(client, 'client');
      pump(server, 'server');
    }
    pump(client, 'client');
    pump(server, 'server');
  };
  await run();
  return {
    client,
    server,
    now: () => 0,
    run,
    drain(side) {
      pump(side === 'client' ? client : server, side);
      const out = collected[side];
      collected[side] = [];
      return out;
    },
    sentPpids: (side) => (side === 'client' ? a : b).ppids,
  };
}
