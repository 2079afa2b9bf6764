// examples/echo-server.ts, run as a user would, with Node clients: tsrtc's own
// RTCPeerConnection and node-datachannel (libdatachannel) each connect through POST /offer,
// send text and binary, and get them back.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { RTCPeerConnection as TsrtcPeerConnection } from '../../src/w3c/index.js';
import { startExample } from './example-process.js';
import { missingPackage } from './browser.js';

type Ctor = new () => any;

async function echoRoundTrip(t: Test, offerUrl: string, RTCPeerConnection: Ctor, asSdp: boolean) {
  const pc = new RTCPeerConnection();
  t.teardown(() => pc.close());
  const dc = pc.createDataChannel('echo');
  dc.binaryType = 'arraybuffer';
  const received: unknown[] = [];
  const twoEchoes = new Promise<void>((resolve) => {
    dc.onmessage = ({ data }: { data: unknown }) => {
      received.push(data);
      if (received.length === 2) resolve();
    };
  });
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => (pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve()));
  }
  const res = asSdp
    ? await fetch(offerUrl, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp })
    : await fetch(offerUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'offer', sdp: pc.localDescription.sdp }) });
  t.equal(res.status, 201);
  const location = res.headers.get('location')!;
  t.match(location, /^\/session\//);
  const sdp = asSdp ? await res.text() : ((await res.json()) as { sdp: string }).sdp;
  await pc.setRemoteDescription({ type: 'answer', sdp });
  await new Promise<void>((resolve) => (dc.readyState === 'open' ? resolve() : (dc.onopen = () => resolve())));
  const bytes = randomBytes(5000);
  dc.send('hello, echo');
  dc.send(bytes);
  await twoEchoes;
  t.equal(received[0], 'hello, echo', 'text comes back as text');
  t.ok(Buffer.from(received[1] as ArrayBuffer).equals(bytes), 'binary comes back byte for byte');
  const del = await fetch(new URL(location, offerUrl), { method: 'DELETE' });
  t.equal(del.status, 200);
}

t.test('echo server example', async (t) => {
  const example = await startExample('echo-server.ts');
  t.teardown(() => example.stop());
  const offerUrl = example.url;
  t.match(offerUrl, /\/offer$/);
  await t.test('tsrtc client, JSON body', (t) => echoRoundTrip(t, offerUrl, TsrtcPeerConnection as unknown as Ctor, false));
  await t.test('tsrtc client, application/sdp body (WHIP)', (t) => echoRoundTrip(t, offerUrl, TsrtcPeerConnection as unknown as Ctor, true));
  await t.test('node-datachannel client', { skip: missingPackage('node-datachannel') }, async (t) => {
    const { RTCPeerConnection: NdcPeerConnection } = await import('node-datachannel/polyfill');
    await echoRoundTrip(t, offerUrl, NdcPeerConnection as unknown as Ctor, false);
  });
  const bad = await fetch(offerUrl, { method: 'POST', body: '{"type":"offer"}', headers: { 'content-type': 'application/json' } });
  t.equal(bad.status, 400, 'a bad offer is refused');
});
