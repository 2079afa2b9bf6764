// The README example runs and prints what the README says.
import t from 'tap';
import { execFileSync } from 'node:child_process';

t.test('stun/examples/binding.ts', async (t) => {
  const file = new URL('../examples/binding.ts', import.meta.url).pathname;
  const out = execFileSync(process.execPath, ['--conditions=tsrtc-source', '--import', 'tsx', file], { encoding: 'utf8' });
  t.equal(out, 'true 6004:HRlX 1845501695 2681136016890459342n true\ntrue succeeded\n');
});
