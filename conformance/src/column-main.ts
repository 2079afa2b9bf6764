/**
 * Child-process entry of the isolated runner (isolate.ts): runs one peer column and reports
 * each event as one line `@@<json>` on stdout. Progress lines go to stderr.
 */
import { loadImplementation, type ImplementationName } from './peers/implementations.js';
import type { PeerName } from './peers/registry.js';
import { runColumn } from './matrix.js';
import { SCENARIOS } from './scenarios/index.js';

export interface ColumnJob {
  peer: PeerName;
  subjects: ImplementationName[];
  scenarios: string[];
  quick: boolean;
  repeat: number;
}

export type ColumnEvent =
  | { type: 'peer'; info: import('./matrix.js').PeerInfo }
  | { type: 'begin'; subject: string; scenario: string }
  | { type: 'cell'; cell: import('./matrix.js').Cell };

const emit = (e: ColumnEvent) => process.stdout.write(`@@${JSON.stringify(e)}\n`);

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as ColumnJob;
  process.on('unhandledRejection', (e) => console.error(`[unhandled rejection] ${(e as Error)?.stack ?? e}`));
  process.on('uncaughtException', (e) => console.error(`[uncaught exception] ${e?.stack ?? e}`));
  const subjects = await Promise.all(job.subjects.map((n) => loadImplementation(n)));
  const scenarios = SCENARIOS.filter((s) => job.scenarios.includes(s.id));
  await runColumn(job.peer, { subjects, scenarios, quick: job.quick, repeat: job.repeat }, {
    peer: (info) => emit({ type: 'peer', info }),
    begin: (subject, scenario) => {
      emit({ type: 'begin', subject, scenario });
      // self-test of the isolation (test/isolate.test.ts): die the way a native addon does
      if (process.env['TSRTC_CONFORMANCE_CRASH_AT'] === scenario) process.kill(process.pid, 'SIGSEGV');
    },
    cell: (cell) => emit({ type: 'cell', cell }),
    log: (line) => console.error(line),
  });
}

main().then(() => process.exit(0), (e) => {
  console.error(`column harness broke: ${(e as Error)?.stack ?? e}`);
  process.exit(3);
});
