// One endpoint port, 40 tsrtc clients at once, plus junk datagrams at the port.
import t from 'tap';
import { createSocket } from 'node:dgram';
import { RtcEndpoint, RTCPeerConnection, type RTCDataChannel } from '../src/index.js';
import { waitFor } from './helpers/wait.js';


t.test('40 clients on one port, junk on the port, per-peer echo and broadcast', async (t) => {
  const endpoint = await RtcEndpoint.listen({ address: '127.0.0.1' });
  t.teardown(() => endpoint.close());
  endpoint.on('message', (data, channel) => channel.send(data));

  // junk from an unknown source: dropped, counted, no peer created
  const junk = createSocket('udp4');
  await new Promise<void>((r) => junk.bind(0, '127.0.0.1', () => r()));
  for (let i = 0; i < 200; i++) {
    const d = Buffer.alloc(1 + (i % 120), i);
    d[0] = [0, 1, 22, 23, 128, 200][i % 6];
    junk.send(d, endpoint.port, '127.0.0.1');
  }
  const N = 40;
  const clients: { pc: RTCPeerConnection; dc: RTCDataChannel }[] = [];
  await Promise.all(Array.from({ length: N }, async (_, i) => {
    const pc = new RTCPeerConnection({ tsrtc: { addresses: ['127.0.0.1'] } });
    const dc = pc.createDataChannel(`c${i}`);
    await pc.setLocalDescription();
    const { sdp } = endpoint.accept(pc.localDescription!.sdp);
    await pc.setRemoteDescription({ type: 'answer', sdp });
    if (dc.readyState !== 'open') await waitFor(dc, 'open');
    clients.push({ pc, dc });
  }));
  t.teardown(() => { for (const c of clients) c.pc.close(); junk.close(); });
  t.equal(endpoint.peers.length, N);
  const echoes = await Promise.all(clients.map(async ({ dc }) => {
    const m = waitFor<MessageEvent>(dc, 'message');
    dc.send(`echo ${dc.label}`);
    return [(await m).data, dc.label];
  }));
  for (const [got, label] of echoes) t.equal(got, `echo ${label}`);
  const all = clients.map(({ dc }) => waitFor<MessageEvent>(dc, 'message'));
  t.equal(endpoint.broadcast('all', new Uint8Array([42])), N);
  for (const m of await Promise.all(all)) t.same([...new Uint8Array(m.data as ArrayBuffer)], [42]);
  const s = endpoint.stats();
  t.equal(s.peersConnected, N);
  t.ok(s.datagramsDropped >= 200, `junk dropped (${s.datagramsDropped})`);
});
