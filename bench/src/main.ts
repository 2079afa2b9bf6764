/**
 * npm run bench [-- --quick] [-- --only sdp,stun] [-- --no-micro] [-- --no-e2e] [-- --out dir] [e2e flags]
 * Runs the micro suites (one file per layer in ./micro) side by side with the anchors on the
 * same inputs, prints one table and writes bench/results/micro.json; then the end-to-end bench
 * (./e2e/main.ts, same flags: --quick, --subjects, --sections, --scale), which writes
 * bench/results/e2e.md, e2e.json and e2e-*.svg.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatMicro, runMicro } from './micro/run.js';
import type { MicroSuite } from './micro/types.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyIdx = argv.indexOf('--only');
const only = onlyIdx >= 0 ? new Set(argv[onlyIdx + 1].split(',')) : undefined;

// Each layer contributes one suite module exporting `suite: MicroSuite`.
const SUITES = ['sdp', 'stun', 'dtls', 'sctp'];
const suites: MicroSuite[] = [];
for (const name of SUITES) {
  if (only && !only.has(name)) continue;
  try {
    const mod = (await import(`./micro/${name}.js`)) as { suite: MicroSuite };
    suites.push(mod.suite);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
  }
}

if (!argv.includes('--no-micro')) await micro();
if (!argv.includes('--no-e2e')) await import('./e2e/main.js');

async function micro(): Promise<void> {
  const results = await runMicro(suites, { quick });
  const table = formatMicro(results);
  console.log(table);
  const outIdx = argv.indexOf('--out'); // another results directory (default bench/results)
  const dir = outIdx >= 0 ? pathToFileURL(`${resolve(argv[outIdx + 1])}/`) : new URL('../results/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  const out = new URL('micro.json', dir);
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version, quick, results }, null, 2) + '\n');
  const misses = results.filter((r) => r.verdict === 'MISS');
  console.log(`\nwrote ${out.pathname}${misses.length ? `; ${misses.length} target(s) missed` : '; every target met'}`);
}
