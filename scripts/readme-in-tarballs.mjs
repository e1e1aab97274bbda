// Every workspace package's tarball carries a README.md (what the registry shows, and what a vendor who
// installs from packed tarballs reads). `npm pack --dry-run --json` lists exactly what `npm publish` would ship.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = JSON.parse(readFileSync('package.json', 'utf8'));
let failed = 0;
for (const dir of root.workspaces) {
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' }),
  );
  const readme = packed.files.find((f) => f.path === 'README.md');
  if (!readme || readme.size < 200) {
    console.log(
      `${pkg.name}: its tarball has ${readme ? 'an almost empty' : 'no'} README.md (add one, and "README.md" to ` +
        `"files")`,
    );
    failed++;
  } else {
    console.log(`${pkg.name}: README.md in the tarball (${readme.size} bytes)`);
  }
}
process.exit(failed ? 1 : 0);
