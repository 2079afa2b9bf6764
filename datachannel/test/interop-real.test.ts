// THE REAL TEST: tsrtc ↔ libdatachannel (node-datachannel's W3C polyfill) and tsrtc ↔ libwebrtc
// (@roamhq/wrtc), in-process over loopback UDP, both directions of offer/answer.
import t, { type Test } from 'tap';
import { RTCPeerConnection as TsPeerConnection } from '../src/index.js';
import { waitFor } from './helpers/wait.js';

type AnyPc = any; // eslint-disable-line @typescript-eslint/no-explicit-any


async function connect(offerer: AnyPc, answerer: AnyPc): Promise<void> {
  offerer.onicecandidate = (e: any) => { if (e.candidate && e.candidate.candidate) answerer.addIceCandidate(e.candidate).catch(() => {}); };
  answerer.onicecandidate = (e: any) => { if (e.candidate && e.candidate.candidate) offerer.addIceCandidate(e.candidate).catch(() => {}); };
  const offer = await offerer.createOffer();
  await offerer.setLocalDescription(offer);
  await answerer.setRemoteDescription({ type: 'offer', sdp: offerer.localDescription.sdp });
  const answer = await answerer.createAnswer();
  await answerer.setLocalDescription(answer);
  await offerer.setRemoteDescription({ type: 'answer', sdp: answerer.localDescription.sdp });
}

async function exercise(t: Test, name: string, Other: any, tsOffers: boolean): Promise<void> {
  const ts = new TsPeerConnection({ tsrtc: { addresses: ['127.0.0.1'] } });
  const other: AnyPc = new Other({ iceServers: [] });
  try {
    const offerer = tsOffers ? ts : other;
    const answerer = tsOffers ? other : ts;
    const dc = offerer.createDataChannel('interop');
    const incoming = waitFor(answerer, 'datachannel');
    const opened = waitFor(dc, 'open');
    await connect(offerer, answerer);
    const remote = (await incoming).channel;
    await opened;
    t.equal(remote.label, 'interop', `${name}: datachannel event with label`);
    remote.binaryType = 'arraybuffer';
    dc.binaryType = 'arraybuffer';

    // text and binary both ways
    const m1 = waitFor(remote, 'message');
    dc.send('hello from offerer');
    t.equal((await m1).data, 'hello from offerer', `${name}: text offerer → answerer`);
    const m2 = waitFor(dc, 'message');
    remote.send(new Uint8Array([1, 2, 3, 250]));
    const d2 = (await m2).data;
    t.same([...new Uint8Array(d2 instanceof ArrayBuffer ? d2 : d2.buffer ?? d2)], [1, 2, 3, 250], `${name}: binary answerer → offerer`);

    // a 64 KiB message and a burst of 200 ordered messages
    const big = new Uint8Array(65536);
    for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
    const m3 = waitFor(remote, 'message');
    dc.send(big);
    const d3 = new Uint8Array((await m3).data);
    t.ok(d3.length === big.length && Buffer.from(d3).equals(Buffer.from(big)), `${name}: 64 KiB message intact`);
    const got: string[] = [];
    const burst = new Promise<void>((resolve) => {
      const onMsg = (e: any) => {
        got.push(e.data);
        if (got.length === 200) resolve();
      };
      dc.addEventListener ? dc.addEventListener('message', onMsg) : (dc.onmessage = onMsg);
    });
    for (let i = 0; i < 200; i++) remote.send(`m${i}`);
    await Promise.race([burst, new Promise((_, rej) => setTimeout(() => rej(new Error('burst timeout')), 15_000))]);
    t.same(got, Array.from({ length: 200 }, (_, i) => `m${i}`), `${name}: 200 messages in order`);

    // second channel from the answerer side, then close from tsrtc's side
    const second = answerer.createDataChannel('second');
    const inc2 = waitFor(offerer, 'datachannel');
    const ch2 = (await inc2).channel;
    if (second.readyState !== 'open') await waitFor(second, 'open');
    t.equal(ch2.label, 'second', `${name}: channel opened by the answerer`);
    t.not(ch2.id % 2, dc.id % 2, `${name}: the two sides use opposite stream id parity`);

    const tsChannel = tsOffers ? dc : remote;
    const otherChannel = tsOffers ? remote : dc;
    const otherClosed = waitFor(otherChannel, 'close');
    const tsClosed = waitFor(tsChannel, 'close');
    tsChannel.close();
    await Promise.all([otherClosed, tsClosed]);
    t.pass(`${name}: close from tsrtc closes both sides`);
    t.equal(ts.connectionState, 'connected', `${name}: connection stays up`);
  } finally {
    ts.close();
    other.close();
  }
}

const peers: [string, () => Promise<any>][] = [
  ['libdatachannel', async () => (await import('node-datachannel/polyfill')).RTCPeerConnection],
  ['libwebrtc (wrtc)', async () => ((await import('@roamhq/wrtc')) as any).default.RTCPeerConnection],
];

for (const [name, load] of peers) {
  t.test(`tsrtc offers, ${name} answers`, async (t) => {
    await exercise(t, name, await load(), true);
  });
  t.test(`${name} offers, tsrtc answers`, async (t) => {
    await exercise(t, name, await load(), false);
  });
}

t.test('ICE restart with libwebrtc, started by either side', async (t) => {
  const Wrtc = ((await import('@roamhq/wrtc')) as any).default.RTCPeerConnection;
  for (const tsRestarts of [true, false]) {
    const ts = new TsPeerConnection({ tsrtc: { addresses: ['127.0.0.1'] } });
    const other: AnyPc = new Wrtc({ iceServers: [] });
    try {
      const dc = ts.createDataChannel('r');
      const incoming = waitFor(other, 'datachannel');
      await connect(ts, other);
      const remote = (await incoming).channel;
      if (dc.readyState !== 'open') await waitFor(dc, 'open');
      const ufrag = (sdp: string) => /a=ice-ufrag:(\S+)/.exec(sdp)![1];
      const [before1, before2] = [ufrag(ts.localDescription!.sdp), ufrag(other.localDescription.sdp)];
      if (tsRestarts) {
        ts.restartIce();
        await connect(ts, other);
      } else {
        other.restartIce?.();
        const offer = await other.createOffer({ iceRestart: true });
        await other.setLocalDescription(offer);
        await ts.setRemoteDescription({ type: 'offer', sdp: other.localDescription.sdp });
        await ts.setLocalDescription();
        await other.setRemoteDescription({ type: 'answer', sdp: ts.localDescription!.sdp });
      }
      t.not(ufrag(ts.localDescription!.sdp), before1, `${tsRestarts ? 'tsrtc' : 'libwebrtc'} restarts: tsrtc has a new ufrag`);
      t.not(ufrag(other.localDescription.sdp), before2, 'libwebrtc has a new ufrag');
      await new Promise((r) => setTimeout(r, 500));
      const m = waitFor(remote, 'message');
      dc.send('after restart');
      t.equal((await m).data, 'after restart', 'data flows after the restart');
      t.equal(ts.connectionState, 'connected');
    } finally {
      ts.close();
      other.close();
    }
  }
});

t.teardown(async () => {
  // let libdatachannel's threads end now instead of at their own timeouts
  const ndc = (await import('node-datachannel')) as unknown as { cleanup?: () => void; default?: { cleanup?: () => void } };
  (ndc.cleanup ?? ndc.default?.cleanup)?.();
});
