/**
 * Loopback throughput probe (not a test; the bench package owns the published figures): two
 * tsrtc RTCPeerConnections in this process, one reliable ordered channel, `MB` MiB per message
 * size pumped with bufferedAmount backpressure (1 MiB high, 256 KiB low), then a 100-byte
 * ping-pong. Prints MB/s, process CPU-seconds per GB, RTT p50 and both associations' SCTP stats
 * (cwnd, srtt, retransmissions, packets sent: the SACK share shows in the receiver's count).
 *
 *   node --conditions=tsrtc-source --import tsx datachannel/test/perf/throughput.ts
 *   env: MB=32 SIZES=1024,16384,65536 ROUNDS=1
 */
import { SctpAssociation } from '@tsrtc/sctp';
import { RTCPeerConnection, type RTCDataChannel } from '../../src/index.js';

const MB = Number(process.env.MB ?? 32);
const SIZES = (process.env.SIZES ?? '1024,16384,65536').split(',').map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 1);

// every association this process creates, to print its stats
const associations: SctpAssociation[] = [];
const connect = SctpAssociation.prototype.connect;
SctpAssociation.prototype.connect = function (this: SctpAssociation, now: number) {
  associations.push(this);
  return connect.call(this, now);
};

const gathered = (pc: RTCPeerConnection) =>
  pc.iceGatheringState === 'complete' ? Promise.resolve() : new Promise<void>((r) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()));
const opened = (ch: RTCDataChannel) => (ch.readyState === 'open' ? Promise.resolve() : new Promise<void>((r) => ch.addEventListener('open', () => r(), { once: true })));

async function pair(): Promise<{ a: RTCPeerConnection; b: RTCPeerConnection; ca: RTCDataChannel; cb: RTCDataChannel; ms: number }> {
  const t0 = performance.now();
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  const remote = new Promise<RTCDataChannel>((r) => b.addEventListener('datachannel', (e) => r((e as unknown as { channel: RTCDataChannel }).channel)));
  const ca = a.createDataChannel('probe');
  await a.setLocalDescription(await a.createOffer());
  await gathered(a);
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  await gathered(b);
  await a.setRemoteDescription(b.localDescription!);
  const cb = await remote;
  await Promise.all([opened(ca), opened(cb)]);
  return { a, b, ca, cb, ms: performance.now() - t0 };
}

async function pump(ca: RTCDataChannel, cb: RTCDataChannel, size: number, total: number): Promise<{ mbps: number; cpuPerGB: number }> {
  ca.binaryType = cb.binaryType = 'arraybuffer';
  const msg = new Uint8Array(size).fill(0x61);
  const HIGH = 1 << 20;
  ca.bufferedAmountLowThreshold = HIGH >> 2;
  let received = 0;
  let sent = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    cb.onmessage = (e) => {
      received += (e.data as ArrayBuffer).byteLength;
      if (received >= total) resolve();
    };
    const fill = () => {
      while (sent < total && ca.bufferedAmount < HIGH) {
        ca.send(msg);
        sent += size;
      }
    };
    ca.onbufferedamountlow = fill;
    fill();
  });
  const s = (performance.now() - t0) / 1e3;
  const cpu = process.cpuUsage(cpu0);
  return { mbps: received / 1e6 / s, cpuPerGB: (cpu.user + cpu.system) / 1e6 / (received / 1e9) };
}

async function pingPong(ca: RTCDataChannel, cb: RTCDataChannel, n: number): Promise<number> {
  cb.onmessage = (e) => cb.send(e.data as ArrayBuffer);
  const payload = new Uint8Array(100).fill(0x62);
  const rtts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await new Promise<void>((r) => {
      ca.onmessage = () => r();
      ca.send(payload);
    });
    rtts.push((performance.now() - t) * 1e3);
  }
  return rtts.sort((x, y) => x - y)[Math.floor(n / 2)];
}

for (let round = 0; round < ROUNDS; round++) {
  associations.length = 0;
  const p = await pair();
  const parts = [`setup ${p.ms.toFixed(0)} ms`];
  for (const size of SIZES) {
    const r = await pump(p.ca, p.cb, size, MB << 20);
    parts.push(`${size >> 10} KiB: ${r.mbps.toFixed(1)} MB/s ${r.cpuPerGB.toFixed(1)} CPU-s/GB`);
  }
  parts.push(`RTT p50 ${(await pingPong(p.ca, p.cb, 300)).toFixed(0)} µs`);
  console.log(parts.join(' | '));
  for (const x of associations) {
    const s = x.stats();
    console.log(`  cwnd ${(s.cwnd / 1e3).toFixed(0)} kB ssthresh ${(s.ssthresh / 1e3).toFixed(0)} kB srtt ${s.srtt?.toFixed(1)} ms fast-rtx ${s.fastRetransmits} t3 ${s.t3Expiries} rtx ${s.retransmissions} packets sent ${s.packetsSent}`);
  }
  p.a.close();
  p.b.close();
}
process.exit(0);
