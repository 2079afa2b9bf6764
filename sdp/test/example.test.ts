// The README example is examples/basic.ts verbatim, and it runs and prints what it claims.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { parseSdp } from '@tsrtc/sdp';

const root = new URL('../../', import.meta.url);
const example = readFileSync(new URL('sdp/examples/basic.ts', root), 'utf8');

t.test('README embeds examples/basic.ts', async (t) => {
  const readme = readFileSync(new URL('sdp/README.md', root), 'utf8');
  t.ok(readme.includes(example.trim()), 'README contains the example verbatim');
});

t.test('the example runs', async (t) => {
  const out = execFileSync(process.execPath, ['--conditions=tsrtc-source', '--import', 'tsx', 'sdp/examples/basic.ts'], { cwd: root, encoding: 'utf8' });
  const lines = out.split('\n');
  t.equal(lines[0], 'true');
  t.equal(lines[1], "[ '0' ] 0 kIJz actpass 262144");
  t.equal(lines[2], '98533546-a9a0-4078-a0d1-9853ea3800ee.local 37805');
  t.equal(lines[3], 'kIJz TfphERpH+scP72W4VHclwBcD sha-256 5000');
  const answer = parseSdp(lines.slice(4).join('\n'));
  t.equal(answer.iceLite, true);
  t.equal(answer.media[0].setup, 'passive');
  t.equal(answer.media[0].port, 3478);
  t.equal(answer.media[0].candidates[0].address, '198.51.100.20');
});
