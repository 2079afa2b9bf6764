// `npm run conformance` survives a peer library crashing its process: the crashed cell and the
// rest of that column fail with the reason, the other columns run, the exit code stays 0.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

t.test('a column process that dies costs only its own cells', async (t) => {
  const out = mkdtempSync(path.join(tmpdir(), 'conformance-isolate-'));
  const r = spawnSync(process.execPath, [
    '--conditions=tsrtc-source', '--import', 'tsx', 'conformance/src/main.ts',
    '--subject', 'ndc', '--peers', 'ndc,wrtc', '--scenarios', 'offer-subject,late-channel,rtt', '--quick', '--out', out,
  ], { encoding: 'utf8', env: { ...process.env, TSRTC_CONFORMANCE_CRASH_AT: 'late-channel' }, timeout: 240_000 });
  t.equal(r.status, 0, 'the harness itself did not break');
  const report = JSON.parse(readFileSync(path.join(out, 'matrix.json'), 'utf8')) as { cells: { peer: string; scenario: string; status: string; reason?: string }[] };
  const cell = (peer: string, scenario: string) => report.cells.find((c) => c.peer === peer && c.scenario === scenario)!;
  for (const peer of ['ndc', 'wrtc']) {
    t.equal(cell(peer, 'offer-subject').status, 'pass', `${peer}: the cell before the crash passed`);
    t.equal(cell(peer, 'late-channel').status, 'fail');
    t.match(cell(peer, 'late-channel').reason, /process died \(killed by SIGSEGV\) during this cell/);
    t.match(cell(peer, 'rtt').reason, /not run: the column process died .* while running ndc × \w+ late-channel/);
  }
  t.match(r.stdout.trim().split('\n').pop(), /^2 passed, 4 failed$/);
});
