#!/usr/bin/env node
// The test command: typecheck, the sans-IO guard, then every package's tap suite.
// Ends with the line CI reads: "N passed, N failed".
//   node scripts/test.mjs            all three steps
//   node scripts/test.mjs --unit     only the tap suites (CI's second Node version)
//   extra arguments after -- go to tap (e.g. -- sdp/test/parse.test.ts)
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const dash = args.indexOf('--');
const tapArgs = dash >= 0 ? args.slice(dash + 1) : [];
const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;

function run(cmd, argv, { parse } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', parse ? 'pipe' : 'inherit', 'inherit'] });
    let tail = '';
    if (parse) child.stdout.on('data', (d) => { process.stdout.write(d); tail = (tail + d).slice(-4096); });
    child.on('close', (code) => resolve({ code: code ?? 1, tail }));
  });
}

let passed = 0, failed = 0;
const step = (ok, name) => { if (ok) passed++; else { failed++; console.error(`FAILED: ${name}`); } };

if (!unitOnly) {
  console.log(`== typecheck (tsc --noEmit), node ${process.version}`);
  step((await run(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit'])).code === 0, 'typecheck');
  console.log('== sans-IO guard');
  step((await run(process.execPath, ['scripts/check-sans-io.mjs'])).code === 0, 'sans-IO guard');
}
// tap compiles its plugin set (package.json "tap".plugin drops @tapjs/typescript: tsx loads the
// sources) on first use; build it first, or a fresh clone's first run loads ts-node beside tsx.
await run(process.execPath, [bin('tap'), 'build']);
console.log(`== unit and property tests (tap), node ${process.version}`);
const tap = await run(process.execPath, [bin('tap'), ...tapArgs], { parse: true });
const m = /#\s*\{\s*total:\s*(\d+),\s*pass:\s*(\d+)(?:,\s*fail:\s*(\d+))?/.exec(tap.tail);
if (m) {
  passed += Number(m[2]);
  failed += Number(m[3] ?? 0);
  if (tap.code !== 0 && !m[3]) failed++; // tap failed for a reason its counts do not show
} else {
  failed++;
  console.error('FAILED: tap printed no summary');
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
