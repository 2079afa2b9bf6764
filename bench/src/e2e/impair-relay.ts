/**
 * A user-space network impairment relay (what `tc netem` would do, for kernels without
 * sch_netem — this machine's Firecracker kernel has none: "Specified qdisc kind is unknown").
 * It runs in its own process so its CPU is never charged to the subject under test.
 *
 * Every ICE candidate one peer announces is replaced, in signalling, by an address of this relay
 * (`map`): relay socket R(x) stands for the real transport address x. A datagram arriving on R(x)
 * from source s is sent to x from R(s) (created on first sight, which covers peer-reflexive
 * sources), after `delayMs` and unless dropped with probability `lossPct`/100. So each peer only
 * ever talks to relay addresses, every datagram crosses the impairment once, and the relay is a
 * 1:1 NAT that ICE accepts as is. Delay is constant, so one FIFO and one timer keep order.
 *
 * Driven over the fork() IPC channel: { id, map: { address, port } } → { id, port }.
 * Start: fork('impair-relay.ts', [delayMs, lossPct, seed]).
 */
import { createSocket, type Socket } from 'node:dgram';

const [delayMs, lossPct, seed] = process.argv.slice(2).map(Number);
const key = (address: string, port: number) => `${address}:${port}`;
const relays = new Map<string, Socket>(); // real address → the (bound) relay socket standing for it
const queue: { from: Socket; data: Buffer; address: string; port: number; due: number }[] = [];
let head = 0;
let timer: NodeJS.Timeout | undefined;
let stats = { forwarded: 0, dropped: 0 };

// xorshift32: a reproducible loss pattern for a given seed.
let state = (seed || 1) >>> 0;
const random = () => {
  state ^= state << 13; state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5; state >>>= 0;
  return state / 2 ** 32;
};

function flush(): void {
  timer = undefined;
  const now = performance.now();
  while (head < queue.length && queue[head].due <= now) {
    const p = queue[head++];
    p.from.send(p.data, p.port, p.address);
    stats.forwarded++;
  }
  if (head > 4096 && head * 2 > queue.length) { queue.splice(0, head); head = 0; }
  if (head < queue.length) timer = setTimeout(flush, Math.max(0, queue[head].due - now));
}

/** Send `data` to `target` from `from` after the delay (now, without one). */
function forward(from: Socket, data: Buffer, target: { address: string; port: number }): void {
  if (delayMs <= 0) { from.send(data, target.port, target.address); stats.forwarded++; return; }
  queue.push({ from, data, address: target.address, port: target.port, due: performance.now() + delayMs });
  timer ??= setTimeout(flush, delayMs);
}

const binding = new Map<string, Promise<Socket>>(); // relay sockets being bound

function relayFor(address: string, port: number): Promise<Socket> {
  const k = key(address, port);
  const s = relays.get(k);
  if (s) return Promise.resolve(s);
  let p = binding.get(k);
  if (!p) {
    p = bindRelay(address, port).then((bound) => { relays.set(k, bound); binding.delete(k); return bound; });
    binding.set(k, p);
  }
  return p;
}

async function bindRelay(address: string, port: number): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  s.setRecvBufferSize(8 << 20);
  s.setSendBufferSize(8 << 20);
  const target = { address, port };
  s.on('message', (data, rinfo) => {
    if (lossPct > 0 && random() * 100 < lossPct) { stats.dropped++; return; }
    const from = relays.get(key(rinfo.address, rinfo.port));
    if (from) forward(from, data, target);
    else void relayFor(rinfo.address, rinfo.port).then((f) => forward(f, data, target)); // a peer-reflexive source
  });
  return s;
}

process.on('message', (m: { id: number; map?: { address: string; port: number }; stats?: boolean }) => {
  if (m.map) void relayFor(m.map.address, m.map.port).then((s) => process.send!({ id: m.id, port: s.address().port }));
  else if (m.stats) process.send!({ id: m.id, ...stats, cpu: process.cpuUsage() });
});
process.on('disconnect', () => process.exit(0));
process.send!({ ready: true });
