// The README's example runs as written and prints what its comments say.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

t.test('README example', async (t) => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1];
  const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'sctp-readme-'));
  try {
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const file = join(dir, 'example.ts');
    writeFileSync(file, code.replace("from '@tsrtc/sctp'", `from ${JSON.stringify(src)}`));
    const out = execFileSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) });
    t.same(out.trim().split('\n'), [
      'a: connected',
      'b: connected',
      'a: buffered-amount-low', // stream 1 emptied (threshold 0)
      'b: message on stream 1 of 5 bytes',
      'a: buffered-amount-low', // stream 3
      'a: total-buffered-amount-low',
      'b: message on stream 3 of 100000 bytes',
      'a: streams-reset-done',
      'b: stream-reset',
      'a: closed',
      'b: closed',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
