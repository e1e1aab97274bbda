// Run @arethetypeswrong/cli on the packed tarball of every publishable package; any problem fails.
// Each package is packed exactly as `npm publish` would (npm pack), so `files`, `exports` and the .d.ts/.d.mts
// layout are checked as consumers get them: node10, node16 from CJS and from ESM, bundler.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PACKAGES = ['core', 'conformance', 'memory', 'qemu', 'cli', 'remote'];
const attw = join('node_modules', '.bin', 'attw');
const dest = mkdtempSync(join(tmpdir(), 'virtkit-attw-'));
let failed = 0;
try {
  for (const name of PACKAGES) {
    const dir = `packages/${name}`;
    const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
    if (!existsSync(`${dir}/dist`)) {
      console.log(`${pkg.name}: skipped (not built; run npm run build)`);
      continue;
    }
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', dest], { cwd: dir, encoding: 'utf8' }),
    );
    try {
      // table output for people; the exit code (1 on any problem) for the verdict
      execFileSync(attw, [join(dest, packed.filename), '--format', 'table'], {
        stdio: 'inherit',
        env: { ...process.env, FORCE_COLOR: '0' },
      });
      console.log(`${pkg.name}: attw clean`);
    } catch {
      console.log(`${pkg.name}: attw found problems (see above)`);
      failed++;
    }
  }
} finally {
  rmSync(dest, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
