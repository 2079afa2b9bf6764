// ICE micro-benchmarks, in the shape of bench/src/micro/types.ts (MicroSuite) so the bench
// package can plug them in: a lite agent answering a real Chromium 156 connectivity check
// (decode, USERNAME, MESSAGE-INTEGRITY, FINGERPRINT, response with integrity + fingerprint),
// the same through an IceMux holding 1,000 agents, and mux routing of a DTLS datagram.
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IceAgent, IceMux } from '../src/index.js';

interface Fixture {
  credentials: Record<'browser' | 'peer', { ufrag: string; pwd: string }>;
  messages: { from: string; class: string; src: string; dst: string; hex: string }[];
}
const fx = JSON.parse(
  readFileSync(new URL('../../../shared/fixtures/stun/chromium-156.mdns.controlling.vs-libdatachannel.json', import.meta.url), 'utf8'),
) as Fixture;
const req = fx.messages.find((m) => m.from === 'browser' && m.class === 'request')!;
const bytes = Uint8Array.from(Buffer.from(req.hex, 'hex'));
const addr = (s: string) => ({ family: 4 as const, address: s.slice(0, s.lastIndexOf(':')), port: Number(s.slice(s.lastIndexOf(':') + 1)) });
const src = addr(req.src);
const dst = addr(req.dst);
const random = (out: Uint8Array): void => void randomFillSync(out);

const lite = new IceAgent({ lite: true, localUfrag: fx.credentials.peer.ufrag, localPwd: fx.credentials.peer.pwd, random }, 0);
lite.addLocalAddress(dst, 0);
while (lite.pollEvent());

const mux = new IceMux();
for (let i = 0; i < 999; i++) {
  const a = new IceAgent({ lite: true, random }, 0);
  a.addLocalAddress(dst, 0);
  mux.addAgent(a);
}
const muxed = new IceAgent({ lite: true, localUfrag: fx.credentials.peer.ufrag, localPwd: fx.credentials.peer.pwd, random }, 0);
muxed.addLocalAddress(dst, 0);
mux.addAgent(muxed);
mux.handlePacket(bytes, src, dst, 0);
while (muxed.pollTransmit() || muxed.pollEvent());
const payload = new Uint8Array(1200).fill(23);
answer(lite); // USE-CANDIDATE: the pair is selected
const dtls = Uint8Array.of(23, 254, 253, 0, 1, 0, 0, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4);

function answer(agent: IceAgent): unknown {
  agent.handlePacket(bytes, src, dst, 1);
  const out = agent.pollTransmit();
  while (agent.pollEvent());
  return out;
}

export const iceSuite = {
  name: 'ice',
  cases: [
    { group: 'lite agent answers a Chromium check', impl: 'tsrtc', fn: () => answer(lite) },
    {
      group: 'send a 1,200-byte datagram over the selected pair',
      impl: 'tsrtc',
      fn: () => {
        lite.send(payload, 2);
        return lite.pollTransmit();
      },
    },
    {
      group: 'receive a DTLS datagram from the selected remote',
      impl: 'tsrtc',
      fn: () => {
        lite.handlePacket(dtls, src, dst, 2);
        const e = lite.pollEvent();
        lite.pollEvent();
        return e;
      },
    },
    {
      group: 'mux (1,000 agents) routes + answers a Chromium check',
      impl: 'tsrtc',
      fn: () => {
        mux.handlePacket(bytes, src, dst, 1);
        const out = muxed.pollTransmit();
        while (muxed.pollEvent());
        return out;
      },
    },
    {
      group: 'mux (1,000 agents) routes a DTLS datagram to its agent',
      impl: 'tsrtc',
      fn: () => {
        const a = mux.handlePacket(dtls, src, dst, 1);
        return a?.pollEvent();
      },
    },
  ],
};
