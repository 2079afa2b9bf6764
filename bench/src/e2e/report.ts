/**
 * Samples → medians, ratios, target verdicts, and the three outputs (Markdown, JSON, SVG).
 */
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { percentile } from './scenarios.js';
import { barChart } from './svg.js';

/** metric → subject → samples */
export type Samples = Map<string, Map<string, number[]>>;

export const median = (xs: number[]): number => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : NaN;
};
export const p90 = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 90);

/** Units tell the direction: rates are better high, times/costs better low. */
export const higherIsBetter = (metric: string): boolean => /MBps|Mbps|per-sec|per-cpu-sec|handshakes/.test(metric);

export interface Target {
  what: string;
  /** true = met; undefined = not measurable in this run (a subject missing) */
  met: boolean | undefined;
  detail: string;
}

export function record(samples: Samples, metric: string, subject: string, v: number): void {
  if (!Number.isFinite(v)) return;
  let m = samples.get(metric);
  if (!m) samples.set(metric, (m = new Map()));
  let xs = m.get(subject);
  if (!xs) m.set(subject, (xs = []));
  xs.push(v);
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** One Markdown table: a row per metric, a column per subject, anchors with "tsrtc ×ratio". */
export function table(samples: Samples, metrics: string[], subjects: string[], withP90: (m: string) => boolean): string {
  const lines = [`| metric | ${subjects.join(' | ')} |`, `| --- | ${subjects.map(() => '---:').join(' | ')} |`];
  for (const metric of metrics) {
    const m = samples.get(metric);
    if (!m) continue;
    const ref = median(m.get('tsrtc') ?? []);
    const cells = subjects.map((s) => {
      const xs = m.get(s) ?? [];
      if (!xs.length) return '—';
      const med = median(xs);
      let cell = fmt(med);
      if (withP90(metric)) cell += ` (p90 ${fmt(p90(xs))})`;
      if (s !== 'tsrtc' && Number.isFinite(ref) && med !== 0 && ref !== 0) cell += ` · tsrtc ×${(higherIsBetter(metric) ? ref / med : med / ref).toFixed(2)}`;
      return cell;
    });
    lines.push(`| ${metric} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function toJson(samples: Samples): Record<string, Record<string, { median: number; p90: number; n: number; samples: number[] }>> {
  const out: Record<string, Record<string, { median: number; p90: number; n: number; samples: number[] }>> = {};
  for (const [metric, m] of samples) {
    out[metric] = {};
    for (const [s, xs] of m) out[metric][s] = { median: median(xs), p90: p90(xs), n: xs.length, samples: xs.map((x) => Number(x.toPrecision(6))) };
  }
  return out;
}

/** Writes e2e-<metric>.svg for every metric (stale e2e-*.svg from older runs removed first). */
export function writeCharts(dir: URL, samples: Samples, subjects: string[]): number {
  for (const f of readdirSync(dir)) if (/^e2e-.*\.svg$/.test(f)) unlinkSync(new URL(f, dir));
  let n = 0;
  for (const [metric, m] of samples) {
    const bars = subjects.filter((s) => m.has(s)).map((s) => ({ label: s, value: median(m.get(s)!) })).filter((b) => Number.isFinite(b.value));
    if (!bars.length) continue;
    writeFileSync(new URL(`e2e-${metric}.svg`, dir), barChart(metric, bars, higherIsBetter(metric)));
    n++;
  }
  return n;
}

export function ensureDir(dir: URL): void {
  mkdirSync(dir, { recursive: true });
}
