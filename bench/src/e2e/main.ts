/**
 * End-to-end bench: tsrtc and the anchors (werift, node-datachannel, @roamhq/wrtc) in the same
 * run, interleaved round by round (every round runs each subject once, so load drifts hit all).
 *   npm run bench:e2e -- [--quick] [--subjects tsrtc,node-datachannel,wrtc,werift]
 *                       [--sections loopback,path,scale,floors] [--scale 100,1000,10000] [--out dir]
 * Writes bench/results/e2e.md, e2e.json and one e2e-<metric>.svg per metric.
 *
 * Sections:
 * - loopback: both peers in this process over 127.0.0.1 UDP: setup (non-trickle, trickle),
 *   throughput + CPU-seconds per GB (reliable ordered, 1/16/64 KiB), 100-byte ping-pong RTT,
 *   unordered maxRetransmits:0 delivery rate and loss.
 * - path: the same peers through an impairment relay process (./impair-relay.ts; this kernel has
 *   no sch_netem): 50 ms RTT, 50 ms RTT + 1 % loss, and setup under 5 % loss.
 * - scale: one RtcEndpoint process with 100 / 1,000 / 10,000 idle tsrtc clients (tsrtc only).
 * - floors: what node:crypto, node:dgram and the kernel cost with no protocol at all.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cryptoFloor, type FloorRow } from '../floor/crypto-floor.js';
import { udpFloor } from '../floor/udp-floor.js';
import { wakeupFloor } from '../floor/wakeup-floor.js';
import { ImpairedPath, type PathSpec } from './path.js';
import { ensureDir, median, p90, record, table, toJson, writeCharts, type Samples, type Target } from './report.js';
import { scale, type ScaleResult } from './scale.js';
import { closePair, connectPair, percentile, pingPong, throughput, unreliable } from './scenarios.js';
import { SUBJECTS, type Subject } from './subjects.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const arg = (name: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
const wanted = (arg('--subjects') ?? 'tsrtc,node-datachannel,wrtc,werift').split(',');
const sections = new Set((arg('--sections') ?? 'loopback,path,scale,floors').split(','));
const log = (s: string) => console.error(s);

const subjects: Subject[] = [];
for (const name of wanted) {
  const load = SUBJECTS[name];
  if (!load) throw new Error(`unknown subject ${name}; known: ${Object.keys(SUBJECTS).join(', ')}`);
  const s = await load().catch((e) => { log(`${name}: not loadable: ${(e as Error).message}`); return undefined; });
  if (s) subjects.push(s);
  else log(`${name}: skipped (not available)`);
}
const names = subjects.map((s) => s.name);

// --quick (everyday use, about 1.5 min for four subjects on an idle machine) vs the full run (about 20 min).
const P = quick
  ? { rounds: 2, setupPerRound: 2, pathRounds: 1, lossSetupPerRound: 3, bytes: 4 << 20, maxMs: 800, pings: 100, unorderedMs: 500, pathMs: 2_000, scale: [100], idleMs: 3_000 }
  : { rounds: 5, setupPerRound: 10, pathRounds: 2, lossSetupPerRound: 10, bytes: 32 << 20, maxMs: 4_000, pings: 500, unorderedMs: 2_000, pathMs: 6_000, scale: [100, 1_000, 10_000], idleMs: 10_000 };
const scaleArg = arg('--scale');
if (scaleArg) P.scale = scaleArg.split(',').map(Number);
const sizes = [1024, 16 * 1024, 64 * 1024];

const samples: Samples = new Map();
const errors: string[] = [];
const started = new Date();
const load0 = loadavg();

/** Runs `fn` for every subject in every round; an error is recorded, the run goes on. */
async function interleaved(section: string, rounds: number, fn: (s: Subject, round: number) => Promise<void>): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    for (const s of subjects) {
      const label = `${section} [round ${round + 1}/${rounds}] ${s.name}`;
      const t0 = performance.now();
      try {
        await fn(s, round);
        log(`${label} done in ${((performance.now() - t0) / 1e3).toFixed(1)} s`);
      } catch (e) {
        errors.push(`${label}: ${(e as Error).message}`);
        log(`${label}: ${(e as Error).message}`);
      }
    }
  }
}

