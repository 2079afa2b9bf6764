// iceServers with a turn: URL and credentials, iceTransportPolicy 'relay': two tsrtc peers talk
// only through a real TURN server (coturn from ../shared/peers, on loopback).
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RTCPeerConnection, type RTCDataChannel } from '../src/index.js';
import { waitFor } from './helpers/wait.js';
import { openChannel } from './helpers/negotiate.js';

const startScript = fileURLToPath(new URL('../../../shared/peers/coturn/start.sh', import.meta.url));


t.test('relay-only connection through coturn', { skip: existsSync('/usr/bin/turnserver') ? false : 'coturn not installed' }, async (t) => {
  const child = spawn(startScript, ['0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.teardown(() => { child.kill('SIGTERM'); });
  const info: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('coturn did not start')), 15_000);
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      for (const m of buf.matchAll(/^(TURN_URL|TURN_USER|TURN_PASS|READY) (\S+)/gm)) info[m[1]] = m[2];
      if (info.READY) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const config = {
    iceServers: [{ urls: info.TURN_URL, username: info.TURN_USER, credential: info.TURN_PASS }],
    iceTransportPolicy: 'relay' as const,
    tsrtc: { addresses: ['127.0.0.1'] },
  };
  const a = new RTCPeerConnection(config);
  const b = new RTCPeerConnection(config);
  t.teardown(() => { a.close(); b.close(); });
  const types: string[] = [];
  a.onicecandidate = (e) => { if (e.candidate) { types.push(e.candidate.type ?? '?'); void b.addIceCandidate(e.candidate); } };
  b.onicecandidate = (e) => { if (e.candidate) void a.addIceCandidate(e.candidate); };
  const dc = a.createDataChannel('relayed');
  const remote = await openChannel(a, b, dc);
  t.same([...new Set(types)], ['relay'], 'only relay candidates are signalled');
  const m = waitFor<MessageEvent>(remote, 'message');
  dc.send('through TURN');
  t.equal((await m).data, 'through TURN');
  const stats = await a.getStats();
  const pair = [...stats.values()].find((s) => s.type === 'candidate-pair')!;
  const local = stats.get(pair.localCandidateId as string)!;
  t.equal(local.candidateType, 'relay', 'the selected pair is relayed');
});
