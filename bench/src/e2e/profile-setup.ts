/**
 * Setup-time probe: `n` setups per subject, interleaved one by one (load drift hits all
 * subjects alike), with the time of each stage of `connectPair` (W3C state events) since the
 * setup began; prints p50/p90 of the total and the median time of each stage.
 *   node [--cpu-prof] --conditions=tsrtc-source --import tsx bench/src/e2e/profile-setup.ts \
 *     [--subjects tsrtc,node-datachannel] [--n 100] [--trickle] [--warmup 5] [--path delayMs,lossPct]
 * With --path every datagram crosses the impairment relay (./impair-relay.ts): e.g. 25,0 for a
 * 50 ms RTT, 0,5 for 5 % loss each way.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ImpairedPath } from './path.js';
import { closePair, connectPair, percentile } from './scenarios.js';
import { SUBJECTS, type Subject } from './subjects.js';

const argv = process.argv.slice(2);
const arg = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const names = (arg('--subjects') ?? 'tsrtc,node-datachannel').split(',');
const n = Number(arg('--n') ?? 100);
const warmup = Number(arg('--warmup') ?? 5);
const trickle = argv.includes('--trickle');
const pathArg = arg('--path')?.split(',').map(Number);
const path = pathArg ? await ImpairedPath.start({ name: 'probe', delayMs: pathArg[0], lossPct: pathArg[1] ?? 0 }) : undefined;

const subjects: Subject[] = [];
for (const name of names) {
  const s = await SUBJECTS[name]?.();
  if (!s) throw new Error(`${name} not available`);
  subjects.push(s);
}

/** subject → stage → times (ms since the setup began); and totals */
const stages = new Map<string, Map<string, number[]>>();
const totals = new Map<string, number[]>();
/** process CPU ms per setup (user + system, every thread: node-datachannel's native ones too) */
const cpu = new Map<string, number>();
/** main-thread busy ms per setup (event-loop utilisation: JS, GC pauses and native calls on this thread) */
const busy = new Map<string, number>();
for (const s of subjects) { stages.set(s.name, new Map()); totals.set(s.name, []); cpu.set(s.name, 0); busy.set(s.name, 0); }

const load0 = loadavg()[0];
for (let i = 0; i < warmup + n; i++) {
  for (const s of subjects) {
    const seen = new Map<string, number>();
    const c0 = process.cpuUsage();
    const e0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const mark = (stage: string) => { if (!seen.has(stage)) seen.set(stage, performance.now() - t0); };
    try {
      const p = await connectPair(s, { trickle, mark, path, timeoutMs: path ? 15_000 : undefined });
      const c = process.cpuUsage(c0);
      const e = performance.eventLoopUtilization(e0);
      if (i >= warmup) {
        busy.set(s.name, busy.get(s.name)! + e.active);
        cpu.set(s.name, cpu.get(s.name)! + (c.user + c.system) / 1e3);
        totals.get(s.name)!.push(p.setupMs);
        const m = stages.get(s.name)!;
        for (const [k, v] of seen) { let l = m.get(k); if (!l) m.set(k, (l = [])); l.push(v); }
      }
      closePair(p);
    } catch (e) {
      console.error(`${s.name}: ${(e as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

const fmt = (x: number) => x.toFixed(2).padStart(8);
console.log(`setup ${trickle ? 'trickle' : 'non-trickle'}${pathArg ? `, path ${pathArg[0]} ms one way, ${pathArg[1] ?? 0} % loss` : ''}, n=${n} per subject (after ${warmup} warm-up), load ${load0.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
for (const s of subjects) {
  const t = totals.get(s.name)!.sort((x, y) => x - y);
  console.log(`\n${s.name}: p50 ${percentile(t, 50).toFixed(2)} ms  p90 ${percentile(t, 90).toFixed(2)} ms  max ${t[t.length - 1]?.toFixed(1)} ms  (${t.length} ok), CPU ${(cpu.get(s.name)! / t.length).toFixed(2)} ms per setup (main thread busy ${(busy.get(s.name)! / t.length).toFixed(2)} ms)`);
  const rows = [...stages.get(s.name)!].map(([k, v]) => [k, v.sort((x, y) => x - y)] as const);
  rows.sort((x, y) => percentile(x[1], 50) - percentile(y[1], 50));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(22)} p50 ${fmt(percentile(v, 50))}  p90 ${fmt(percentile(v, 90))}  (${v.length})`);
}
for (const s of subjects) await s.shutdown?.();
path?.close();
setTimeout(() => process.exit(0), 200);