async function setupRuns(s: Subject, metric: string, n: number, opts: Parameters<typeof connectPair>[1]): Promise<void> {
  let failed = 0;
  for (let i = 0; i < n; i++) {
    try {
      const p = await connectPair(s, opts);
      record(samples, metric, s.name, p.setupMs);
      closePair(p);
    } catch {
      failed++; // a setup that never completes counts as a failure, not as a time
    }
  }
  record(samples, `${metric}-failed`, s.name, failed);
}

// ---- loopback --------------------------------------------------------------------------------
if (sections.has('loopback')) {
  await interleaved('loopback', P.rounds, async (s) => {
    await setupRuns(s, 'setup-ms', P.setupPerRound, { trickle: false });
    await setupRuns(s, 'setup-trickle-ms', P.setupPerRound, { trickle: true });
    const pair = await connectPair(s, { trickle: false });
    try {
      for (const size of sizes) {
        const r = await throughput(s, pair, size, P.bytes, P.maxMs);
        record(samples, `throughput-${size / 1024}KiB-MBps`, s.name, r.mbps);
        record(samples, `cpu-${size / 1024}KiB-ms-per-MB`, s.name, r.cpuSecPerGB); // CPU-s/GB = CPU-ms/MB
      }
      const rtts = await pingPong(pair, P.pings);
      record(samples, 'rtt-p50-us', s.name, percentile(rtts, 50));
      record(samples, 'rtt-p99-us', s.name, percentile(rtts, 99));
    } finally {
      closePair(pair);
    }
    const u = await connectPair(s, { trickle: false, channelInit: { ordered: false, maxRetransmits: 0 } });
    try {
      const r = await unreliable(u, 1024, P.unorderedMs, quick ? 100 : 300);
      record(samples, 'unordered-1KiB-delivered-per-sec', s.name, r.deliveredPerSec);
      record(samples, 'unordered-1KiB-loss-pct', s.name, r.lossPct);
    } finally {
      closePair(u);
    }
  });
}

// ---- impaired path ---------------------------------------------------------------------------
const relayLoad: Record<string, number> = {};
if (sections.has('path')) {
  const paths: (PathSpec & { setup: boolean; throughput: boolean })[] = [
    { name: 'rtt50', delayMs: 25, lossPct: 0, setup: true, throughput: true },
    { name: 'rtt50-loss1', delayMs: 25, lossPct: 1, setup: false, throughput: true },
    { name: 'loss5', delayMs: 0, lossPct: 5, setup: true, throughput: false },
  ];
  for (const spec of paths) {
    const path = await ImpairedPath.start(spec);
    const r0 = await path.stats();
    const t0 = performance.now();
    try {
      await interleaved(`path ${spec.name}`, spec.throughput ? P.pathRounds : P.rounds, async (s) => {
        if (spec.setup) await setupRuns(s, `${spec.name}-setup-ms`, spec.throughput ? 1 : P.lossSetupPerRound, { trickle: false, path, timeoutMs: 15_000 });
        if (!spec.throughput) return;
        const pair = await connectPair(s, { trickle: false, path, timeoutMs: 15_000 });
        try {
          // 8 MiB above the threshold: enough to keep a 50 ms × 500 Mbit/s pipe (3 MB) full.
          const r = await throughput(s, pair, 64 * 1024, 1 << 30, P.pathMs, 8 << 20);
          record(samples, `${spec.name}-throughput-64KiB-Mbps`, s.name, r.mbps * 8);
          record(samples, `${spec.name}-cpu-64KiB-ms-per-MB`, s.name, r.cpuSecPerGB);
        } finally {
          closePair(pair);
        }
      });
    } finally {
      const r1 = await path.stats();
      relayLoad[spec.name] = (100 * (r1.cpuSec - r0.cpuSec)) / ((performance.now() - t0) / 1e3);
      log(`relay ${spec.name}: ${r1.forwarded - r0.forwarded} forwarded, ${r1.dropped - r0.dropped} dropped, relay CPU ${relayLoad[spec.name].toFixed(0)} % of one core`);
      path.close();
    }
  }
}

