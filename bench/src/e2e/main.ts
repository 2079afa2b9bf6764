/**
 * End-to-end bench: tsrtc and the anchors in the same run, interleaved round by round.
 *   npm run bench:e2e [-- --quick] [-- --subjects tsrtc,node-datachannel,wrtc,werift]
 * Writes bench/results/e2e.json, e2e.md and one SVG chart per metric.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { closePair, connectPair, percentile, pingPong, throughput } from './scenarios.js';
import { SUBJECTS, type Subject } from './subjects.js';
import { barChart } from './svg.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const arg = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const wanted = (arg('--subjects') ?? 'tsrtc,node-datachannel,wrtc,werift').split(',');

const subjects: Subject[] = [];
for (const name of wanted) {
  const load = SUBJECTS[name];
  if (!load) throw new Error(`unknown subject ${name}; known: ${Object.keys(SUBJECTS).join(', ')}`);
  const s = await load().catch((e) => { console.error(`${name}: not loadable: ${(e as Error).message}`); return undefined; });
  if (s) subjects.push(s);
  else console.error(`${name}: skipped (not available)`);
}

const rounds = quick ? 3 : 5;
const setupRuns = quick ? 10 : 50;
const sizes = [1024, 16 * 1024, 64 * 1024];
const totalBytes = quick ? 16 << 20 : 64 << 20;
const maxMs = quick ? 3_000 : 8_000;

type Sample = Record<string, number[]>;
const samples = new Map<string, Sample>(subjects.map((s) => [s.name, {}]));
const push = (s: Subject, metric: string, v: number) => {
  const m = samples.get(s.name)!;
  (m[metric] ??= []).push(v);
};
const errors: string[] = [];

for (let round = 0; round < rounds; round++) {
  for (const s of subjects) {
    const label = `[round ${round + 1}/${rounds}] ${s.name}`;
    try {
      // Setup time, non-trickle and trickle (setupRuns spread over the rounds).
      for (const trickle of [false, true]) {
        for (let i = 0; i < Math.ceil(setupRuns / rounds); i++) {
          const p = await connectPair(s, { trickle });
          push(s, trickle ? 'setup-trickle-ms' : 'setup-ms', p.setupMs);
          closePair(p);
        }
      }
      const pair = await connectPair(s, { trickle: false });
      for (const size of sizes) {
        const r = await throughput(s, pair, size, totalBytes, maxMs);
        push(s, `throughput-${size / 1024}KiB-MBps`, r.mbps);
        push(s, `cpu-${size / 1024}KiB-sec-per-GB`, r.cpuSecPerGB);
      }
      const rtts = await pingPong(pair, quick ? 200 : 1000);
      push(s, 'rtt-p50-us', percentile(rtts, 50));
      push(s, 'rtt-p99-us', percentile(rtts, 99));
      closePair(pair);
      console.error(`${label} done`);
    } catch (e) {
      errors.push(`${label}: ${(e as Error).message}`);
      console.error(`${label}: ${(e as Error).message}`);
    }
  }
}
for (const s of subjects) await s.shutdown?.();

const median = (xs: number[]) => { const v = [...xs].sort((a, b) => a - b); return v.length ? v[Math.floor(v.length / 2)] : NaN; };
const p90 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 90);
const metrics = [...new Set([...samples.values()].flatMap((m) => Object.keys(m)))];
const higherIsBetter = (m: string) => m.includes('MBps');
const ref = samples.has('tsrtc') ? 'tsrtc' : subjects[0]?.name;

const lines = [`| metric | ${subjects.map((s) => s.name).join(' | ')} |`, `| --- | ${subjects.map(() => '---:').join(' | ')} |`];
const json: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, quick, rounds, versions: Object.fromEntries(subjects.map((s) => [s.name, s.version])), metrics: {} };
for (const metric of metrics) {
  const cells: string[] = [];
  const refMed = median(samples.get(ref!)?.[metric] ?? []);
  const row: Record<string, unknown> = {};
  for (const s of subjects) {
    const xs = samples.get(s.name)![metric] ?? [];
    const med = median(xs);
    const extra = metric.startsWith('setup') ? ` (p90 ${p90(xs).toFixed(1)})` : '';
    const ratio = s.name !== ref && Number.isFinite(refMed) && Number.isFinite(med)
      ? ` — ${ref} ×${(higherIsBetter(metric) ? refMed / med : med / refMed).toFixed(2)}` : '';
    cells.push(xs.length ? `${med.toFixed(metric.includes('MBps') || metric.includes('ms') ? 2 : 1)}${extra}${ratio}` : '—');
    row[s.name] = { median: med, p90: p90(xs), samples: xs };
  }
  (json.metrics as Record<string, unknown>)[metric] = row;
  lines.push(`| ${metric} | ${cells.join(' | ')} |`);
}
const table = lines.join('\n');
console.log(table);
if (errors.length) console.log('\nerrors:\n' + errors.map((e) => `- ${e}`).join('\n'));

const dir = new URL('../../results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('e2e.json', dir), JSON.stringify({ ...json, errors }, null, 2) + '\n');
writeFileSync(new URL('e2e.md', dir), `# End-to-end bench (${quick ? 'quick' : 'full'})\n\n${table}\n\nRatio: how many times better tsrtc is (>1 = tsrtc better).\n`);
for (const metric of metrics) {
  const bars = subjects.map((s) => ({ label: s.name, value: median(samples.get(s.name)![metric] ?? []) })).filter((b) => Number.isFinite(b.value));
  writeFileSync(new URL(`e2e-${metric}.svg`, dir), barChart(metric, bars, higherIsBetter(metric)));
}
console.log(`\nwrote ${new URL('e2e.md', dir).pathname}, e2e.json and ${metrics.length} SVG charts`);
