// W3C RTCPeerConnection / RTCDataChannel behaviour: event order, backpressure events,
// max-message-size, close semantics. tsrtc ↔ tsrtc over loopback UDP.
import t from 'tap';
import { RTCPeerConnection, type RTCDataChannel } from '../src/index.js';
import { waitFor } from './helpers/wait.js';
import { openChannel } from './helpers/negotiate.js';

const cfg = { tsrtc: { addresses: ['127.0.0.1'] } };


function record(pc: RTCPeerConnection, log: string[]): void {
  pc.addEventListener('signalingstatechange', () => log.push(`signaling:${pc.signalingState}`));
  pc.addEventListener('icegatheringstatechange', () => log.push(`gathering:${pc.iceGatheringState}`));
  pc.addEventListener('iceconnectionstatechange', () => log.push(`ice:${pc.iceConnectionState}`));
  pc.addEventListener('connectionstatechange', () => log.push(`connection:${pc.connectionState}`));
  pc.addEventListener('icecandidate', (e) => log.push((e as unknown as { candidate: unknown }).candidate === null ? 'candidate:null' : 'candidate'));
  pc.addEventListener('datachannel', (e) => {
    log.push('datachannel');
    const ch = (e as unknown as { channel: RTCDataChannel }).channel;
    ch.addEventListener('open', () => log.push('open'));
  });
}

async function pair(): Promise<{ a: RTCPeerConnection; b: RTCPeerConnection; logA: string[]; logB: string[]; dc: RTCDataChannel; remote: RTCDataChannel }> {
  const a = new RTCPeerConnection(cfg);
  const b = new RTCPeerConnection(cfg);
  const logA: string[] = [];
  const logB: string[] = [];
  record(a, logA);
  record(b, logB);
  a.onicecandidate = (e) => { if (e.candidate) void b.addIceCandidate(e.candidate); };
  b.onicecandidate = (e) => { if (e.candidate) void a.addIceCandidate(e.candidate); };
  const dc = a.createDataChannel('c');
  dc.addEventListener('open', () => logA.push('open'));
  const negotiation = waitFor(a, 'negotiationneeded');
  await negotiation;
  logA.push('negotiationneeded');
  const remote = await openChannel(a, b, dc);
  return { a, b, logA, logB, dc, remote };
}

const before = (log: string[], x: string, y: string) => log.indexOf(x) >= 0 && log.indexOf(y) >= 0 && log.indexOf(x) < log.indexOf(y);

t.test('event order on connect (W3C webrtc-pc §4.4)', async (t) => {
  const { a, b, logA, logB } = await pair();
  t.teardown(() => { a.close(); b.close(); });
  t.equal(logA[0], 'negotiationneeded', 'negotiationneeded first, after createDataChannel');
  t.ok(before(logA, 'signaling:have-local-offer', 'gathering:gathering'), 'offerer: SLD before gathering');
  t.ok(before(logA, 'gathering:gathering', 'candidate'), 'gathering before candidates');
  t.ok(before(logA, 'gathering:complete', 'candidate:null'), 'gathering complete, then the null candidate');
  t.ok(before(logA, 'signaling:stable', 'connection:connected'));
  t.ok(before(logA, 'ice:checking', 'ice:connected'));
  t.ok(before(logA, 'connection:connecting', 'connection:connected'));
  t.ok(before(logA, 'ice:connected', 'connection:connected'), 'ICE connects before the peer connection');
  t.ok(before(logA, 'connection:connected', 'open'), 'connected before the channel opens');
  t.ok(before(logB, 'signaling:have-remote-offer', 'signaling:stable'));
  t.ok(before(logB, 'datachannel', 'open'), 'datachannel, then open');
  t.equal(logA.filter((x) => x === 'connection:connected').length, 1, 'one connected event');
});

t.test('bufferedAmount, bufferedamountlow, and backpressure-driven sending', async (t) => {
  const { a, b, dc, remote } = await pair();
  t.teardown(() => { a.close(); b.close(); });
  dc.bufferedAmountLowThreshold = 64 * 1024;
  t.equal(dc.bufferedAmountLowThreshold, 64 * 1024);
  let received = 0;
  const total = 4 * 1024 * 1024;
  const done = new Promise<void>((resolve) => {
    remote.onmessage = (e) => {
      received += (e.data as ArrayBuffer).byteLength;
      if (received >= total) resolve();
    };
  });
  const chunk = new Uint8Array(16 * 1024);
  let sent = 0;
  let lows = 0;
  const pump = () => {
    while (sent < total && dc.bufferedAmount < 512 * 1024) {
      dc.send(chunk);
      sent += chunk.length;
    }
  };
  dc.onbufferedamountlow = () => {
    lows++;
    t.ok(dc.bufferedAmount <= 64 * 1024, 'bufferedamountlow fires at or below the threshold');
    pump();
  };
  pump();
  t.ok(dc.bufferedAmount > 64 * 1024, 'bufferedAmount counts queued bytes synchronously');
  await done;
  t.equal(received, total);
  t.ok(lows >= 1, `bufferedamountlow fired ${lows} times`);
});

