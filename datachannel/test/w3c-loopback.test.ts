// tsrtc ↔ tsrtc through the W3C API over real UDP sockets on 127.0.0.1.
import t from 'tap';
import { RTCPeerConnection, RTCDataChannel, RTCSessionDescription, RTCIceCandidate } from '../src/index.js';
import { waitFor } from './helpers/wait.js';

const cfg = { tsrtc: { addresses: ['127.0.0.1'] } };


/** Trickle: candidates are passed as they come. */
async function connect(a: RTCPeerConnection, b: RTCPeerConnection): Promise<void> {
  a.onicecandidate = (e) => { if (e.candidate) void b.addIceCandidate(e.candidate); };
  b.onicecandidate = (e) => { if (e.candidate) void a.addIceCandidate(e.candidate); };
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription!);
}

t.test('W3C: trickle connect, datachannel event, text and binary both ways, states', async (t) => {
  const a = new RTCPeerConnection(cfg);
  const b = new RTCPeerConnection(cfg);
  t.teardown(() => { a.close(); b.close(); });
  const states: string[] = [];
  a.onconnectionstatechange = () => states.push(a.connectionState);
  const signaling: string[] = [];
  a.addEventListener('signalingstatechange', () => signaling.push(a.signalingState));
  const dc = a.createDataChannel('chat', { protocol: 'p1' });
  t.equal(dc.readyState, 'connecting');
  t.equal(dc.id, null, 'no id before the DTLS role is known');
  const gotChannel = waitFor<{ channel: RTCDataChannel }>(b, 'datachannel');
  const opened = waitFor(dc, 'open');
  await connect(a, b);
  t.same(signaling, ['have-local-offer', 'stable']);
  const { channel } = await gotChannel;
  t.equal(channel.readyState, 'open', 'incoming channel is open in ondatachannel');
  t.equal(channel.label, 'chat');
  t.equal(channel.protocol, 'p1');
  await opened;
  t.equal(dc.readyState, 'open');
  t.equal(dc.id, channel.id);
  t.equal(dc.id! % 2, 1, 'offerer is DTLS server (answerer active) → odd id');

  const msg = waitFor<MessageEvent>(channel, 'message');
  dc.send('héllo');
  t.equal((await msg).data, 'héllo');
  const bin = waitFor<MessageEvent>(dc, 'message');
  channel.send(new Uint8Array([1, 2, 3]));
  const data = (await bin).data;
  t.ok(data instanceof ArrayBuffer, 'binaryType arraybuffer by default');
  t.same([...new Uint8Array(data as ArrayBuffer)], [1, 2, 3]);

  channel.binaryType = 'blob';
  const blobMsg = waitFor<MessageEvent>(channel, 'message');
  dc.send(new Blob([new Uint8Array([9, 8])]));
  const blob = (await blobMsg).data as Blob;
  t.ok(blob instanceof Blob);
  t.same([...new Uint8Array(await blob.arrayBuffer())], [9, 8]);

  const empty = waitFor<MessageEvent>(channel, 'message');
  dc.send('');
  t.equal((await empty).data, '', 'empty string arrives (PPID 56)');

  t.equal(a.connectionState, 'connected');
  t.equal(b.iceConnectionState === 'connected' || b.iceConnectionState === 'completed', true);
  t.same(states, ['connecting', 'connected']);
  const stats = await a.getStats();
  const types = new Set([...stats.values()].map((s) => s.type));
  for (const ty of ['peer-connection', 'transport', 'candidate-pair', 'local-candidate', 'remote-candidate', 'data-channel', 'certificate']) {
    t.ok(types.has(ty), `getStats has ${ty}`);
  }
  // what simple-peer does to find the addresses: promise getStats (length 0), transport →
  // selectedCandidatePairId → candidate-pair → local/remote candidate address and port
  t.equal(a.getStats.length, 0, 'getStats() declares no parameters');
  const transport = [...stats.values()].find((s) => s.type === 'transport')!;
  const selected = stats.get(transport.selectedCandidatePairId as string)!;
  t.equal(selected.type, 'candidate-pair');
  t.ok(typeof selected.currentRoundTripTime === 'number' && selected.currentRoundTripTime >= 0 && selected.currentRoundTripTime < 1,
    `currentRoundTripTime ${selected.currentRoundTripTime} s`);
  t.equal(stats.get(selected.localCandidateId as string)!.address, '127.0.0.1');
  t.equal(typeof stats.get(selected.remoteCandidateId as string)!.port, 'number');
  const dcStats = [...stats.values()].find((s) => s.type === 'data-channel')!;
  t.equal(dcStats.messagesSent, 3);

  // close: both sides end in closed; closing event on the remote
  const remoteClosing = waitFor(channel, 'closing');
  const remoteClose = waitFor(channel, 'close');
  const localClose = waitFor(dc, 'close');
  dc.close();
  t.equal(dc.readyState, 'closing');
  await Promise.all([remoteClosing, remoteClose, localClose]);
  t.equal(channel.readyState, 'closed');
  t.throws(() => dc.send('x'), { name: 'InvalidStateError' });
});

