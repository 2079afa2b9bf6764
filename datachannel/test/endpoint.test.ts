// RtcEndpoint: one UDP port, many peers (tsrtc, libdatachannel and libwebrtc clients) on loopback.
import t from 'tap';
import { RtcEndpoint, RTCPeerConnection, type RtcPeer } from '../src/index.js';
import { once, waitFor } from './helpers/wait.js';

type AnyPc = any; // eslint-disable-line @typescript-eslint/no-explicit-any



const clients: [string, () => Promise<any>][] = [
  ['tsrtc', async () => class extends RTCPeerConnection { constructor() { super({ tsrtc: { addresses: ['127.0.0.1'] } }); } }],
  ['libdatachannel', async () => (await import('node-datachannel/polyfill')).RTCPeerConnection],
  ['libwebrtc', async () => ((await import('@roamhq/wrtc')) as any).default.RTCPeerConnection],
];

/** A client offers; the endpoint answers in one call. */
async function dial(endpoint: RtcEndpoint, Pc: any): Promise<{ pc: AnyPc; dc: AnyPc; peer: RtcPeer }> {
  const pc: AnyPc = new Pc({ iceServers: [] });
  const dc = pc.createDataChannel('chat');
  await pc.setLocalDescription(await pc.createOffer());
  const { sdp, peer } = endpoint.accept(pc.localDescription.sdp);
  await pc.setRemoteDescription({ type: 'answer', sdp });
  if (dc.readyState !== 'open') await waitFor(dc, 'open');
  return { pc, dc, peer };
}

t.test('accept offers from three stacks on one port, echo, broadcast, graceful close', async (t) => {
  const endpoint = await RtcEndpoint.listen({ address: '127.0.0.1' });
  t.ok(endpoint.port > 0);
  endpoint.on('message', (data, channel) => channel.send(data)); // echo
  const connected: string[] = [];
  endpoint.on('peer', (peer) => connected.push(peer.id));
  const channels: string[] = [];
  endpoint.on('channel', (ch) => channels.push(ch.label));

  const sessions = [];
  for (const [name, load] of clients) {
    const s = await dial(endpoint, await load());
    sessions.push({ name, ...s });
  }
  t.equal(endpoint.peers.length, 3);
  // a client's channel may open (libwebrtc: once its DATA_CHANNEL_OPEN is sent) before the
  // endpoint has processed that OPEN
  while (channels.length < 3) await once(endpoint, 'channel');
  t.same(channels, ['chat', 'chat', 'chat']);
  for (const s of sessions) {
    t.equal(s.peer.connectionState, 'connected', `${s.name}: connected`);
    t.ok(connected.includes(s.peer.id));
    t.match(s.peer.remoteAddress?.address, /^\d+\.\d+\.\d+\.\d+$/, `${s.name}: remote address known`);
    const echo = waitFor(s.dc, 'message');
    s.dc.send(`hi from ${s.name}`);
    t.equal((await echo).data, `hi from ${s.name}`, `${s.name}: echo`);
  }
  const got = sessions.map((s) => waitFor(s.dc, 'message'));
  t.equal(endpoint.broadcast('all', 'news'), 3);
  for (const m of await Promise.all(got)) t.equal(m.data, 'news');
  t.equal(endpoint.stats().peersConnected, 3);
  for (const s of sessions) {
    const ps = s.peer.stats();
    t.ok(ps.bytesReceived > 0 && ps.bytesSent > 0 && ps.channels === 1, `${s.name}: peer stats ${JSON.stringify(ps)}`);
  }

  const closedPeers: string[] = [];
  endpoint.on('peer-closed', (p) => closedPeers.push(p.id));
  const channelCloses = sessions.map((s) => waitFor(s.dc, 'close'));
  await endpoint.close();
  await Promise.all(channelCloses);
  t.equal(closedPeers.length, 3, 'every peer closed');
  t.pass('every client saw its channel close');
  for (const s of sessions) s.pc.close();
});

t.test('server as offerer: createOffer with a channel, applyAnswer', async (t) => {
  const endpoint = await RtcEndpoint.listen({ address: '127.0.0.1' });
  t.teardown(() => endpoint.close());
  for (const [name, load] of clients) {
    const Pc = await load();
    const { id, sdp, peer } = endpoint.createOffer({ channels: [{ label: 'srv' }] });
    const pc: AnyPc = new Pc({ iceServers: [] });
    const incoming = waitFor(pc, 'datachannel');
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc.iceGatheringState !== 'complete') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        pc.addEventListener('icegatheringstatechange', () => {
          if (pc.iceGatheringState === 'complete') { clearTimeout(timer); resolve(); }
        });
      });
    }
    endpoint.applyAnswer(id, pc.localDescription.sdp);
    const ch = (await incoming).channel;
    t.equal(ch.label, 'srv', `${name}: got the server's channel`);
    if (ch.readyState !== 'open') await waitFor(ch, 'open');
    const [data] = await Promise.all([
      once<[unknown]>(peer, 'message'),
      Promise.resolve().then(() => ch.send('to server')),
    ]);
    t.equal(data[0], 'to server', `${name}: message reached the server`);
    const back = waitFor(ch, 'message');
    t.ok(peer.send(new Uint8Array([7, 7]), 'srv'));
    const d = (await back).data;
    t.same([...new Uint8Array(d instanceof ArrayBuffer ? d : await d.arrayBuffer?.() ?? d)], [7, 7], `${name}: binary from the server`);
    pc.close();
  }
});