t.test('max-message-size: TypeError above the remote limit, like browsers', async (t) => {
  const a = new RTCPeerConnection(cfg);
  const b = new RTCPeerConnection({ tsrtc: { addresses: ['127.0.0.1'], maxMessageSize: 1000 } });
  t.teardown(() => { a.close(); b.close(); });
  a.onicecandidate = (e) => { if (e.candidate) void b.addIceCandidate(e.candidate); };
  b.onicecandidate = (e) => { if (e.candidate) void a.addIceCandidate(e.candidate); };
  const dc = a.createDataChannel('m');
  const incoming = waitFor<{ channel: RTCDataChannel }>(b, 'datachannel');
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  t.match(b.localDescription!.sdp, /a=max-message-size:1000\r\n/);
  await a.setRemoteDescription(b.localDescription!);
  const remote = (await incoming).channel;
  if (dc.readyState !== 'open') await waitFor(dc, 'open');
  t.equal(a.sctp!.maxMessageSize, 1000);
  t.throws(() => dc.send(new Uint8Array(1001)), TypeError);
  t.throws(() => dc.send(new Blob([new Uint8Array(1001)])), TypeError);
  const m = waitFor<MessageEvent>(remote, 'message');
  dc.send(new Uint8Array(1000));
  t.equal(((await m).data as ArrayBuffer).byteLength, 1000);
});

t.test('remote peer close: channels close and the transport ends', async (t) => {
  const { a, b, dc, remote } = await pair();
  t.teardown(() => a.close());
  const closed = waitFor(dc, 'close');
  b.close();
  t.equal(remote.readyState, 'closed', 'local channels are closed by close()');
  t.equal(b.connectionState, 'closed');
  await closed;
  t.equal(dc.readyState, 'closed', 'the peer sees its channel close');
  t.throws(() => dc.send('x'), { name: 'InvalidStateError' });
});

t.test('many channels, labels and ids', async (t) => {
  const { a, b, dc } = await pair();
  t.teardown(() => { a.close(); b.close(); });
  const names: string[] = [];
  b.addEventListener('datachannel', (e) => names.push((e as unknown as { channel: RTCDataChannel }).channel.label));
  const chans = Array.from({ length: 20 }, (_, i) => a.createDataChannel(`ch${i}`, { ordered: i % 2 === 0, maxRetransmits: i % 3 === 0 ? 0 : null }));
  await Promise.all(chans.map((c) => (c.readyState === 'open' ? undefined : waitFor(c, 'open'))));
  const ids = new Set([dc.id, ...chans.map((c) => c.id)]);
  t.equal(ids.size, 21, 'distinct ids');
  for (const c of chans) t.equal(c.id! % 2, dc.id! % 2, 'same parity');
  while (names.length < 20) await waitFor(b, 'datachannel');
  t.same(names.sort(), chans.map((c) => c.label).sort());
});

t.test('simple-peer style usage through a wrtc object (non-trickle, SDP passed through JSON)', async (t) => {
  const wrtc = await import('../src/index.js');
  const { RTCPeerConnection: Pc, RTCSessionDescription: Desc } = wrtc;
  const initiator = new Pc(cfg);
  const other = new Pc(cfg);
  t.teardown(() => { initiator.close(); other.close(); });
  const iceComplete = (pc: RTCPeerConnection) => new Promise<void>((resolve) => {
    pc.onicecandidate = (e) => { if (!e.candidate) resolve(); };
  });
  const channel = initiator.createDataChannel('sp', {});
  channel.binaryType = 'arraybuffer';
  channel.bufferedAmountLowThreshold = 64 * 1024;
  const opened = new Promise<void>((r) => { channel.onopen = () => r(); });
  const received = new Promise<string>((resolve) => {
    other.ondatachannel = (event) => {
      const ch = event.channel;
      ch.binaryType = 'arraybuffer';
      ch.onopen = () => ch.send('from answerer');
      ch.onmessage = (e) => resolve(Buffer.from(e.data as ArrayBuffer).toString());
    };
  });
  const offer = await initiator.createOffer({});
  offer.sdp = offer.sdp!.replace(/a=ice-options:trickle\s\n/g, ''); // simple-peer's filterTrickle
  const doneA = iceComplete(initiator);
  await initiator.setLocalDescription(offer);
  await doneA;
  const signal1 = JSON.parse(JSON.stringify({ type: initiator.localDescription!.type, sdp: initiator.localDescription!.sdp }));
  await other.setRemoteDescription(new Desc(signal1));
  const answer = await other.createAnswer({});
  const doneB = iceComplete(other);
  await other.setLocalDescription(answer);
  await doneB;
  await initiator.setRemoteDescription(new Desc(JSON.parse(JSON.stringify(other.localDescription))));
  await opened;
  const gotOnInitiator = new Promise<string>((r) => { channel.onmessage = (e) => r(e.data as string); });
  channel.send(Buffer.from('from initiator'));
  t.equal(await received, 'from initiator');
  t.equal(await gotOnInitiator, 'from answerer');
});

