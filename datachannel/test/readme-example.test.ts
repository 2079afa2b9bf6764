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
