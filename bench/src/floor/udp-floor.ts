/**
 * The kernel + node:dgram floor: CPU per 1200-byte datagram sent and received over loopback
 * between two sockets of one process, nothing else running (no crypto, no protocol). Sender paced
 * in bursts of 64 per event-loop turn, as the tsrtc driver does.
 */
import { createSocket } from 'node:dgram';

export async function udpFloor(quick: boolean, size = 1200): Promise<{ nsPerDatagram: number; mbps: number; lossPct: number }> {
  const total = quick ? 30_000 : 200_000;
  const a = createSocket('udp4');
  const b = createSocket('udp4');
  await Promise.all([new Promise<void>((r) => a.bind(0, '127.0.0.1', r)), new Promise<void>((r) => b.bind(0, '127.0.0.1', r))]);
  a.setSendBufferSize(4 << 20);
  b.setRecvBufferSize(4 << 20);
  const port = b.address().port;
  const msg = Buffer.alloc(size, 0x61);
  let received = 0;
  let sent = 0;
  let inflightLimit = 256; // datagrams not yet received: keeps the receive buffer from overflowing
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const pump = () => {
      let burst = 0;
      while (sent < total && sent - received < inflightLimit && burst++ < 64) { a.send(msg, port, '127.0.0.1'); sent++; }
      if (sent < total) setImmediate(pump);
    };
    b.on('message', () => { if (++received >= total) resolve(); });
    setTimeout(() => { inflightLimit = 0; resolve(); }, quick ? 10_000 : 30_000);
    pump();
  });
  const ms = performance.now() - t0;
  const cu = process.cpuUsage(c0);
  a.close();
  b.close();
  return { nsPerDatagram: ((cu.user + cu.system) * 1e3) / received, mbps: (received * size) / 1e3 / ms, lossPct: (100 * (sent - received)) / sent };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await udpFloor(process.argv.includes('--quick')));
