// Compile every ```ts block of docs/*.md (and README.md, ARCHITECTURE.md, packages/*/README.md) against the BUILT
// packages, so docs cannot rot.
// A block may name its file (```ts file=acme-driver.ts) so that later blocks of the same doc can import it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const out = '.cache/doc-samples';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const docs = [
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f)),
  'README.md',
  'ARCHITECTURE.md',
  // Each package's README is what the registry shows: its samples compile like the docs' do.
  ...readdirSync('packages')
    .map((p) => join('packages', p, 'README.md'))
    .filter((f) => existsSync(f)),
];
let count = 0;
for (const doc of docs) {
  const dir = join(out, doc.replace(/[/.]/g, '_'));
  mkdirSync(dir, { recursive: true });
  const text = readFileSync(doc, 'utf8');
  const re = /^```ts(?:\s+file=(\S+))?\s*\n([\s\S]*?)^```/gm;
  let m;
  let n = 0;
  while ((m = re.exec(text))) {
    const name = m[1] ?? `sample-${++n}.ts`;
    writeFileSync(join(dir, name), `// from ${doc}\n${m[2]}`);
    count++;
  }
}
writeFileSync(
  join(out, 'tsconfig.json'),
  JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node', 'jest'],
        typeRoots: ['../../node_modules/@types'],
      },
      include: ['**/*.ts'],
    },
    null,
    2,
  ),
);
try {
  execFileSync('npx', ['tsc', '-p', join(out, 'tsconfig.json')], { stdio: 'inherit' });
  console.log(`doc samples: ${count} code blocks compiled against the built packages`);
} catch {
  console.error('doc samples: FAILED (see errors above; file names say which doc)');
  process.exit(1);
}
