/**
 * The matrix with one child process per peer column. wrtc and node-datachannel are native
 * addons: a crash in one (seen: werift × wrtc ending the process without a word) must cost
 * the rest of that column, not the whole run. Cells the child never reported become failures
 * that name the cell that was running when it died.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ColumnEvent, ColumnJob } from './column-main.js';
import type { Cell, MatrixRun, PeerInfo } from './matrix.js';
import type { PeerName } from './peers/registry.js';
import type { ImplementationName } from './peers/implementations.js';

export interface IsolatedOptions {
  subjects: ImplementationName[];
  peers: PeerName[];
  scenarios: string[];
  quick: boolean;
  repeat: number;
  log: (line: string) => void;
  /** a column that runs longer is killed (default 20 min) */
  columnTimeoutMs?: number;
}

const CHILD = fileURLToPath(new URL('./column-main.ts', import.meta.url));

function runChild(job: ColumnJob, opts: IsolatedOptions): Promise<{ cells: Cell[]; peer?: PeerInfo; died?: string; running?: { subject: string; scenario: string } }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, CHILD, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const cells: Cell[] = [];
    let peer: PeerInfo | undefined;
    let running: { subject: string; scenario: string } | undefined;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('@@')) return;
      const e = JSON.parse(line.slice(2)) as ColumnEvent;
      if (e.type === 'peer') peer = e.info;
      else if (e.type === 'begin') running = { subject: e.subject, scenario: e.scenario };
      else { cells.push(e.cell); running = undefined; }
    });
    createInterface({ input: child.stderr }).on('line', (line) => opts.log(line));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.columnTimeoutMs ?? 20 * 60_000);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const died = code === 0 ? undefined : signal ? `killed by ${signal}` : `exited with code ${code}`;
      resolve({ cells, ...(peer ? { peer } : {}), ...(died ? { died } : {}), ...(running ? { running } : {}) });
    });
  });
}

export async function runMatrixIsolated(opts: IsolatedOptions): Promise<MatrixRun> {
  const cells: Cell[] = [];
  const peers: PeerInfo[] = [];
  for (const name of opts.peers) {
    const r = await runChild({ peer: name, subjects: opts.subjects, scenarios: opts.scenarios, quick: opts.quick, repeat: opts.repeat }, opts);
    peers.push(r.peer ?? { name, description: name, error: `column process ${r.died ?? 'ended'} before the peer started` });
    cells.push(...r.cells);
    if (!r.died) continue;
    const where = r.running ? ` while running ${r.running.subject} × ${name} ${r.running.scenario}` : '';
    opts.log(`${name}: column process ${r.died}${where}`);
    for (const subject of opts.subjects) {
      for (const scenario of opts.scenarios) {
        if (r.cells.some((c) => c.subject === subject && c.scenario === scenario)) continue;
        const here = r.running?.subject === subject && r.running.scenario === scenario;
        cells.push({
          subject, peer: name, scenario, status: 'fail', figures: {}, notes: [], ms: 0,
          reason: here ? `the process died (${r.died}) during this cell: a native crash in a library (wrtc / node-datachannel) or a hang`
            : `not run: the column process died (${r.died})${where}`,
        });
      }
    }
  }
  return { cells, peers };
}