t.test('W3C: non-trickle (complete descriptions), implicit setLocalDescription, negotiated channel', async (t) => {
  const a = new RTCPeerConnection(cfg);
  const b = new RTCPeerConnection(cfg);
  t.teardown(() => { a.close(); b.close(); });
  const na = a.createDataChannel('n', { negotiated: true, id: 5 });
  const nb = b.createDataChannel('n', { negotiated: true, id: 5 });
  await a.setLocalDescription();
  if (a.iceGatheringState !== 'complete') await waitFor(a, 'icegatheringstatechange');
  t.match(a.localDescription!.sdp, /a=candidate:/);
  await b.setRemoteDescription(new RTCSessionDescription({ type: 'offer', sdp: a.localDescription!.sdp }));
  await b.setLocalDescription();
  t.equal(b.localDescription!.type, 'answer');
  if (b.iceGatheringState !== 'complete') await waitFor(b, 'icegatheringstatechange');
  await a.setRemoteDescription(b.localDescription!);
  await Promise.all([waitFor(na, 'open'), waitFor(nb, 'open')]);
  const m = waitFor<MessageEvent>(nb, 'message');
  na.send('negotiated');
  t.equal((await m).data, 'negotiated');
});

t.test('W3C API errors', async (t) => {
  const pc = new RTCPeerConnection(cfg);
  t.throws(() => pc.createDataChannel('x', { maxRetransmits: 1, maxPacketLifeTime: 1 }), TypeError);
  t.throws(() => pc.createDataChannel('x', { negotiated: true }), TypeError);
  t.throws(() => pc.createDataChannel('x', { negotiated: true, id: 65535 }), TypeError);
  t.throws(() => pc.createDataChannel('x'.repeat(65536)), TypeError);
  await t.rejects(pc.createAnswer(), { name: 'InvalidStateError' });
  await t.rejects(pc.addIceCandidate({ candidate: 'candidate:1 1 udp 1 127.0.0.1 1 typ host', sdpMid: '0' }), { name: 'InvalidStateError' });
  await t.rejects(pc.setRemoteDescription({ type: 'offer', sdp: 'garbage' }), { name: 'OperationError' });
  const other = new RTCPeerConnection(cfg);
  other.createDataChannel('x');
  const offer = await other.createOffer();
  other.close();
  await t.rejects(pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp!.replace(/a=ice-ufrag:\S+/, 'a=ice-ufrag:a b') }), { name: 'OperationError' });
  t.equal(pc.signalingState, 'stable', 'a rejected description changes nothing');
  t.equal(pc.remoteDescription, null);
  t.throws(() => new RTCPeerConnection({ iceServers: [{ urls: 'http://x' }] }), SyntaxError);
  t.throws(() => new RTCPeerConnection({ iceServers: [{ urls: 'turn:example.org' }] }), { name: 'InvalidAccessError' });
  t.throws(() => new RTCIceCandidate({ candidate: 'x' }), TypeError);
  await t.rejects(RTCPeerConnection.generateCertificate({ name: 'RSASSA-PKCS1-v1_5' }), { name: 'NotSupportedError' });
  const cert = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
  t.match(cert.getFingerprints()[0].value, /^([0-9a-f]{2}:){31}[0-9a-f]{2}$/);
  pc.close();
  t.equal(pc.signalingState, 'closed');
  t.equal(pc.connectionState, 'closed');
  t.throws(() => pc.createDataChannel('late'), { name: 'InvalidStateError' });
  await t.rejects(pc.createOffer(), { name: 'InvalidStateError' });
});

t.test('RTCIceCandidate reads the fields of its candidate line', (t) => {
  const c = new RTCIceCandidate({
    candidate: 'candidate:842163049 1 udp 1677729535 203.0.113.7 61665 typ srflx raddr 10.0.0.2 rport 61665 generation 0 ufrag EsAw network-cost 999',
    sdpMid: '0',
    sdpMLineIndex: 0,
  });
  t.equal(c.foundation, '842163049');
  t.equal(c.component, 'rtp');
  t.equal(c.protocol, 'udp');
  t.equal(c.priority, 1677729535);
  t.equal(c.address, '203.0.113.7');
  t.equal(c.port, 61665);
  t.equal(c.type, 'srflx');
  t.equal(c.relatedAddress, '10.0.0.2');
  t.equal(c.relatedPort, 61665);
  t.equal(c.usernameFragment, 'EsAw');
  t.same(c.toJSON(), { candidate: c.candidate, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: 'EsAw' });
  const end = new RTCIceCandidate({ candidate: '', sdpMid: '0' });
  t.equal(end.address, null);
  t.end();
});

t.test('a bind failure surfaces as icecandidateerror', async (t) => {
  const pc = new RTCPeerConnection({ tsrtc: { addresses: ['192.0.2.123'] } }); // TEST-NET-1: not a local address
  t.teardown(() => pc.close());
  const e = await new Promise<Event & { errorText?: string }>((r) => pc.addEventListener('icecandidateerror', r as never, { once: true }));
  t.match(e.errorText, /cannot bind UDP sockets/);
});

t.test('IPv6 loopback (addresses: [::1])', async (t) => {
  const a = new RTCPeerConnection({ tsrtc: { addresses: ['::1'] } });
  const b = new RTCPeerConnection({ tsrtc: { addresses: ['::1'] } });
  t.teardown(() => { a.close(); b.close(); });
  const dc = a.createDataChannel('v6');
  const incoming = waitFor<{ channel: RTCDataChannel }>(b, 'datachannel');
  await connect(a, b);
  const remote = (await incoming).channel;
  if (dc.readyState !== 'open') await waitFor(dc, 'open');
  const m = waitFor<MessageEvent>(remote, 'message');
  dc.send('over v6');
  t.equal((await m).data, 'over v6');
  t.match(a.localDescription!.sdp, /a=candidate:\S+ 1 udp \d+ ::1 \d+ typ host/);
  t.match(a.localDescription!.sdp, /c=IN IP6 ::1/);
});
