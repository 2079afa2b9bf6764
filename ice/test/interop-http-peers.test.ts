// ICE interop with aiortc 1.4 (aioice) and pion/webrtc 3.1 (pion/ice), the HTTP echo peers of
// ../shared/peers, over real UDP on loopback. Only ICE is under test: the peer's
// iceConnectionState (from its GET /stats) and ours must reach connected, and the peer's DTLS
// ClientHello must reach us over the selected pair. Skipped when a peer cannot start.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomFillSync } from 'node:crypto';
import { createInterface } from 'node:readline';
import t, { type Test } from 'tap';
import { IceAgent, type IceSettings } from '../src/index.js';
import { description, remoteParams } from './describe.js';
import { UdpDriver, clock } from './udp-driver.js';

const PEERS = new URL('../../../shared/peers/', import.meta.url).pathname;
const random = (out: Uint8Array): void => void randomFillSync(out);
const up = (s: string | undefined): boolean => s === 'connected' || s === 'completed';

interface Peer {
  url: string;
  proc: ChildProcess;
}

function startPeer(name: string): Promise<Peer> {
  const proc = spawn(`${PEERS}${name}/start.sh`, ['0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGTERM');
      reject(new Error(`${name}: no READY within 60 s`));
    }, 60_000);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /^READY (\d+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m[1]}`, proc });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before READY`));
    });
  });
}

async function http<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function peerIceState(peer: Peer, id: number): Promise<string | undefined> {
  const stats = await http<{ sessions: { id: number; iceConnectionState: string }[] }>('GET', `${peer.url}/stats`);
  return stats.sessions.find((s) => s.id === id)?.iceConnectionState;
}

async function ourAgent(settings: Partial<IceSettings>): Promise<UdpDriver> {
  const d = new UdpDriver(new IceAgent({ random, ...settings }, clock()), createSocket('udp4'));
  await d.start();
  await d.until(() => d.agent.gatheringState === 'complete', 2000, 'our gathering');
  return d;
}

async function waitBoth(peer: Peer, id: number, ours: UdpDriver): Promise<string | undefined> {
  const deadline = clock() + 15_000;
  let state = await peerIceState(peer, id);
  while (!(up(state) && up(ours.agent.connectionState)) && clock() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    state = await peerIceState(peer, id);
  }
  return state;
}

async function weOffer(t: Test, peer: Peer): Promise<void> {
  const ours = await ourAgent({ controlling: true });
  const answer = await http<{ sdp: string; id: number }>('POST', `${peer.url}/offer`, { type: 'offer', sdp: description(ours.agent, 'actpass') });
  const remote = remoteParams(answer.sdp);
  ours.agent.setRemoteCredentials(remote.ufrag, remote.pwd);
  for (const c of remote.candidates) ours.agent.addRemoteCandidate(c, clock());
  ours.agent.addRemoteCandidate(null, clock());
  ours.drain();
  const state = await waitBoth(peer, answer.id, ours);
  t.ok(up(state), `peer iceConnectionState: ${state}`);
  t.ok(up(ours.agent.connectionState), `our controlling agent: ${ours.agent.connectionState}`);
  // connected on the first valid pair (RFC 8445 §12.1); the nomination follows a round trip later
  await ours.until(() => ours.agent.stats().pairs.some((p) => p.nominated), 5000, 'nomination').catch(() => undefined);
  t.ok(ours.agent.stats().pairs.some((p) => p.nominated), 'we nominated');
  await ours.until(() => ours.received.some((x) => x[0] === 22), 5000, 'DTLS ClientHello').catch(() => undefined);
  t.ok(ours.received.some((x) => x[0] === 22), 'the peer\'s DTLS ClientHello (it answered setup:active) reached us as data');
  ours.close();
}

async function theyOffer(t: Test, peer: Peer, lite: boolean): Promise<void> {
  const offer = await http<{ sdp: string; id: number }>('POST', `${peer.url}/connect`, {});
  const remote = remoteParams(offer.sdp);
  const ours = await ourAgent({ lite });
  ours.agent.setRemoteCredentials(remote.ufrag, remote.pwd);
  for (const c of remote.candidates) ours.agent.addRemoteCandidate(c, clock());
  ours.agent.addRemoteCandidate(null, clock());
  ours.drain();
  await http('POST', `${peer.url}/answer`, { type: 'answer', sdp: description(ours.agent, 'active'), id: offer.id });
  const state = await waitBoth(peer, offer.id, ours);
  t.ok(up(state), `peer iceConnectionState: ${state}`);
  t.ok(up(ours.agent.connectionState), `our ${lite ? 'lite' : 'full'} agent: ${ours.agent.connectionState}`);
  t.equal(ours.agent.role, 'controlled');
  ours.close();
}

for (const name of ['aiortc', 'pion']) {
  t.test(name, { timeout: 120_000 }, async (t) => {
    let peer: Peer;
    try {
      peer = await startPeer(name);
    } catch (e) {
      t.comment(`${name} unavailable: ${(e as Error).message}`);
      t.pass(`skipped: ${name} did not start`);
      return;
    }
    t.teardown(() => void peer.proc.kill('SIGTERM'));
    await t.test(`our full agent offers, ${name} answers`, (t) => weOffer(t, peer));
    await t.test(`${name} offers, our lite agent answers`, (t) => theyOffer(t, peer, true));
    await t.test(`${name} offers, our full agent answers`, (t) => theyOffer(t, peer, false));
  });
}
