// The README's W3C example, verbatim apart from the assertions: it must keep working.
import t from 'tap';
import { RTCPeerConnection } from '../src/index.js';

t.test('README W3C example runs', async (t) => {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  t.teardown(() => { a.close(); b.close(); });
  const got = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), 20_000);
    void (async () => {
      a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
      b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
      b.ondatachannel = ({ channel }) => {
        channel.onmessage = (e) => { clearTimeout(timer); resolve(e.data); a.close(); b.close(); };
      };
      const dc = a.createDataChannel('chat');
      dc.onopen = () => dc.send('hello');

      await a.setLocalDescription();
      await b.setRemoteDescription(a.localDescription!);
      await b.setLocalDescription();
      await a.setRemoteDescription(b.localDescription!);
    })().catch(reject);
  });
  t.equal(got, 'hello');
});

t.test('README endpoint example runs (ports 0 instead of 40000 / 8080)', async (t) => {
  const { createServer } = await import('node:http');
  const { RtcEndpoint } = await import('../src/index.js');
  const endpoint = await RtcEndpoint.listen({ port: 0 });
  t.teardown(() => endpoint.close());
  const log: string[] = [];
  endpoint.on('peer', (peer) => log.push(`connected ${peer.id}`));
  endpoint.on('message', (data, channel) => channel.send(data)); // echo
  const server = createServer(async (req, res) => {
    let offer = '';
    for await (const chunk of req) offer += chunk;
    try {
      const { id, sdp } = endpoint.accept(offer);
      res.writeHead(201, { 'content-type': 'application/sdp', location: `/session/${id}` }).end(sdp);
    } catch (e) {
      res.writeHead(400).end(String(e));
    }
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  t.teardown(() => server.close());
  const { port } = server.address() as { port: number };

  // the browser side, played by a tsrtc RTCPeerConnection
  const pc = new RTCPeerConnection();
  t.teardown(() => pc.close());
  const dc = pc.createDataChannel('chat');
  await pc.setLocalDescription();
  const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: pc.localDescription!.sdp });
  t.equal(response.status, 201);
  t.match(response.headers.get('location'), /^\/session\//);
  await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
  await new Promise((r) => (dc.onopen = r));
  const echo = new Promise<unknown>((r) => (dc.onmessage = (e) => r(e.data)));
  dc.send('ping');
  t.equal(await echo, 'ping');
  t.equal(log.length, 1);
  const bad = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'nonsense' });
  t.equal(bad.status, 400);
});
