/**
 * `npm run conformance`: the scenario × peer matrix. Writes matrix.md and matrix.json and
 * ends with "N passed, N failed" over the subject's cells. Exits 0 when the harness ran
 * (failures are data); non-zero only when the harness itself broke.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs, USAGE } from './cli.js';
import { implementationAvailable, loadImplementation, type ImplementationName } from './peers/implementations.js';
import { DEFAULT_PEERS, type PeerName } from './peers/registry.js';
import { runMatrixIsolated } from './isolate.js';
import { count, markdown, type Report } from './report.js';
import { SCENARIOS } from './scenarios/index.js';
import { collectVersions } from './versions.js';

const ANCHORS: ImplementationName[] = ['ndc', 'wrtc', 'werift'];

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) { console.log(USAGE); return 0; }
  if (opts.list) { for (const s of SCENARIOS) console.log(`${s.id.padEnd(28)} ${s.title}`); return 0; }

  const tsrtc = await implementationAvailable('tsrtc');
  const subjectNames = opts.subjects ?? (tsrtc ? ['tsrtc' as const] : ANCHORS);
  const peers: PeerName[] = opts.peers ?? (tsrtc ? [...DEFAULT_PEERS, 'tsrtc'] : DEFAULT_PEERS);
  const scenarios = opts.scenarios ? SCENARIOS.filter((s) => opts.scenarios!.includes(s.id)) : SCENARIOS;
  const unknown = (opts.scenarios ?? []).filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')} (see --list)`);
  const subjects = await Promise.all(subjectNames.map((n) => loadImplementation(n)));

  console.log(`subjects: ${subjects.map((s) => s.description).join('; ')}`);
  console.log(`peers: ${peers.join(', ')}; ${scenarios.length} scenarios${opts.quick ? ' (--quick)' : ''}`);
  const t0 = performance.now();
  const run = await runMatrixIsolated({
    subjects: subjectNames, peers, scenarios: scenarios.map((s) => s.id), quick: opts.quick, repeat: opts.repeat, log: (l) => console.log(l),
  });

  const report: Report = {
    generatedAt: new Date().toISOString(),
    durationS: Math.round((performance.now() - t0) / 1000),
    quick: opts.quick,
    repeat: opts.repeat,
    versions: collectVersions(),
    subjects: subjects.map((s) => ({ name: s.name, description: s.description, counts: count(run.cells.filter((c) => c.subject === s.name)) })),
    peers: run.peers,
    scenarios: scenarios.map(({ id, title, checks }) => ({ id, title, checks })),
    cells: run.cells,
  };
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(path.join(opts.out, 'matrix.json'), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(path.join(opts.out, 'matrix.md'), markdown(report, scenarios));

  const all = count(run.cells);
  for (const s of report.subjects) console.log(`${s.name}: ${s.counts.pass} passed, ${s.counts.fail} failed, ${s.counts['peer-fault']} peer faults, ${s.counts.skip} skipped`);
  console.log(`results: ${path.join(opts.out, 'matrix.md')} (${report.durationS} s)`);
  console.log(`${all.pass} passed, ${all.fail} failed`);
  return 0;
}

main().then((code) => {
  // browsers, peer processes and native addons may hold the loop open
  process.exit(code);
}, (e) => {
  console.error(`conformance harness broke: ${(e as Error)?.stack ?? e}`);
  console.log('0 passed, 1 failed');
  process.exit(2);
});
