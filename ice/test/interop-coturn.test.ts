// Interop with coturn 4.6 (../shared/peers/coturn) on loopback: server-reflexive gathering, and
// two agents connected through coturn relays. Real UDP sockets (node:dgram) drive the agents.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { randomFillSync } from 'node:crypto';
import t, { type Test } from 'tap';
import type { TransportAddress } from '@tsrtc/stun';
import { IceAgent, type IceSettings } from '../src/index.js';
import { UdpDriver, clock } from './udp-driver.js';

const START = new URL('../../../shared/peers/coturn/start.sh', import.meta.url).pathname;

interface Coturn {
  proc: ChildProcess;
  port: number;
  user: string;
  pass: string;
}

async function startCoturn(): Promise<Coturn> {
  const proc = spawn(START, ['0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const info: Record<string, string> = {};
  const rl = createInterface({ input: proc.stdout! });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('coturn did not start in 15 s')), 15_000);
    proc.on('exit', (code) => reject(new Error(`coturn exited (${code})`)));
    rl.on('line', (line) => {
      const m = /^(TURN_USER|TURN_PASS|READY) (.+)$/.exec(line);
      if (!m) return;
      info[m[1]] = m[2];
      if (m[1] === 'READY') {
        clearTimeout(timer);
        resolve({ proc, port: Number(info.READY), user: info.TURN_USER, pass: info.TURN_PASS });
      }
    });
  });
}

const random = (out: Uint8Array): void => void randomFillSync(out);

if (!existsSync('/usr/bin/turnserver')) {
  t.comment('coturn interop skipped: /usr/bin/turnserver is missing (apt-get install coturn)');
  t.pass('skipped: no coturn');
} else {
  const coturn = await startCoturn();
  t.teardown(() => void coturn.proc.kill('SIGTERM'));
  const server: TransportAddress = { family: 4, address: '127.0.0.1', port: coturn.port };

  t.test('server-reflexive gathering from coturn', async (t) => {
    // Loopback has no NAT: the mapped address equals the host candidate and adds nothing.
    const plain = new UdpDriver(new IceAgent({ random, stunServers: [server] }, clock()), createSocket('udp4'));
    await plain.start();
    await plain.until(() => plain.agent.gatheringState === 'complete', 5000, 'gathering');
    t.equal(plain.agent.stats().stunServerResponses, 1, 'coturn answered the Binding request');
    t.same(plain.agent.localCandidates().map((c) => c.type), ['host'], 'mapped address = host address: no redundant srflx');
    plain.close();
    // Name the socket with a private address (as behind a NAT): coturn's view becomes a srflx candidate.
    const natted = new UdpDriver(new IceAgent({ random, stunServers: [server] }, clock()), createSocket('udp4'), (real) => ({ ...real, address: '10.0.0.1' }));
    await natted.start();
    await natted.until(() => natted.agent.gatheringState === 'complete', 5000, 'gathering');
    const srflx = natted.agent.localCandidates().find((c) => c.type === 'srflx');
    t.ok(srflx, 'srflx candidate gathered');
    t.equal(srflx?.address, '127.0.0.1');
    t.equal(srflx?.port, natted.socket.address().port, 'mapped port = our real port');
    t.equal(srflx?.relatedAddress, '10.0.0.1');
    natted.close();
  });

  async function relayPair(t: Test, transportA: 'udp' | 'tcp', transportB: 'udp' | 'tcp'): Promise<void> {
    const servers = (transport: 'udp' | 'tcp'): IceSettings['turnServers'] => [{ address: server, username: coturn.user, password: coturn.pass, transport }];
    const a = new UdpDriver(new IceAgent({ controlling: true, random, turnServers: servers(transportA), iceTransportPolicy: 'relay' }, clock()), createSocket('udp4'));
    const b = new UdpDriver(new IceAgent({ random, turnServers: servers(transportB), iceTransportPolicy: 'relay' }, clock()), createSocket('udp4'));
    a.agent.setRemoteCredentials(b.agent.localUfrag, b.agent.localPwd);
    b.agent.setRemoteCredentials(a.agent.localUfrag, a.agent.localPwd);
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      x.onEvent = (e) => {
        if (e.type === 'candidate') y.agent.addRemoteCandidate(e.candidate, clock());
        if (e.type === 'gathering-state' && e.state === 'complete') y.agent.addRemoteCandidate(null, clock());
        setImmediate(() => y.drain());
      };
    }
    const started = clock();
    await a.start();
    await b.start();
    const up = (d: UdpDriver) => d.agent.connectionState === 'connected' || d.agent.connectionState === 'completed';
    await a.until(() => up(a) && up(b), 10_000, 'connection through coturn');
    const setupMs = clock() - started;
    t.ok(up(a) && up(b), `connected through coturn in ${setupMs.toFixed(0)} ms`);
    t.equal(a.agent.selectedPair()?.local.type, 'relay');
    t.equal(b.agent.selectedPair()?.local.type, 'relay');
    t.equal(a.agent.selectedPair()?.remoteAddress.port, Number(b.agent.localCandidates()[0].port), 'a talks to b\'s relayed address');
    for (let i = 0; i < 20; i++) {
      a.agent.send(Uint8Array.of(23, 254, 253, i), clock());
      b.agent.send(Uint8Array.of(23, 254, 253, 100 + i), clock());
    }
    a.drain();
    b.drain();
    await a.until(() => a.received.length === 20 && b.received.length === 20, 5000, 'data through the relays');
    t.same(b.received.map((d) => d[3]), [...Array(20).keys()], 'b got a\'s 20 datagrams in order');
    t.same(a.received.map((d) => d[3]), [...Array(20).keys()].map((i) => 100 + i));
    for (const [d, transport] of [
      [a, transportA],
      [b, transportB],
    ] as const) {
      if (transport === 'tcp') t.ok(d.tcpBytesOut > 20 * 8 && d.tcpBytesIn > 20 * 8, `TURN over TCP carried ${d.tcpBytesOut} B out, ${d.tcpBytesIn} B in`);
      else t.equal(d.tcpBytesOut, 0, 'no TCP used');
    }
    a.close();
    b.close();
  }

  t.test('two agents connect through coturn relays (relay-only policy) and exchange data', (t) => relayPair(t, 'udp', 'udp'));
  t.test('TURN over TCP (RFC 8656 §3.2) to coturn on one side, UDP on the other', (t) => relayPair(t, 'tcp', 'udp'));
  t.test('TURN over TCP on both sides', (t) => relayPair(t, 'tcp', 'tcp'));
}