t.test('limits and bad input', async (t) => {
  const endpoint = await RtcEndpoint.listen({ address: '127.0.0.1', maxPeers: 1, connectTimeout: 300 });
  t.teardown(() => endpoint.close());
  t.throws(() => endpoint.accept('not sdp'), { name: 'OperationError' });
  t.equal(endpoint.peers.length, 0, 'a refused offer leaves no peer');
  const pc = new RTCPeerConnection({ tsrtc: { addresses: ['127.0.0.1'] } });
  pc.createDataChannel('x');
  await pc.setLocalDescription(await pc.createOffer());
  const offer = pc.localDescription!.sdp;
  pc.close(); // never connects
  const first = endpoint.accept(offer);
  t.throws(() => endpoint.accept(offer), { name: 'OperationError' }, 'maxPeers');
  t.equal(endpoint.stats().peersRefused, 1);
  const [closed, reason] = await once<[RtcPeer, string]>(endpoint, 'peer-closed');
  t.equal(closed.id, first.id);
  t.match(reason, /not connected within 300 ms/);
  t.equal(endpoint.peers.length, 0);
  t.throws(() => endpoint.applyAnswer('nope', 'v=0'), { name: 'InvalidStateError' });
});

t.test('an engine that throws closes its peer only; the endpoint keeps serving', async (t) => {
  const endpoint = await RtcEndpoint.listen({ address: '127.0.0.1' });
  t.teardown(() => endpoint.close());
  endpoint.on('message', (data, channel) => channel.send(data));
  const Ts = await clients[0][1]();
  const one = await dial(endpoint, Ts);
  const two = await dial(endpoint, Ts);
  t.teardown(() => { one.pc.close(); two.pc.close(); });
  // sabotage the first peer's ICE agent, as a bug would
  const agent = one.peer.session.core.iceAgent as unknown as { handlePacket: () => void };
  agent.handlePacket = () => { throw new Error('boom'); };
  const closed = once<[RtcPeer, string]>(endpoint, 'peer-closed');
  one.dc.send('trigger');
  const [peer, reason] = await closed;
  t.equal(peer.id, one.peer.id);
  t.match(reason, /internal error: boom/);
  const echo = waitFor(two.dc, 'message');
  two.dc.send('still here');
  t.equal((await echo).data, 'still here', 'the other peer is unaffected');
});

t.teardown(async () => {
  const ndc = (await import('node-datachannel')) as unknown as { cleanup?: () => void; default?: { cleanup?: () => void } };
  (ndc.cleanup ?? ndc.default?.cleanup)?.();
});

t.test('the endpoint sends no SCTP HEARTBEATs of its own (RFC 9260 §8.3; the peer\'s consent checks prove the path), unless told to', async (t) => {
  const Tsrtc = await clients[0][1]();
  const sctpDeadline = (peer: RtcPeer): number | undefined => (peer.session.core as AnyPc).sctp.nextDeadline();
  const plain = await RtcEndpoint.listen({ address: '127.0.0.1' });
  const a = await dial(plain, Tsrtc);
  await new Promise((r) => setTimeout(r, 300)); // delayed SACKs and the DCEP exchange settle
  t.equal(sctpDeadline(a.peer), undefined, 'an idle association has no timer at all');
  t.equal(a.peer.session.expiresAt, undefined, 'nor the connect timeout, once connected');
  const d0 = a.peer.session.nextDeadline()! - a.peer.session.now();
  t.ok(d0 > 10_000, `an idle peer's next deadline is ICE-lite consent's, ${d0.toFixed(0)} ms away (12 s without checks)`);
  const told = await RtcEndpoint.listen({ address: '127.0.0.1', engines: { sctp: { heartbeatInterval: 15_000 } } });
  const b = await dial(told, Tsrtc);
  await new Promise((r) => setTimeout(r, 300));
  const d = sctpDeadline(b.peer)! - b.peer.session.now();
  t.ok(d > 14_000 && d < 16_500, `engines.sctp.heartbeatInterval still applies (next HEARTBEAT in ${d.toFixed(0)} ms)`);
  a.pc.close();
  b.pc.close();
  await plain.close();
  await told.close();
});