for (const s of subjects) await s.shutdown?.();

// ---- scale (tsrtc RtcEndpoint) -----------------------------------------------------------------
let scaleResults: ScaleResult[] = [];
if (sections.has('scale') && names.includes('tsrtc')) {
  try {
    scaleResults = await scale(P.scale, { idleMs: P.idleMs, concurrency: 32, log });
    for (const r of scaleResults) {
      record(samples, `scale-${r.peers}-rss-KiB-per-peer`, 'tsrtc', r.rssKiBPerPeer);
      record(samples, `scale-${r.peers}-heap-KiB-per-peer`, 'tsrtc', r.heapKiBPerPeer);
      record(samples, `scale-${r.peers}-idle-cpu-pct`, 'tsrtc', r.idleCpuPct);
      record(samples, `scale-${r.peers}-idle-us-per-datagram`, 'tsrtc', r.idleCpuUsPerDatagram);
      record(samples, `scale-${r.peers}-handshakes-per-cpu-sec`, 'tsrtc', r.handshakesPerCpuSec);
    }
  } catch (e) {
    errors.push(`scale: ${(e as Error).message}`);
  }
}

// ---- floors --------------------------------------------------------------------------------------
let floors: FloorRow[] = [];
let udp: Awaited<ReturnType<typeof udpFloor>> | undefined;
const wakeups: Awaited<ReturnType<typeof wakeupFloor>>[] = [];
if (sections.has('floors')) {
  floors = await cryptoFloor(quick);
  udp = await udpFloor(quick);
  const rates = quick ? [500] : [500, 2_000, 5_000];
  for (const rate of rates) wakeups.push(await wakeupFloor(rate, quick ? 2_000 : 5_000));
}

// ---- targets ------------------------------------------------------------------------------------
const med = (metric: string, s: string) => median(samples.get(metric)?.get(s) ?? []);
const targets: Target[] = [];
const ratioTarget = (what: string, metric: string, anchor: string, factor: number, higher = true) => {
  const t = med(metric, 'tsrtc'), a = med(metric, anchor);
  if (!Number.isFinite(t) || !Number.isFinite(a)) return targets.push({ what, met: undefined, detail: 'not measured' });
  const ratio = higher ? t / a : a / t;
  targets.push({ what, met: ratio >= factor, detail: `tsrtc ${t.toPrecision(4)} vs ${anchor} ${a.toPrecision(4)} (×${ratio.toFixed(2)})` });
};
ratioTarget('throughput 64 KiB ≥ 2× node-datachannel', 'throughput-64KiB-MBps', 'node-datachannel', 2);
ratioTarget('throughput 16 KiB ≥ 2× node-datachannel', 'throughput-16KiB-MBps', 'node-datachannel', 2);
ratioTarget('throughput 1 KiB ≥ 1× node-datachannel', 'throughput-1KiB-MBps', 'node-datachannel', 1);
for (const size of sizes) ratioTarget(`throughput ${size / 1024} KiB ≥ 10× werift`, `throughput-${size / 1024}KiB-MBps`, 'werift', 10);
for (const size of sizes) ratioTarget(`CPU per MB at ${size / 1024} KiB < node-datachannel`, `cpu-${size / 1024}KiB-ms-per-MB`, 'node-datachannel', 1, false);
{
  const t = med('rtt50-throughput-64KiB-Mbps', 'tsrtc');
  targets.push({ what: '≥ 500 Mbit/s over the 50 ms RTT path', met: Number.isFinite(t) ? t >= 500 : undefined, detail: `${t.toFixed(1)} Mbit/s (relay CPU ${relayLoad.rtt50?.toFixed(0) ?? '?'} % of a core)` });
}
ratioTarget('RTT p50 ≤ node-datachannel', 'rtt-p50-us', 'node-datachannel', 1, false);
ratioTarget('setup p50 ≤ node-datachannel', 'setup-ms', 'node-datachannel', 1, false);
{
  const xs = samples.get('setup-ms')?.get('tsrtc') ?? [];
  targets.push({ what: 'setup p90 < 20 ms on loopback', met: xs.length ? p90(xs) < 20 : undefined, detail: `p90 ${p90(xs).toFixed(1)} ms over ${xs.length}` });
}
for (const r of scaleResults) {
  targets.push({ what: `≤ 50 KiB RSS per idle connection (${r.peers} peers)`, met: r.rssKiBPerPeer <= 50, detail: `${r.rssKiBPerPeer.toFixed(1)} KiB RSS, ${r.heapKiBPerPeer.toFixed(1)} KiB heap, ${r.externalKiBPerPeer.toFixed(1)} KiB external` });
}
const big = scaleResults.find((r) => r.peers >= 10_000);
targets.push({ what: '10,000 idle connections on one endpoint with < 5 % CPU', met: big ? big.connected >= 10_000 && big.idleCpuPct < 5 : undefined, detail: big ? `${big.connected} connected, ${big.idleCpuPct.toFixed(2)} % CPU` : 'not run (use the full mode or --scale 10000)' });

