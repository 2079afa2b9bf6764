// ICE interop with real third-party agents in process, over real UDP on loopback:
// libdatachannel 0.24 (libjuice, via node-datachannel's native API), werift 0.24 (pure TS) and
// libwebrtc M106 (@roamhq/wrtc).
// Our agent answers or offers with a minimal data-channel description; the peer's ICE state
// must reach connected, ours too, and the peer's first DTLS flight must reach us as 'data'.
import { createSocket } from 'node:dgram';
import { randomFillSync } from 'node:crypto';
import t from 'tap';
import { parseCandidate } from '@tsrtc/sdp';
import { IceAgent, type IceSettings } from '../src/index.js';
import { description, remoteParams } from './describe.js';
import { UdpDriver, clock } from './udp-driver.js';

const random = (out: Uint8Array): void => void randomFillSync(out);
async function ourAgent(settings: Partial<IceSettings>): Promise<UdpDriver> {
  const d = new UdpDriver(new IceAgent({ random, ...settings }, clock()), createSocket('udp4'));
  await d.start();
  await d.until(() => d.agent.gatheringState === 'complete', 2000, 'our gathering');
  return d;
}

const up = (s: string): boolean => s === 'connected' || s === 'completed';
const dtlsSeen = (d: UdpDriver): boolean => d.received.some((x) => x[0] === 22);

/** An optional peer library: undefined (and the tests using it skipped) when not installed. */
async function optional<T>(load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch {
    return undefined;
  }
}

const ndc = await optional(async () => (await import('node-datachannel')).default as unknown as typeof import('node-datachannel'));
const werift = await optional(() => import('werift'));

/** The part of libwebrtc's W3C RTCPeerConnection these tests use (our lib has no DOM types). */
interface WrtcPeerConnection {
  createDataChannel(label: string): unknown;
  createOffer(): Promise<{ type: 'offer'; sdp: string }>;
  createAnswer(): Promise<{ type: 'answer'; sdp: string }>;
  setLocalDescription(d: { type: 'offer' | 'answer'; sdp: string }): Promise<void>;
  setRemoteDescription(d: { type: 'offer' | 'answer'; sdp: string }): Promise<void>;
  readonly localDescription: { sdp: string } | null;
  readonly iceGatheringState: string;
  readonly iceConnectionState: string;
  addEventListener(type: string, listener: () => void): void;
  close(): void;
}
type Wrtc = { RTCPeerConnection: new () => WrtcPeerConnection };
const wrtc = await optional(async () => {
  const m = (await import('@roamhq/wrtc')) as unknown as Wrtc & { default?: Wrtc };
  return m.default ?? m;
});
// All optional libraries are loaded before the first test is defined: the libdatachannel
// teardown below exits the process, so no test may be added after the others have finished.

if (!ndc) {
  t.comment('node-datachannel not installed: libdatachannel interop skipped');
} else {
  const lib = ndc;
  // libdatachannel's threads (a DTLS handshake that never completes: we speak only ICE here)
  // keep the process alive, and its global cleanup() crashes in that state: exit once the
  // results are written.
  t.teardown(() => {
    setTimeout(() => process.exit(0), 50);
  });
  const peer = (name: string) => {
    const pc = new lib.PeerConnection(name, { iceServers: [], bindAddress: '127.0.0.1' });
    const state = { ice: 'new', desc: undefined as { sdp: string; type: string } | undefined, candidates: [] as string[] };
    pc.onLocalDescription((sdp, type) => (state.desc = { sdp, type }));
    pc.onLocalCandidate((c) => state.candidates.push(c));
    pc.onIceStateChange((s) => (state.ice = s));
    return { pc, state };
  };

  for (const lite of [false, true]) {
    t.test(`libdatachannel offers (controlling), our ${lite ? 'lite' : 'full'} agent answers`, async (t) => {
      const { pc, state } = peer('offerer');
      const dc = pc.createDataChannel('x');
      const ours = await ourAgent({ lite });
      const start = clock();
      while (!state.desc || state.candidates.length === 0) await new Promise((r) => setTimeout(r, 10));
      const remote = remoteParams(state.desc.sdp);
      ours.agent.setRemoteCredentials(remote.ufrag, remote.pwd);
      for (const c of [...remote.candidates, ...state.candidates.map((c) => parseCandidate(c))]) ours.agent.addRemoteCandidate(c, clock());
      ours.agent.addRemoteCandidate(null, clock());
      ours.drain();
      pc.setRemoteDescription(description(ours.agent, 'passive'), 'answer' as never);
      await ours.until(() => up(ours.agent.connectionState) && up(state.ice) && dtlsSeen(ours), 10_000, 'ICE connected both ways');
      t.ok(up(state.ice), `libdatachannel ICE state: ${state.ice}`);
      t.ok(up(ours.agent.connectionState), `our state: ${ours.agent.connectionState} after ${(clock() - start).toFixed(0)} ms`);
      t.equal(ours.agent.role, 'controlled');
      t.equal(ours.agent.selectedPair()?.remoteAddress.address, '127.0.0.1');
      t.ok(dtlsSeen(ours), 'libdatachannel\'s DTLS ClientHello arrived as a data event over the selected pair');
      dc.close();
      pc.close();
      ours.close();
    });
  }

  t.test('our full agent offers (controlling), libdatachannel answers', async (t) => {
    const ours = await ourAgent({ controlling: true });
    const { pc, state } = peer('answerer');
    pc.setRemoteDescription(description(ours.agent, 'actpass'), 'offer' as never);
    while (!state.desc) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    const remote = remoteParams(state.desc.sdp);
    ours.agent.setRemoteCredentials(remote.ufrag, remote.pwd);
    for (const c of [...remote.candidates, ...state.candidates.map((c) => parseCandidate(c))]) ours.agent.addRemoteCandidate(c, clock());
    ours.drain();
    // connected on the first valid pair (RFC 8445 §12.1); the nomination follows a round trip later
    const nominated = () => ours.agent.stats().pairs.some((p) => p.nominated);
    await ours.until(() => up(ours.agent.connectionState) && up(state.ice) && nominated(), 10_000, 'ICE connected both ways');
    t.ok(up(state.ice), `libdatachannel ICE state: ${state.ice}`);
    t.ok(up(ours.agent.connectionState));
    t.equal(ours.agent.role, 'controlling');
    t.equal(ours.agent.stats().pairs.filter((p) => p.nominated).length, 1, 'we nominated one pair');
    pc.close();
    ours.close();
  });
}


