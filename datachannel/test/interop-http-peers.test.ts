// tsrtc against the HTTP echo peers of ../shared/peers (aiortc, pion, libdatachannel), both
// offer directions. aiortc is the regression case for "both ends send INIT": as the
// ICE-controlled answerer it waits for an INIT even when it is the DTLS client.
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RTCPeerConnection, type RTCDataChannel } from '../src/index.js';
import { waitFor } from './helpers/wait.js';

const PEERS = fileURLToPath(new URL('../../../shared/peers/', import.meta.url));

function startPeer(name: string): Promise<{ url: string; stop: () => void }> {
  const proc = spawn(`${PEERS}${name}/start.sh`, ['0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => { proc.kill('SIGTERM'); reject(new Error(`${name}: no READY`)); }, 120_000);
    proc.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /READY (\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${m[1]}`, stop: () => proc.kill('SIGTERM') });
      }
    });
  });
}

async function post(url: string, body: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return r.json();
}

async function gathered(pc: RTCPeerConnection): Promise<void> {
  while (pc.iceGatheringState !== 'complete') await waitFor(pc, 'icegatheringstatechange');
}

for (const name of ['aiortc', 'pion', 'ndc']) {
  t.test(`tsrtc ↔ ${name} (HTTP echo peer)`, { skip: existsSync(`${PEERS}${name}/start.sh`) ? false : 'peer kit missing' }, async (t) => {
    const peer = await startPeer(name);
    t.teardown(peer.stop);

    const pc = new RTCPeerConnection({ tsrtc: { addresses: ['127.0.0.1'] } });
    t.teardown(() => pc.close());
    const dc = pc.createDataChannel('echo');
    await pc.setLocalDescription();
    await gathered(pc);
    await pc.setRemoteDescription(await post(`${peer.url}/offer`, { type: 'offer', sdp: pc.localDescription!.sdp }));
    await waitFor(dc, 'open');
    const m = waitFor<MessageEvent>(dc, 'message');
    dc.send(`hi ${name}`);
    t.equal((await m).data, `hi ${name}`, 'tsrtc offers: echo');
    const e = waitFor<MessageEvent>(dc, 'message');
    dc.send('');
    t.equal((await e).data, '', 'tsrtc offers: empty string echo');

    // closing our side: the peer notices at once (ABORT, not a SHUTDOWN it may sit on)
    pc.close();
    const t0 = performance.now();
    let noticed = false;
    while (!noticed && performance.now() - t0 < 5000) {
      const stats = (await (await fetch(`${peer.url}/stats`)).json()) as { sessions: { connectionState: string; channels: { readyState: string }[] }[] };
      const session = stats.sessions[stats.sessions.length - 1];
      noticed = session.connectionState !== 'connected' || session.channels.every((c) => c.readyState !== 'open');
      if (!noticed) await new Promise((r) => setTimeout(r, 50));
    }
    t.ok(noticed, `${name} noticed pc.close() within ${Math.round(performance.now() - t0)} ms`);

    const pc2 = new RTCPeerConnection({ tsrtc: { addresses: ['127.0.0.1'] } });
    t.teardown(() => pc2.close());
    const offer = await post(`${peer.url}/connect`, { label: 'echo' });
    const incoming = waitFor<{ channel: RTCDataChannel }>(pc2, 'datachannel');
    await pc2.setRemoteDescription(offer);
    await pc2.setLocalDescription();
    await gathered(pc2);
    await post(`${peer.url}/answer`, { type: 'answer', sdp: pc2.localDescription!.sdp, id: offer.id });
    const ch = (await incoming).channel;
    if (ch.readyState !== 'open') await waitFor(ch, 'open');
    const b = waitFor<MessageEvent>(ch, 'message');
    ch.send(new Uint8Array([1, 2, 3]));
    t.same([...new Uint8Array((await b).data as ArrayBuffer)], [1, 2, 3], `${name} offers: binary echo`);
  });
}
