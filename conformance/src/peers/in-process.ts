/** A W3C implementation in this process as a remote echo peer (see echo-driver.ts). */
import { createEchoDriver, type EchoDriver } from './echo-driver.js';
import type { W3cImplementation } from './implementations.js';
import type { CandidateInit, ChannelSpec, PeerStats, RemoteCaps, RemotePeer, WireMessage } from './types.js';

const ALL_CAPS: RemoteCaps = { createChannel: true, closeChannel: true, negotiated: true, renegotiate: true, closeSession: true, channelParams: true, trickle: true };

/** Wraps an echo driver (here or in a browser page) as a RemotePeer. */
export class DriverRemote implements RemotePeer {
  readonly caps: RemoteCaps;
  constructor(
    readonly name: string,
    readonly description: string,
    private readonly call: <K extends keyof EchoDriver>(method: K, ...args: Parameters<EchoDriver[K]>) => Promise<Awaited<ReturnType<EchoDriver[K]>>>,
    private readonly stop: () => Promise<void> = async () => {},
    caps: Partial<RemoteCaps> = {},
  ) {
    this.caps = { ...ALL_CAPS, ...caps };
  }
  offer(spec?: ChannelSpec) { return this.call('offer', spec); }
  answer(sdp: string) { return this.call('answer', sdp); }
  applyAnswer(session: number, sdp: string) { return this.call('applyAnswer', session, sdp); }
  send(session: number, label: string, message: WireMessage) { return this.call('send', session, label, message); }
  stats(): Promise<PeerStats> { return this.call('stats'); }
  closeAll() { return this.call('closeAll'); }
  createChannel(session: number, spec: ChannelSpec) { return this.call('createChannel', session, spec); }
  closeChannel(session: number, label: string) { return this.call('closeChannel', session, label); }
  reanswer(session: number, sdp: string) { return this.call('reanswer', session, sdp); }
  reoffer(session: number) { return this.call('reoffer', session); }
  closeSession(session: number) { return this.call('closeSession', session); }
  answerTrickle(sdp: string) { return this.call('answerTrickle', sdp); }
  addIceCandidate(session: number, candidate: CandidateInit) { return this.call('addIceCandidate', session, candidate); }
  takeCandidates(session: number) { return this.call('takeCandidates', session); }
  dispose() { return this.stop(); }
}

export function inProcessRemote(impl: W3cImplementation, column: string = impl.name): RemotePeer {
  const driver = createEchoDriver(impl.RTCPeerConnection, impl.config, impl.name);
  const call = async (method: keyof EchoDriver, ...args: unknown[]) => (driver[method] as (...a: unknown[]) => unknown)(...args);
  return new DriverRemote(column, impl.description, call as never, async () => driver.closeAll());
}