// ---- output --------------------------------------------------------------------------------------
const conditions = {
  date: started.toISOString(),
  durationSec: Math.round((Date.now() - started.getTime()) / 1e3),
  node: process.version,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  loadAverageStart: load0.map((x) => +x.toFixed(2)),
  loadAverageEnd: loadavg().map((x) => +x.toFixed(2)),
  quick,
  rounds: P.rounds,
  versions: Object.fromEntries(subjects.map((s) => [s.name, s.version])),
};
const sectionTables: [string, RegExp, string][] = [
  ['Loopback, both peers in one process', /^(setup|throughput|cpu|rtt-|unordered)/, 'CPU is process CPU (user + system, every thread, both peers) per MB delivered. Setup p90 in parentheses; `-failed` = setups that did not finish in 10 s.'],
  ['Impaired path (user-space relay process, see impair-relay.ts)', /^(rtt50|loss5)/, `rtt50 = 25 ms each way; rtt50-loss1 = plus 1 % loss each way; loss5 = 5 % loss each way, no delay. Relay CPU (% of one core): ${Object.entries(relayLoad).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ') || '—'}. Throughput in Mbit/s.`],
  ['Scale: one RtcEndpoint process, N idle tsrtc clients (tsrtc only)', /^scale/, 'Memory after GC per connected peer, over the endpoint as it was after serving and closing a warm-up batch of peers (one-time costs of a burst of handshakes excluded: JIT code, V8 and malloc high-water marks; heap and external are live objects and do not depend on it); idle CPU of the endpoint process over the idle window with consent freshness running (the tsrtc clients check every 4-6 s, RFC 7675 §5.1; the endpoint sends no SCTP HEARTBEATs of its own), also per datagram received, to compare with the echo floor below.'],
];
const metricNames = [...samples.keys()];
let md = `# End-to-end bench (${quick ? 'quick' : 'full'})\n\n`;
md += `Run ${conditions.date}, ${conditions.durationSec} s; Node ${conditions.node}; ${conditions.cpus}; ${conditions.memoryGiB} GiB; load average at start ${conditions.loadAverageStart.join(' / ')}, at end ${conditions.loadAverageEnd.join(' / ')} (other work on the machine: wall-clock figures are noisy, CPU figures less so; rounds interleave the subjects). Versions: ${Object.values(conditions.versions).join(', ')}.\n\n`;
md += `"tsrtc ×r" in an anchor's cell: how many times better tsrtc is (> 1 = tsrtc better).\n\n`;
for (const [title, re, note] of sectionTables) {
  const ms = metricNames.filter((m) => re.test(m));
  if (!ms.length) continue;
  md += `## ${title}\n\n${table(samples, ms, names, (m) => /setup-ms$|setup-trickle-ms$/.test(m))}\n\n${note}\n\n`;
}
if (scaleResults.length) {
  md += '| peers | connected | RSS KiB/peer (of it, young-generation growth MiB) | heap KiB/peer | external KiB/peer | idle CPU % (sys %) | idle datagrams/s in / out | idle CPU µs per datagram in | handshakes per endpoint CPU-s | handshakes/s wall |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n';
  for (const r of scaleResults) md += `| ${r.peers} | ${r.connected} | ${r.rssKiBPerPeer.toFixed(1)} (${r.youngGrowthMiB.toFixed(0)}) | ${r.heapKiBPerPeer.toFixed(1)} | ${r.externalKiBPerPeer.toFixed(1)} | ${r.idleCpuPct.toFixed(2)} (${r.idleSysPct.toFixed(2)}) | ${r.idleDatagramsInPerSec.toFixed(0)} / ${r.idleDatagramsOutPerSec.toFixed(0)} | ${r.idleCpuUsPerDatagram.toFixed(1)} | ${r.handshakesPerCpuSec.toFixed(0)} | ${r.handshakesPerWallSec.toFixed(0)} |\n`;
  md += `\nBaseline after a warm-up batch of peers served and closed (${scaleResults.map((r) => r.warmup).join(' / ')}; a tenth of N).`;
  const byN = [...scaleResults].sort((a, b) => a.connected - b.connected);
  for (let i = 1; i < byN.length; i++) {
    const a = byN[i - 1], b = byN[i];
    if (b.connected > a.connected) md += ` Marginal RSS per peer from ${a.connected} to ${b.connected} peers: ${((1024 * (b.rssGrowthMiB - a.rssGrowthMiB)) / (b.connected - a.connected)).toFixed(1)} KiB.`;
  }
  md += '\n';
  md += '\n';
}
if (floors.length || udp) {
  md += '## Floors (no protocol: what the platform costs on this machine, this run)\n\n| what | CPU per op | rate |\n| --- | ---: | ---: |\n';
  for (const f of floors) md += `| ${f.name} | ${(f.ns / 1e3).toFixed(2)} µs | ${f.mbps.toFixed(0)} MB/s |\n`;
  if (udp) md += `| node:dgram 1200 B datagram over loopback, send + receive, bursts of 64 | ${(udp.nsPerDatagram / 1e3).toFixed(2)} µs | ${udp.mbps.toFixed(0)} MB/s wall (loss ${udp.lossPct.toFixed(1)} %) |\n`;
  for (const w of wakeups) md += `| node:dgram echo server, ${w.rate} datagrams/s arriving one by one (idle-endpoint floor) | ${w.usPerDatagram.toFixed(1)} µs | ${w.cpuPct.toFixed(2)} % of a core |\n`;
  md += '\n';
}
md += '## Targets\n\n| target | verdict | measured |\n| --- | --- | --- |\n';
for (const t of targets) md += `| ${t.what} | ${t.met === undefined ? 'n/a' : t.met ? 'met' : 'MISSED'} | ${t.detail} |\n`;
if (errors.length) md += `\n## Errors\n\n${errors.map((e) => `- ${e}`).join('\n')}\n`;

const out = arg('--out'); // another results directory (default bench/results)
const dir = out ? pathToFileURL(`${resolve(out)}/`) : new URL('../../results/', import.meta.url);
ensureDir(dir);
writeFileSync(new URL('e2e.md', dir), md);
writeFileSync(new URL('e2e.json', dir), JSON.stringify({ conditions, metrics: toJson(samples), scale: scaleResults, floors, udpFloor: udp, wakeupFloors: wakeups, relayCpuPct: relayLoad, targets, errors }, null, 2) + '\n');
const charts = writeCharts(dir, samples, names);
console.log(md);
console.log(`wrote ${new URL('e2e.md', dir).pathname}, ${new URL('e2e.json', dir).pathname} and ${charts} SVG charts (e2e-*.svg) in ${dir.pathname}`);