if (!werift) {
  t.comment('werift not installed: werift interop skipped');
} else {
  const W = werift;
  t.test('werift offers (controlling), our lite agent answers', async (t) => {
    const pc = new W.RTCPeerConnection({ iceServers: [], iceUseIpv6: false, iceAdditionalHostAddresses: [] } as never);
    pc.createDataChannel('x');
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise<void>((r) => (pc.iceGatheringState === 'complete' ? r() : pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && r())));
    const offer = pc.localDescription!.sdp;
    const remote = remoteParams(offer);
    const ours = await ourAgent({ lite: true });
    ours.agent.setRemoteCredentials(remote.ufrag, remote.pwd);
    for (const c of remote.candidates) ours.agent.addRemoteCandidate(c, clock());
    ours.drain();
    await pc.setRemoteDescription({ type: 'answer', sdp: description(ours.agent, 'passive') });
    await ours.until(() => up(ours.agent.connectionState) && up(pc.iceConnectionState), 10_000, 'werift ICE connected');
    t.ok(up(pc.iceConnectionState), `werift iceConnectionState: ${pc.iceConnectionState}`);
    t.ok(up(ours.agent.connectionState));
    t.equal(ours.agent.selectedPair()?.remoteAddress.address, '127.0.0.1');
    await pc.close();
    ours.close();
  });
}

if (!wrtc) {
  t.comment('@roamhq/wrtc not installed: libwebrtc interop skipped');
} else {
  const W = wrtc;
  const gathered = (pc: WrtcPeerConnection) =>
    new Promise<void>((r) => {
      if (pc.iceGatheringState === 'complete') r();
      else pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r());
    });
  const waitUp = async (pc: WrtcPeerConnection, ours: UdpDriver) => {
    await ours.until(() => up(pc.iceConnectionState) && up(ours.agent.connectionState), 10_000, 'libwebrtc ICE connected');
  };

  t.test('libwebrtc (@roamhq/wrtc M106) offers, our lite agent answers', async (t) => {
    const pc = new W.RTCPeerConnection();
    pc.createDataChannel('x');
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const remote = remoteParams(pc.localDescription!.sdp);
    const ours = await ourAgent({ lite: true });
    ours.agent.setRemoteCredentials(remote.ufrag, remote.pwd);
    for (const c of remote.candidates) ours.agent.addRemoteCandidate(c, clock());
    ours.drain();
    await pc.setRemoteDescription({ type: 'answer', sdp: description(ours.agent, 'passive') });
    await waitUp(pc, ours);
    t.ok(up(pc.iceConnectionState), `libwebrtc iceConnectionState: ${pc.iceConnectionState}`);
    t.ok(up(ours.agent.connectionState));
    pc.close();
    ours.close();
  });

  t.test('our full agent offers, libwebrtc answers', async (t) => {
    const ours = await ourAgent({ controlling: true });
    const pc = new W.RTCPeerConnection();
    await pc.setRemoteDescription({ type: 'offer', sdp: description(ours.agent, 'actpass') });
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    const remote = remoteParams(pc.localDescription!.sdp);
    ours.agent.setRemoteCredentials(remote.ufrag, remote.pwd);
    for (const c of remote.candidates) ours.agent.addRemoteCandidate(c, clock());
    ours.agent.addRemoteCandidate(null, clock());
    ours.drain();
    await waitUp(pc, ours);
    t.ok(up(pc.iceConnectionState), `libwebrtc iceConnectionState: ${pc.iceConnectionState}`);
    t.ok(up(ours.agent.connectionState), `ours: ${ours.agent.connectionState}`);
    t.equal(ours.agent.role, 'controlling');
    pc.close();
    ours.close();
  });
}
