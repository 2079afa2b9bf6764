import { loadImplementation } from '../src/peers/implementations.js';
import { makeOffer, acceptOffer, waitOpen, sleep } from '../src/w3c.js';
const s = await loadImplementation('tsrtc');
const w = await loadImplementation('wrtc');
for (let k = 0; k < 6; k++) {
  const a = new s.RTCPeerConnection(s.config);
  const b = new w.RTCPeerConnection(w.config);
  const got: string[] = []; const states: string[] = [];
  b.addEventListener('datachannel', (e: any) => { states.push(`ev:${e.channel.readyState}`); e.channel.addEventListener('message', (m: any) => { if (got.length < 3) states.push(`msg:${e.channel.readyState}`); got.push(m.data); }); e.channel.addEventListener('open', () => states.push('open-ev')); });
  const dc = a.createDataChannel('echo');
  const ans = await acceptOffer(b, await makeOffer(a));
  await a.setRemoteDescription({ type: 'answer', sdp: ans });
  await waitOpen(dc);
  for (let i = 0; i < 1000; i++) dc.send(`message ${i}`);
  await sleep(800);
  const bad = got.findIndex((m, i) => m !== `message ${i}`);
  console.log(`wrtc got ${got.length}, first out-of-order index ${bad} (${got[bad]}), first ${got.slice(0,3)}`, states.join(' '));
  a.close(); b.close();
}
process.exit(0);
