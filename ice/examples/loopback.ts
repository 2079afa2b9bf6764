// Two ICE agents on this machine's loopback, each with its own UDP socket and timer (the
// driver's job), trickling candidates to each other in process, then one datagram each way.
// Run: node --conditions=tsrtc-source --import tsx ice/examples/loopback.ts
import { randomFillSync } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { IceAgent, type TransportAddress } from '@tsrtc/ice';

const now = (): number => performance.now();
const random = (out: Uint8Array): void => void randomFillSync(out);

class Peer {
  readonly socket: Socket = createSocket('udp4');
  local!: TransportAddress;
  private timer: NodeJS.Timeout | undefined;
  other!: Peer;

  constructor(
    readonly name: string,
    readonly agent: IceAgent,
  ) {
    this.socket.on('message', (msg, rinfo) => {
      this.agent.handlePacket(msg, { family: 4, address: rinfo.address, port: rinfo.port }, this.local, now());
      this.drain();
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.local = { family: 4, address: '127.0.0.1', port: this.socket.address().port };
    this.agent.addLocalAddress(this.local, now());
    this.drain();
  }

  /** After every input: send what the agent wants sent, handle its events, re-arm the timer. */
  drain(): void {
    for (let t = this.agent.pollTransmit(); t; t = this.agent.pollTransmit()) this.socket.send(t.data, t.to.port, t.to.address);
    for (let e = this.agent.pollEvent(); e; e = this.agent.pollEvent()) {
      switch (e.type) {
        case 'candidate': // trickle it to the other side (in a real app: through signalling)
          this.other.agent.addRemoteCandidate(e.candidate, now());
          setImmediate(() => this.other.drain());
          break;
        case 'gathering-state':
          if (e.state === 'complete') this.other.agent.addRemoteCandidate(null, now());
          break;
        case 'connection-state':
          console.log(`${this.name}: ${e.state}`);
          if (e.state === 'connected') {
            this.agent.send(new TextEncoder().encode(`hello from ${this.name}`), now());
            setImmediate(() => this.drain());
          }
          break;
        case 'selected-pair':
          console.log(`${this.name}: selected ${e.local.address}:${e.local.port} -> ${e.remote.address}:${e.remote.port}`);
          break;
        case 'data':
          console.log(`${this.name} received: ${new TextDecoder().decode(e.data)}`);
          received++;
          if (received === 2) finish();
          break;
      }
    }
    clearTimeout(this.timer);
    const deadline = this.agent.nextDeadline();
    if (deadline !== undefined) {
      this.timer = setTimeout(() => {
        this.agent.handleTimeout(now());
        this.drain();
      }, Math.max(0, deadline - now()));
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.agent.close(now());
    this.socket.close();
  }
}

let received = 0;
const alice = new Peer('alice', new IceAgent({ controlling: true, random }, now()));
const bob = new Peer('bob', new IceAgent({ controlling: false, random }, now()));
alice.other = bob;
bob.other = alice;
// Offer/answer would carry these:
alice.agent.setRemoteCredentials(bob.agent.localUfrag, bob.agent.localPwd);
bob.agent.setRemoteCredentials(alice.agent.localUfrag, alice.agent.localPwd);
await alice.start();
await bob.start();

function finish(): void {
  console.log('alice stats:', JSON.stringify({ ...alice.agent.stats(), pairs: undefined }));
  alice.close();
  bob.close();
}
