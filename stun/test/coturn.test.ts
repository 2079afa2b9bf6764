// Interop with a real STUN/TURN server: coturn 4.6 on loopback (../../../shared/peers/coturn).
// Binding, then a TURN allocation with long-term credentials (401 → REALM/NONCE → MD5 key),
// permissions, Send/Data indications, ChannelBind and ChannelData, and deallocation, every
// request driven by StunClientTransaction on the real clock. Skipped when coturn is absent.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { randomFillSync } from 'node:crypto';
import {
  StunAttr,
  StunClass,
  StunClientTransaction,
  StunMethod,
  StunWriter,
  classifyPacket,
  decodeChannelData,
  decodeStun,
  encodeChannelData,
  longTermKey,
  newTransactionId,
  verifyFingerprint,
  verifyMessageIntegrity,
  type StunMessage,
  type TransportAddress,
} from '@tsrtc/stun';

const START = new URL('../../../shared/peers/coturn/start.sh', import.meta.url).pathname;
const random = (b: Uint8Array) => randomFillSync(b);

interface Coturn {
  port: number;
  user: string;
  pass: string;
  realm: string;
  proc: ChildProcess;
}

function startCoturn(): Promise<Coturn> {
  return new Promise((resolve, reject) => {
    const proc = spawn(START, ['0'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const vars: Record<string, string> = {};
    const timer = setTimeout(() => reject(new Error('coturn: no READY in 30 s')), 30_000);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /^(TURN_\w+|READY) (\S+)/.exec(line);
      if (!m) return;
      vars[m[1]] = m[2];
      if (m[1] === 'READY') {
        clearTimeout(timer);
        resolve({ port: Number(m[2]), user: vars.TURN_USER, pass: vars.TURN_PASS, realm: vars.TURN_REALM, proc });
      }
    });
    proc.once('exit', (code) => reject(new Error(`coturn exited (${code}) before READY`)));
  });
}

function isStunResponse(b: Uint8Array): boolean {
  if (classifyPacket(b) !== 'stun') return false;
  try {
    const cls = decodeStun(b).messageClass;
    return cls === StunClass.SUCCESS_RESPONSE || cls === StunClass.ERROR_RESPONSE;
  } catch {
    return false;
  }
}

/**
 * A UDP socket on 127.0.0.1 that queues what it receives, except STUN responses (those belong
 * to `transact`, and late duplicates of them must not be mistaken for relayed data).
 */
async function udp(): Promise<{ sock: Socket; addr: TransportAddress; next: (ms?: number) => Promise<Uint8Array> }> {
  const sock = createSocket('udp4');
  const queue: Uint8Array[] = [];
  const waiters: ((b: Uint8Array) => void)[] = [];
  sock.on('message', (b) => {
    if (isStunResponse(b)) return;
    const w = waiters.shift();
    if (w) w(new Uint8Array(b));
    else queue.push(new Uint8Array(b));
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const next = (ms = 3000) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const q = queue.shift();
      if (q) return resolve(q);
      const timer = setTimeout(() => reject(new Error('no datagram')), ms);
      waiters.push((b) => {
        clearTimeout(timer);
        resolve(b);
      });
    });
  return { sock, addr: { family: 4, address: '127.0.0.1', port: sock.address().port }, next };
}

/**
 * Sends a request through a StunClientTransaction on the real clock until it completes.
 * Datagrams that are not its response are returned in `others`.
 */
async function transact(sock: Socket, server: TransportAddress, request: Uint8Array, rto = 100) {
  const tx = new StunClientTransaction(request, performance.now(), { rto, rc: 5, rm: 4 });
  const others: Uint8Array[] = [];
  return new Promise<{ tx: StunClientTransaction; others: Uint8Array[] }>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const drain = () => {
      for (let d = tx.pollTransmit(); d; d = tx.pollTransmit()) sock.send(d, server.port, server.address);
      clearTimeout(timer);
      const deadline = tx.nextDeadline();
      if (deadline === undefined) {
        sock.off('message', onMessage);
        return resolve({ tx, others });
      }
      timer = setTimeout(() => {
        tx.handleTimeout(performance.now());
        drain();
      }, Math.max(0, deadline - performance.now()));
    };
    const onMessage = (b: Buffer) => {
      const bytes = new Uint8Array(b);
      if (classifyPacket(bytes) === 'stun') {
        try {
          if (tx.handleResponse(decodeStun(bytes))) return drain();
        } catch {
          /* not a valid STUN message: ignore */
        }
      }
      others.push(bytes);
    };
    sock.on('message', onMessage);
    drain();
  });
}

const haveCoturn = existsSync('/usr/bin/turnserver') && existsSync(START);

