import { measure, do_not_optimize } from 'mitata';
import type { MicroCase, MicroSuite } from './types.js';

export interface MicroResult {
  suite: string;
  group: string;
  impl: string;
  medianNs: number;
  p99Ns: number;
  samples: number;
  /** impl median / tsrtc median for the same group (tsrtc = 1). */
  ratioToTsrtc?: number;
  targetNs?: number;
  verdict?: 'PASS' | 'MISS';
}

/** Measures every case with mitata (median of batched samples), interleaving suites as listed. */
export async function runMicro(suites: MicroSuite[], opts: { quick?: boolean } = {}): Promise<MicroResult[]> {
  const results: MicroResult[] = [];
  for (const suite of suites) {
    for (const c of suite.cases) {
      // A case may be async (werift's handshake is promise-driven): mitata awaits a returned promise.
      const stats = await measure(() => { const r = c.fn(); do_not_optimize(r); return r; }, {
        min_cpu_time: (opts.quick ? 100 : 400) * 1e6,
      } as never);
      results.push({ suite: suite.name, group: c.group, impl: c.impl, medianNs: stats.p50, p99Ns: stats.p99, samples: stats.samples.length, targetNs: c.targetNs });
    }
  }
  for (const r of results) {
    const ref = results.find((x) => x.suite === r.suite && x.group === r.group && x.impl === 'tsrtc');
    if (ref) r.ratioToTsrtc = r.medianNs / ref.medianNs;
    if (r.impl === 'tsrtc' && r.targetNs !== undefined) r.verdict = r.medianNs <= r.targetNs ? 'PASS' : 'MISS';
  }
  return results;
}

const fmtNs = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`);

/** A Markdown table: one row per (group, impl), tsrtc first in each group. */
export function formatMicro(results: MicroResult[]): string {
  const lines = ['| suite | operation | implementation | median | p99 | × tsrtc | target | verdict |', '| --- | --- | --- | ---: | ---: | ---: | ---: | --- |'];
  const order = [...results].sort((a, b) => (a.suite === b.suite ? 0 : 0) || (a.impl === 'tsrtc' ? -1 : 0));
  const groups = new Map<string, MicroResult[]>();
  for (const r of order) {
    const k = `${r.suite}\u0000${r.group}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  for (const rows of groups.values()) {
    rows.sort((a, b) => (a.impl === 'tsrtc' ? -1 : b.impl === 'tsrtc' ? 1 : a.medianNs - b.medianNs));
    for (const r of rows) {
      lines.push(`| ${r.suite} | ${r.group} | ${r.impl} | ${fmtNs(r.medianNs)} | ${fmtNs(r.p99Ns)} | ${r.ratioToTsrtc?.toFixed(2) ?? '—'} | ${r.targetNs !== undefined ? '≤ ' + fmtNs(r.targetNs) : ''} | ${r.verdict ?? ''} |`);
    }
  }
  return lines.join('\n');
}
