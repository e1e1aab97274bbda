// Build all packages with rollup, then compile the sample driver against the built .d.ts (not src).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync } from 'node:fs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
for (const p of ['core', 'conformance', 'memory', 'qemu', 'cli', 'remote', 'sample-driver'])
  rmSync(`packages/${p}/dist`, { recursive: true, force: true });
run('npx', ['rollup', '-c', '--silent']);
// rollup writes files without the executable bit; the `virtkit` bin needs it.
if (existsSync('packages/cli/dist/bin.cjs')) chmodSync('packages/cli/dist/bin.cjs', 0o755);
if (existsSync('packages/sample-driver/tsconfig.json'))
  run('npx', ['tsc', '-p', 'packages/sample-driver/tsconfig.json']);
