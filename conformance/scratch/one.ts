import { loadImplementation, type ImplementationName } from '../src/peers/implementations.js';
import { startRemote, type PeerName } from '../src/peers/registry.js';
import { runCell } from '../src/matrix.js';
import { SCENARIOS } from '../src/scenarios/index.js';
const [subj, peer, ...ids] = process.argv.slice(2);
const s = await loadImplementation(subj as ImplementationName);
const r = await startRemote(peer as PeerName);
for (const id of ids) {
  const cell = await runCell(s, r, SCENARIOS.find((x) => x.id === id)!, true);
  console.log(id, cell.status, cell.reason ?? '', JSON.stringify(cell.figures), cell.notes.join('; '));
}
await r.dispose();
process.exit(0);