t.test('coturn interop', { skip: haveCoturn ? false : 'coturn not installed (../shared/peers/install.sh)' }, async (t) => {
  const coturn = await startCoturn();
  t.teardown(() => {
    coturn.proc.kill('SIGTERM');
  });
  const server: TransportAddress = { family: 4, address: '127.0.0.1', port: coturn.port };
  const client = await udp();
  const peer = await udp();
  t.teardown(() => {
    client.sock.close();
    peer.sock.close();
  });
  const w = new StunWriter();

  // --- Binding (RFC 8489): the server reflects our address
  {
    const req = w.begin(StunMethod.BINDING, StunClass.REQUEST, newTransactionId(random)).software('tsrtc test').finish({ fingerprint: true });
    const { tx } = await transact(client.sock, server, req);
    t.equal(tx.state, 'succeeded', 'Binding answered');
    const res = tx.response!;
    t.same(res.xorMappedAddress(), client.addr, 'XOR-MAPPED-ADDRESS is our socket');
    t.ok(verifyFingerprint(res), 'coturn FINGERPRINT verifies');
    t.match(res.software(), /Coturn/i, `SOFTWARE: ${res.software()}`);
  }

  // --- Allocate without credentials → 401 with REALM and NONCE (RFC 8656 §7.2, RFC 8489 §9.2.4)
  let nonce: string;
  const key = longTermKey(coturn.user, coturn.realm, coturn.pass);
  {
    const req = w.begin(StunMethod.ALLOCATE, StunClass.REQUEST, newTransactionId(random)).requestedTransport(17).finish({ fingerprint: true });
    const { tx } = await transact(client.sock, server, req);
    t.equal(tx.state, 'failed');
    const res = tx.response!;
    t.same(res.errorCode(), { code: 401, reason: res.errorCode()!.reason }, '401 Unauthorized');
    t.equal(res.realm(), coturn.realm, 'REALM');
    nonce = res.nonce()!;
    t.ok(nonce.length > 0, 'NONCE');
  }

  /** A request carrying the long-term credential (RFC 8489 §9.2.4). */
  const signed = (method: number, build: (w: StunWriter) => StunWriter) =>
    build(w.begin(method, StunClass.REQUEST, newTransactionId(random)).username(coturn.user).realm(coturn.realm).nonce(nonce)).finish({
      integrityKey: key,
      fingerprint: true,
    });
  const expectSuccess = (tx: StunClientTransaction, what: string): StunMessage => {
    t.equal(tx.state, 'succeeded', `${what}: ${tx.state} ${JSON.stringify(tx.response?.errorCode())}`);
    const res = tx.response!;
    t.ok(verifyMessageIntegrity(res, key), `${what}: response MESSAGE-INTEGRITY verifies with the long-term key`);
    t.ok(verifyFingerprint(res), `${what}: FINGERPRINT`);
    return res;
  };

  // --- Allocate with credentials
  const { tx: alloc } = await transact(client.sock, server, signed(StunMethod.ALLOCATE, (x) => x.requestedTransport(17).dontFragment().lifetime(300)));
  const allocated = expectSuccess(alloc, 'Allocate');
  const relayed = allocated.xorRelayedAddress()!;
  t.equal(relayed.address, '127.0.0.1', `XOR-RELAYED-ADDRESS ${relayed.address}:${relayed.port}`);
  t.ok(relayed.port > 0);
  t.same(allocated.xorMappedAddress(), client.addr, 'Allocate reflects our address too');
  // the server picks the lifetime; coturn raises anything below its default (600 s)
  t.ok(allocated.lifetime()! > 0, `LIFETIME ${allocated.lifetime()}`);

  // --- A wrong password is refused (the server checks our MESSAGE-INTEGRITY)
  {
    const bad = w
      .begin(StunMethod.CREATE_PERMISSION, StunClass.REQUEST, newTransactionId(random))
      .xorPeerAddress(peer.addr)
      .username(coturn.user)
      .realm(coturn.realm)
      .nonce(nonce)
      .finish({ integrityKey: longTermKey(coturn.user, coturn.realm, coturn.pass + 'x'), fingerprint: true });
    const { tx } = await transact(client.sock, server, bad);
    t.equal(tx.state, 'failed', 'a wrong key is rejected');
    t.equal(tx.response?.errorCode()?.code, 401);
  }

  // --- CreatePermission, then Send indication → the peer gets the payload from the relayed address
  expectSuccess((await transact(client.sock, server, signed(StunMethod.CREATE_PERMISSION, (x) => x.xorPeerAddress(peer.addr)))).tx, 'CreatePermission');
  const hello = Buffer.from('hello through coturn');
  client.sock.send(
    w.begin(StunMethod.SEND, StunClass.INDICATION, newTransactionId(random)).xorPeerAddress(peer.addr).data(hello).finish({ fingerprint: true }),
    server.port,
    server.address,
  );
  t.same(Buffer.from(await peer.next()), hello, 'Send indication relayed to the peer');

  // --- the peer answers: a Data indication with XOR-PEER-ADDRESS and DATA
  peer.sock.send(Buffer.from('reply'), relayed.port, relayed.address);
  const dataInd = decodeStun(await client.next());
  t.equal(dataInd.method, StunMethod.DATA);
  t.equal(dataInd.messageClass, StunClass.INDICATION);
  t.same(dataInd.xorPeerAddress(), peer.addr, 'Data indication: XOR-PEER-ADDRESS is the peer');
  t.equal(Buffer.from(dataInd.data()!).toString(), 'reply');

  // --- ChannelBind, then ChannelData both ways (RFC 8656 §11, §12)
  expectSuccess(
    (await transact(client.sock, server, signed(StunMethod.CHANNEL_BIND, (x) => x.channelNumber(0x4001).xorPeerAddress(peer.addr)))).tx,
    'ChannelBind',
  );
  client.sock.send(encodeChannelData(0x4001, Buffer.from('over a channel')), server.port, server.address);
  t.equal(Buffer.from(await peer.next()).toString(), 'over a channel', 'ChannelData relayed to the peer');
  peer.sock.send(Buffer.from('channel reply'), relayed.port, relayed.address);
  const back = await client.next();
  t.equal(classifyPacket(back), 'channel-data', 'the reply comes back as ChannelData');
  const cd = decodeChannelData(back);
  t.equal(cd.channel, 0x4001);
  t.equal(Buffer.from(cd.data).toString(), 'channel reply');

  // --- Refresh with LIFETIME 0 deletes the allocation
  const refreshed = expectSuccess((await transact(client.sock, server, signed(StunMethod.REFRESH, (x) => x.lifetime(0)))).tx, 'Refresh(0)');
  t.equal(refreshed.lifetime(), 0);
  t.equal(allocated.attribute(StunAttr.XOR_RELAYED_ADDRESS)?.length, 8);
});
