#!/usr/bin/env node
// Sans-IO guard (../shared/ARCHITECTURE.md): protocol engines are told the time and own
// no clock, no timer, no socket and no randomness source. Only @tsrtc/datachannel's driver
// may touch those. Fails (exit 1) naming every offending line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const PROTOCOL_PACKAGES = ['sdp', 'stun', 'ice', 'dtls', 'sctp'];
const FORBIDDEN = [
  [/\bDate\.now\s*\(/, 'Date.now()'],
  [/\bnew Date\s*\(\s*\)/, 'new Date() (reads the clock)'],
  [/\bperformance\.now\s*\(/, 'performance.now()'],
  [/\bsetTimeout\s*\(/, 'setTimeout()'],
  [/\bsetInterval\s*\(/, 'setInterval()'],
  [/\bsetImmediate\s*\(/, 'setImmediate()'],
  [/['"](node:)?dgram['"]/, 'node:dgram'],
  [/\brandomBytes\s*\(/, 'crypto.randomBytes()'],
  [/\brandomFillSync\s*\(/, 'crypto.randomFillSync()'],
  [/\bgetRandomValues\s*\(/, 'crypto.getRandomValues()'],
  [/\bMath\.random\s*\(/, 'Math.random()'],
  [/\bprocess\.hrtime\b/, 'process.hrtime'],
];

function* files(dir) {
  let entries;
  try { entries = readdirSync(dir); } catch { return; }
  for (const name of entries) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|mts|js|mjs)$/.test(name)) yield p;
  }
}

const root = new URL('..', import.meta.url).pathname;
const hits = [];
let scanned = 0;
for (const pkg of PROTOCOL_PACKAGES) {
  for (const file of files(join(root, pkg, 'src'))) {
    scanned++;
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, ''); // a comment may name the rule
      for (const [re, what] of FORBIDDEN) {
        if (re.test(code)) hits.push(`${file.slice(root.length)}:${i + 1}: ${what}: ${line.trim()}`);
      }
    });
  }
}
if (hits.length) {
  console.error(`sans-IO guard: ${hits.length} violation(s) in protocol code (inject time/randomness instead):`);
  for (const h of hits) console.error('  ' + h);
  process.exit(1);
}
console.log(`sans-IO guard: ${scanned} protocol source files clean`);
