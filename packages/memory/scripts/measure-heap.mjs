// Bundle measure-heap.ts (with the workspace sources) and run it with --expose-gc.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(mkdtempSync(join(tmpdir(), 'virtkit-heap-')), 'measure-heap.cjs');
await build({
  entryPoints: [join(here, 'measure-heap.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: out,
  tsconfig: join(here, '../../../tsconfig.json'),
  logLevel: 'warning',
});
execFileSync(process.execPath, ['--expose-gc', out], { stdio: 'inherit', env: process.env });
