// Data-channel micro-benchmarks, in the shape of bench/src/micro/types.ts (MicroSuite) so the
// bench package can plug them in: DCEP codec on the DATA_CHANNEL_OPEN Chromium 156 sent, and one
// 1 KiB message through the manager into a real SCTP association and out of the peer's.
import { readFileSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { SctpAssociation } from '@tsrtc/sctp';
import { DataChannelManager, decodeDcep, encodeDataChannelOpen, type DataChannelOpen } from '../src/index.js';

const capture = JSON.parse(readFileSync(new URL('../../../shared/fixtures/sctp/chromium-156.json', import.meta.url), 'utf8'));
const openBytes = Uint8Array.from(Buffer.from(capture.packets[2].chunks[0].userDataHex as string, 'hex'));
const open = decodeDcep(openBytes) as DataChannelOpen;

// two managers over two linked SCTP associations (in memory, clock advanced by hand)
const random = (out: Uint8Array): void => void randomFillSync(out);
let now = 0;
const sa = new SctpAssociation({ random }, now);
const sb = new SctpAssociation({ random }, now);
const ma = new DataChannelManager();
const mb = new DataChannelManager();
ma.setRole('client');
mb.setRole('server');
ma.attach(sa);
mb.attach(sb);
function pump(): number {
  let delivered = 0;
  for (let moved = true; moved;) {
    moved = false;
    for (let p = sa.pollTransmit(); p; p = sa.pollTransmit()) { sb.handlePacket(p, now); moved = true; }
    for (let p = sb.pollTransmit(); p; p = sb.pollTransmit()) { sa.handlePacket(p, now); moved = true; }
    for (let e = sa.pollEvent(); e; e = sa.pollEvent()) ma.handleSctpEvent(e, now);
    for (let e = sb.pollEvent(); e; e = sb.pollEvent()) mb.handleSctpEvent(e, now);
    while (ma.pollEvent());
    for (let e = mb.pollEvent(); e; e = mb.pollEvent()) if (e.type === 'message') delivered++;
  }
  return delivered;
}
sa.connect(now);
pump();
const channel = ma.createChannel({ label: 'bench' }, now);
pump();
const kib = new Uint8Array(1024);

export const suite = {
  name: 'datachannel',
  cases: [
    { group: 'decode DCEP DATA_CHANNEL_OPEN (Chromium 156)', impl: 'tsrtc', fn: () => decodeDcep(openBytes), targetNs: 300 },
    { group: 'encode DCEP DATA_CHANNEL_OPEN', impl: 'tsrtc', fn: () => encodeDataChannelOpen(open), targetNs: 300 },
    {
      group: '1 KiB message: manager → SCTP → SCTP → manager (in memory)',
      impl: 'tsrtc',
      fn: () => {
        now += 0.01;
        ma.send(channel, kib, true, now);
        return pump();
      },
    },
  ],
};
