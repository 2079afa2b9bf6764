/** matrix.json and matrix.md: scenario rows × peer columns, one table per subject. */
import type { Cell, CellStatus, MatrixRun } from './matrix.js';
import type { Scenario } from './scenario.js';

export interface Report {
  generatedAt: string;
  durationS: number;
  quick: boolean;
  repeat?: number;
  versions: Record<string, string>;
  subjects: { name: string; description: string; counts: Record<CellStatus, number> }[];
  peers: MatrixRun['peers'];
  scenarios: { id: string; title: string; checks: string }[];
  cells: Cell[];
}

export function count(cells: Cell[]): Record<CellStatus, number> {
  const c: Record<CellStatus, number> = { pass: 0, fail: 0, 'peer-fault': 0, skip: 0 };
  for (const cell of cells) c[cell.status]++;
  return c;
}

const MARK: Record<CellStatus, string> = { pass: '✅', fail: '❌', 'peer-fault': '⚠️', skip: '–' };

/** The one figure worth showing in a cell. */
function headline(cell: Cell): string {
  const f = cell.figures;
  for (const k of ['MB/s', 'RTT p50 ms', 'setup ms', 'noticed ms']) {
    if (f[k] !== undefined) return ` ${f[k]}${k === 'MB/s' ? ' MB/s' : ' ms'}`;
  }
  return '';
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdown(report: Report, scenarios: Scenario[]): string {
  const out: string[] = [];
  out.push(`# tsrtc conformance matrix`, '');
  out.push(`Generated ${report.generatedAt} in ${report.durationS} s${report.quick ? ' (--quick)' : ''}${(report.repeat ?? 1) > 1 ? `, each cell run ${report.repeat} times` : ''} by \`npm run conformance\`.`);
  out.push(`${MARK.pass} pass, ${MARK.fail} fail (the subject's bug, or not yet diagnosed), ${MARK['peer-fault']} known fault of the remote peer, ${MARK.skip} does not apply. Cell figures: MB/s (20 MiB send), RTT p50, setup time or time until the close was noticed.`, '');
  const peerNames = report.peers.map((p) => p.name);
  for (const subject of report.subjects) {
    const cells = report.cells.filter((c) => c.subject === subject.name);
    out.push(`## Subject: ${subject.name}`, '', `${subject.description}. Cells: ${subject.counts.pass} passed, ${subject.counts.fail} failed, ${subject.counts['peer-fault']} peer faults, ${subject.counts.skip} skipped.`, '');
    out.push(`| scenario | ${peerNames.join(' | ')} |`, `| --- | ${peerNames.map(() => ':---:').join(' | ')} |`);
    for (const s of scenarios) {
      const row = peerNames.map((p) => {
        const cell = cells.find((c) => c.peer === p && c.scenario === s.id);
        return cell ? `${MARK[cell.status]}${cell.status === 'pass' ? headline(cell) : ''}` : '';
      });
      out.push(`| ${esc(s.title)} | ${row.join(' | ')} |`);
    }
    const bad = cells.filter((c) => c.status === 'fail' || c.status === 'peer-fault');
    if (bad.length) {
      out.push('', `### ${subject.name}: failures and their reasons`, '');
      for (const c of bad) out.push(`- ${MARK[c.status]} **${c.scenario} × ${c.peer}**: ${esc(c.reason ?? '')}`);
    }
    const noted = cells.filter((c) => c.notes.length || (c.status === 'skip' && c.reason));
    if (noted.length) {
      out.push('', `<details><summary>${subject.name}: notes and skips</summary>`, '');
      for (const c of noted) out.push(`- ${c.scenario} × ${c.peer}: ${esc([c.status === 'skip' ? `skipped: ${c.reason}` : '', ...c.notes].filter(Boolean).join('; '))}`);
      out.push('', '</details>');
    }
    const figs = cells.filter((c) => Object.keys(c.figures).length);
    if (figs.length) {
      out.push('', `<details><summary>${subject.name}: all figures</summary>`, '', '| scenario | peer | figures |', '| --- | --- | --- |');
      for (const c of figs) out.push(`| ${c.scenario} | ${c.peer} | ${esc(Object.entries(c.figures).map(([k, v]) => `${k} ${v}`).join(', '))} |`);
      out.push('', '</details>');
    }
    out.push('');
  }
  out.push('## Peers', '', '| column | what | start ms |', '| --- | --- | --- |');
  for (const p of report.peers) out.push(`| ${p.name} | ${esc(p.error ? `did not start: ${p.error}` : p.description)} | ${p.startMs ?? ''} |`);
  out.push('', '## Versions', '', '| component | version |', '| --- | --- |');
  for (const [k, v] of Object.entries(report.versions)) out.push(`| ${k} | ${esc(v)} |`);
  out.push('');
  return out.join('\n');
}