t.test('perfect negotiation: glare resolved by the polite peer (implicit rollback), explicit rollback', async (t) => {
  const polite = new RTCPeerConnection(cfg);
  const impolite = new RTCPeerConnection(cfg);
  t.teardown(() => { polite.close(); impolite.close(); });
  type Msg = { description?: { type: 'offer' | 'answer'; sdp: string }; candidate?: unknown };
  const wire = (self: RTCPeerConnection, peer: () => (m: Msg) => Promise<void>, isPolite: boolean) => {
    let makingOffer = false;
    self.onnegotiationneeded = async () => {
      makingOffer = true;
      await self.setLocalDescription();
      makingOffer = false;
      await peer()({ description: self.localDescription!.toJSON() as { type: 'offer'; sdp: string } });
    };
    self.onicecandidate = (e) => { if (e.candidate) void peer()({ candidate: e.candidate.toJSON() }); };
    return async ({ description, candidate }: Msg) => {
      if (description) {
        const collision = description.type === 'offer' && (makingOffer || self.signalingState !== 'stable');
        if (collision && !isPolite) return; // impolite ignores the colliding offer
        await self.setRemoteDescription(description);
        if (description.type === 'offer') {
          await self.setLocalDescription();
          await peer()({ description: self.localDescription!.toJSON() as { type: 'answer'; sdp: string } });
        }
      } else if (candidate) {
        try { await self.addIceCandidate(candidate as never); } catch { /* candidate of an ignored offer */ }
      }
    };
  };
  let toPolite!: (m: Msg) => Promise<void>;
  let toImpolite!: (m: Msg) => Promise<void>;
  toPolite = wire(polite, () => toImpolite, true);
  toImpolite = wire(impolite, () => toPolite, false);
  const seenByImpolite = waitFor<{ channel: RTCDataChannel }>(impolite, 'datachannel');
  const seenByPolite = waitFor<{ channel: RTCDataChannel }>(polite, 'datachannel');
  const a = polite.createDataChannel('from-polite');
  const b = impolite.createDataChannel('from-impolite');
  await Promise.all([waitFor(a, 'open'), waitFor(b, 'open')]);
  t.equal((await seenByImpolite).channel.label, 'from-polite');
  t.equal((await seenByPolite).channel.label, 'from-impolite');
  t.equal(polite.signalingState, 'stable');
  t.equal(impolite.signalingState, 'stable');
  t.equal(polite.connectionState, 'connected');

  // explicit rollback of a local offer
  const pc = new RTCPeerConnection(cfg);
  t.teardown(() => pc.close());
  pc.createDataChannel('x');
  await pc.setLocalDescription();
  t.equal(pc.signalingState, 'have-local-offer');
  await pc.setLocalDescription({ type: 'rollback' });
  t.equal(pc.signalingState, 'stable');
  await t.rejects(pc.setLocalDescription({ type: 'rollback' }), { name: 'InvalidStateError' }, 'nothing to roll back');
});

t.test('close() releases every socket (20 connected pairs)', async (t) => {
  const udpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
  const settle = async () => {
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 50));
  };
  await settle(); // sockets of the earlier tests close on the next turn
  const before = udpHandles();
  for (let i = 0; i < 20; i++) {
    const a = new RTCPeerConnection(cfg);
    const b = new RTCPeerConnection(cfg);
    a.onicecandidate = (e) => { if (e.candidate) void b.addIceCandidate(e.candidate); };
    b.onicecandidate = (e) => { if (e.candidate) void a.addIceCandidate(e.candidate); };
    const dc = a.createDataChannel('leak');
    await openChannel(a, b, dc);
    a.close();
    b.close();
  }
  await settle();
  t.equal(udpHandles(), before, `no UDP socket left open (${before} before)`);
});

t.test('a Blob send keeps its place in the message order', async (t) => {
  const { a, b, dc, remote } = await pair();
  t.teardown(() => { a.close(); b.close(); });
  const got: string[] = [];
  const done = new Promise<void>((resolve) => {
    remote.onmessage = (e) => {
      got.push(typeof e.data === 'string' ? e.data : `bin:${new Uint8Array(e.data as ArrayBuffer).length}`);
      if (got.length === 4) resolve();
    };
  });
  dc.send('first');
  dc.send(new Blob([new Uint8Array(3000)]));
  const queued = dc.bufferedAmount;
  dc.send('third');
  dc.send(new Uint8Array(5));
  t.ok(queued >= 3000, `the Blob counts in bufferedAmount at once (${queued})`);
  await done;
  t.same(got, ['first', 'bin:3000', 'third', 'bin:5']);
});
