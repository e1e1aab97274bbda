// Regenerates src/gen from proto/ with buf + protoc-gen-es (both npm dev dependencies, no download).
// `--check`: generate into a temp dir and fail when the committed code differs (run by the tests).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = resolve(pkg, '../../node_modules/.bin');
const check = process.argv.includes('--check');
const out = mkdtempSync(join(tmpdir(), 'virtkit-remote-gen-'));
try {
  const template = JSON.stringify({
    version: 'v2',
    plugins: [{ local: join(bin, 'protoc-gen-es'), out, opt: ['target=ts', 'import_extension=js'] }],
  });
  execFileSync(join(bin, 'buf'), ['generate', '--template', template], { cwd: pkg, stdio: 'inherit' });
  const committed = join(pkg, 'src/gen');
  if (check) {
    const a = listFiles(out);
    const b = listFiles(committed);
    const stale = [...new Set([...a, ...b])].filter(
      (f) =>
        !a.includes(f) ||
        !b.includes(f) ||
        readFileSync(join(out, f), 'utf8') !== readFileSync(join(committed, f), 'utf8'),
    );
    if (stale.length > 0) {
      console.error(
        `src/gen is not current with proto/ (run npm run generate -w packages/remote): ${stale.join(', ')}`,
      );
      process.exitCode = 1;
    }
  } else {
    rmSync(committed, { recursive: true, force: true });
    cpSync(out, committed, { recursive: true });
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

function listFiles(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)];
  });
}
