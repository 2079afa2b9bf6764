import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const require = createRequire(import.meta.url);

/** An installed package's version, even when its `exports` hide package.json. */
export function packageVersion(name: string): string {
  let dir: string;
  try { dir = path.dirname(require.resolve(name)); } catch { return 'not installed'; }
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name) return pkg.version ?? '?';
  }
  return '?';
}
