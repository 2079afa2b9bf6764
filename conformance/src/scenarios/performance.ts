/** Flow control under a large send, and the figures: throughput and round-trip time. */
import { Inbox, percentile, round } from '../harness.js';
import type { Scenario } from '../scenario.js';
import { binaryPayload } from '../payload.js';
import { until, waitOpen } from '../w3c.js';

const MIB = 1 << 20;
const CHUNK = 16 * 1024;
const LOW = 256 * 1024;
const HIGH = 1 * MIB;

export const bufferedAmountLow: Scenario = {
  id: 'bufferedamountlow-20mib',
  title: 'bufferedamountlow while sending 20 MiB (throughput)',
  checks: 'On a "sink" channel (browser and in-process remotes count without echoing; HTTP peers echo) the subject sends 20 MiB (4 MiB with --quick) in 16 KiB messages, keeping bufferedAmount under 1 MiB and resuming on bufferedamountlow (threshold 256 KiB); bufferedamountlow must fire whenever bufferedAmount falls from above the threshold, bufferedAmount must drain to 0 and the remote must count every byte. Figure: payload MB/s from first send to the remote\'s count.',
  timeoutMs: 180_000,
  async run(ctx) {
    const total = (ctx.quick ? 4 : 20) * MIB;
    const c = await ctx.connect('subject');
    const dc = c.pc.createDataChannel('sink');
    await waitOpen(dc);
    new Inbox(dc); // HTTP peers echo: consume
    dc.bufferedAmountLowThreshold = LOW;
    if (dc.bufferedAmountLowThreshold !== LOW) throw new Error(`bufferedAmountLowThreshold reads ${dc.bufferedAmountLowThreshold} after setting ${LOW}`);
    let lowEvents = 0;
    let peak = 0;
    dc.addEventListener('bufferedamountlow', () => { lowEvents++; });
    const remoteBytes = async () => (await ctx.remoteSession(c.session)).channels.find((ch) => ch.label === 'sink')?.bytesIn ?? 0;
    const chunk = binaryPayload(CHUNK);
    const t0 = performance.now();
    let sent = 0;
    while (sent < total) {
      if (dc.bufferedAmount >= HIGH) {
        // webrtc-pc §6.2: bufferedamountlow fires when bufferedAmount falls to the threshold;
        // wait on the event, but poll too, so a missing event is reported as such
        try {
          await until(dc, ['bufferedamountlow', 'close'], () => dc.bufferedAmount <= LOW || dc.readyState !== 'open', 30_000, 'bufferedAmount to fall to the threshold');
        } catch {
          throw new Error(`bufferedAmount stuck at ${dc.bufferedAmount} for 30 s after ${sent} bytes sent (remote counted ${await remoteBytes()})`);
        }
        if (dc.readyState !== 'open') throw new Error(`channel ${dc.readyState} after ${sent} bytes`);
        continue;
      }
      dc.send(chunk);
      sent += CHUNK;
      peak = Math.max(peak, dc.bufferedAmount);
    }
    try {
      await until(dc, ['bufferedamountlow'], () => dc.bufferedAmount === 0, 60_000, 'bufferedAmount drained to 0');
    } catch {
      throw new Error(`bufferedAmount stuck at ${dc.bufferedAmount} (remote counted ${await remoteBytes()} of ${total})`);
    }
    await ctx.remoteUntil(c.session, (s) => (s.channels.find((ch) => ch.label === 'sink')?.bytesIn ?? 0) >= total, 90_000, `remote counted ${total} bytes`, 50);
    const seconds = (performance.now() - t0) / 1000;
    ctx.figures['MB/s'] = round(total / 1e6 / seconds, 1);
    ctx.figures['bufferedamountlow events'] = lowEvents;
    ctx.figures['peak bufferedAmount KiB'] = Math.round(peak / 1024);
    if (peak > LOW && lowEvents === 0) throw new Error(`bufferedAmount went from ${peak} to 0 without a bufferedamountlow event (threshold ${LOW})`);
    const far = (await ctx.remoteSession(c.session)).channels.find((ch) => ch.label === 'sink')!;
    if (far.bytesIn !== total) throw new Error(`remote counted ${far.bytesIn} bytes, sent ${total}`);
  },
};

export const roundTrip: Scenario = {
  id: 'rtt',
  title: 'round-trip time (echo of a 32-byte string)',
  checks: '200 ping-pongs (50 with --quick) of a 32-byte string on an ordered reliable channel, one at a time; all come back. Figures: p50 and p95 round-trip ms.',
  timeoutMs: 60_000,
  async run(ctx) {
    const c = await ctx.connect('subject');
    const inbox = new Inbox(c.dc);
    const n = ctx.quick ? 50 : 200;
    const rtts: number[] = [];
    for (let i = 0; i < n; i++) {
      const text = `ping ${String(i).padStart(27, '0')}`;
      const t0 = performance.now();
      c.dc.send(text);
      const got = await inbox.next(5000, `pong ${i}`);
      rtts.push(performance.now() - t0);
      if (got !== text) throw new Error(`pong ${i} differs`);
    }
    rtts.sort((a, b) => a - b);
    ctx.figures['RTT p50 ms'] = round(percentile(rtts, 50));
    ctx.figures['RTT p95 ms'] = round(percentile(rtts, 95));
  },
};
