/** Runs scenarios × peers for each subject and collects one cell per pair. */
import { PairHistory, ScenarioContext, Skip, type Figures } from './harness.js';
import type { Scenario } from './scenario.js';
import type { W3cImplementation } from './peers/implementations.js';
import { startRemote, type PeerName } from './peers/registry.js';
import type { RemotePeer } from './peers/types.js';
import { knownFault } from './known-faults.js';

export type CellStatus = 'pass' | 'fail' | 'skip' | 'peer-fault';

export interface Cell {
  subject: string;
  peer: string;
  scenario: string;
  status: CellStatus;
  reason?: string;
  figures: Figures;
  notes: string[];
  ms: number;
}

export interface PeerInfo { name: string; description: string; startMs?: number; error?: string }

export interface MatrixRun {
  cells: Cell[];
  peers: PeerInfo[];
}

export interface RunOptions {
  subjects: W3cImplementation[];
  peers: PeerName[];
  scenarios: Scenario[];
  quick: boolean;
  /** runs per cell (default 1) */
  repeat?: number;
  log: (line: string) => void;
}

const START_TIMEOUT_MS = 200_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timeout after ${ms} ms: ${what}`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

export async function runCell(subject: W3cImplementation, remote: RemotePeer, scenario: Scenario, quick: boolean, history = new PairHistory()): Promise<Cell> {
  const ctx = new ScenarioContext(subject, remote, quick, history);
  const t0 = performance.now();
  let status: CellStatus = 'pass';
  let reason: string | undefined;
  try {
    await withTimeout(scenario.run(ctx), scenario.timeoutMs, scenario.id);
  } catch (e) {
    const err = e as Error;
    if (err instanceof Skip) { status = 'skip'; reason = err.message; } else {
      reason = err?.message ?? String(e);
      const fault = remote.name !== subject.name ? knownFault(remote.name, scenario.id, reason, subject.name) : undefined;
      if (fault) { status = 'peer-fault'; reason = `${fault.reason} — observed: ${reason}`; } else status = 'fail';
    }
  } finally {
    await ctx.cleanup();
  }
  const cell: Cell = { subject: subject.name, peer: remote.name, scenario: scenario.id, status, figures: ctx.figures, notes: ctx.notes, ms: Math.round(performance.now() - t0) };
  if (reason !== undefined) cell.reason = reason;
  return cell;
}

/**
 * Run a cell `repeat` times: it passes only if every run passed; a failure says how many runs
 * failed and shows the first reason. Figures are the last passing run's.
 */
export async function runRepeated(subject: W3cImplementation, remote: RemotePeer, scenario: Scenario, quick: boolean, history: PairHistory, repeat: number): Promise<Cell> {
  const runs: Cell[] = [];
  for (let i = 0; i < repeat; i++) {
    runs.push(await runCell(subject, remote, scenario, quick, history));
    if (runs[i]!.status === 'skip') return runs[i]!;
  }
  if (repeat === 1) return runs[0]!;
  const worst = runs.find((r) => r.status === 'fail') ?? runs.find((r) => r.status === 'peer-fault');
  const lastPass = [...runs].reverse().find((r) => r.status === 'pass');
  const cell: Cell = { ...(worst ?? lastPass ?? runs[0]!), ms: runs.reduce((sum, r) => sum + r.ms, 0) };
  if (worst) {
    const failed = runs.filter((r) => r.status === worst.status).length;
    cell.reason = `${worst.status === 'fail' ? 'failed' : 'peer fault in'} ${failed} of ${repeat} runs: ${worst.reason}`;
  }
  if (lastPass && worst) cell.figures = lastPass.figures;
  return cell;
}

/** What a column run reports, as it happens (the isolated runner forwards these from a child). */
export interface ColumnSink {
  peer(info: PeerInfo): void;
  /** a cell is about to run: if the process dies now, this is the cell that killed it */
  begin(subject: string, scenario: string): void;
  cell(cell: Cell): void;
  log(line: string): void;
}

/** One peer column: start the peer, run every subject × scenario against it, stop it. */
export async function runColumn(name: PeerName, opts: Omit<RunOptions, 'peers' | 'log'>, sink: ColumnSink): Promise<void> {
  const t0 = performance.now();
  let remote: RemotePeer;
  try {
    remote = await withTimeout(startRemote(name), START_TIMEOUT_MS, `start ${name}`);
  } catch (e) {
    const error = (e as Error).message;
    sink.log(`${name}: did not start: ${error}`);
    sink.peer({ name, description: name, error });
    for (const subject of opts.subjects) {
      for (const s of opts.scenarios) sink.cell({ subject: subject.name, peer: name, scenario: s.id, status: 'skip', reason: `peer did not start: ${error}`, figures: {}, notes: [], ms: 0 });
    }
    return;
  }
  const startMs = Math.round(performance.now() - t0);
  sink.peer({ name, description: remote.description, startMs });
  sink.log(`== ${name}: ${remote.description} (started in ${startMs} ms)`);
  try {
    for (const subject of opts.subjects) {
      const history = new PairHistory();
      for (const s of opts.scenarios) {
        sink.begin(subject.name, s.id);
        const cell = await runRepeated(subject, remote, s, opts.quick, history, opts.repeat ?? 1);
        sink.cell(cell);
        sink.log(describeCell(cell));
      }
    }
  } finally {
    await withTimeout(remote.dispose(), 20_000, `stop ${name}`).catch((e) => sink.log(`${name}: stop: ${(e as Error).message}`));
  }
}

export function describeCell(cell: Cell): string {
  const figs = Object.entries(cell.figures).map(([k, v]) => `${k}=${v}`).join(' ');
  return `  ${cell.subject} × ${cell.peer} ${cell.scenario}: ${cell.status} (${cell.ms} ms)${figs ? ` ${figs}` : ''}${cell.reason ? ` — ${cell.reason}` : ''}`;
}

/** Every column in this process (a native crash in a peer library ends the whole run; see isolate.ts). */
export async function runMatrix(opts: RunOptions): Promise<MatrixRun> {
  const cells: Cell[] = [];
  const peers: PeerInfo[] = [];
  const sink: ColumnSink = { peer: (p) => peers.push(p), begin: () => {}, cell: (c) => cells.push(c), log: opts.log };
  for (const name of opts.peers) await runColumn(name, opts, sink);
  return { cells, peers };
}
