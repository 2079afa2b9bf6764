/**
 * The floor under idle CPU: a bare node:dgram echo server in its own process answering `rate`
 * datagrams per second that arrive one at a time (as consent checks from many peers do), so
 * each one is a separate event-loop wakeup. Returns the server's CPU % of one core.
 */
import { fork } from 'node:child_process';
import { createSocket } from 'node:dgram';

if (process.argv[2] === '--server') {
  const s = createSocket('udp4');
  s.on('message', (m, r) => s.send(m, r.port, r.address));
  s.bind(0, '127.0.0.1', () => process.send!({ port: s.address().port }));
  process.on('message', () => { const c = process.cpuUsage(); process.send!({ cpuUs: c.user + c.system }); });
  process.on('disconnect', () => process.exit(0));
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const rate = Number(process.argv[2] ?? 500);
  const ms = Number(process.argv[3] ?? 5000);
  console.log(await wakeupFloor(rate, ms));
}

export async function wakeupFloor(rate: number, ms: number): Promise<{ rate: number; cpuPct: number; usPerDatagram: number }> {
  const child = fork(new URL(import.meta.url), ['--server'], { execArgv: ['--import', 'tsx'] });
  const ask = () => new Promise<Record<string, number>>((r) => { child.once('message', (m) => r(m as Record<string, number>)); });
  const { port } = await ask();
  const c = createSocket('udp4');
  await new Promise<void>((r) => c.bind(0, '127.0.0.1', r));
  const msg = Buffer.alloc(100, 1);
  await new Promise((r) => setTimeout(r, 300));
  child.send('cpu');
  const c0 = (await ask()).cpuUs;
  const t0 = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.floor(((performance.now() - t0) / 1e3) * rate);
      while (sent < due) { c.send(msg, port, '127.0.0.1'); sent++; }
      if (performance.now() - t0 < ms) setTimeout(tick, 1); else resolve();
    };
    tick();
  });
  child.send('cpu');
  const c1 = (await ask()).cpuUs;
  const wall = performance.now() - t0;
  c.close();
  child.disconnect();
  return { rate, cpuPct: ((c1 - c0) / 1e3 / wall) * 100, usPerDatagram: (c1 - c0) / sent };
}
