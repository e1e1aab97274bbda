/**
 * Every ```ts block of docs/caller-guide.md is a small program: this test runs each one (TypeScript stripped
 * by esbuild) with Node against the BUILT packages and the embedded default driver, @virtkit/memory.
 * `npm run test:docs` type-checks the same blocks; together they keep the guide true (issue #18).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { transformSync } from 'esbuild';

const ROOT = resolve(__dirname, '../..');
const GUIDE = join(ROOT, 'docs/caller-guide.md');
// Inside the repository, so that `@virtkit/*` resolve to the workspace packages.
const OUT = join(ROOT, '.cache/caller-guide-run');

function samples(): [string, string][] {
  const text = readFileSync(GUIDE, 'utf8');
  const found: [string, string][] = [];
  const re = /^```ts\s*\n([\s\S]*?)^```/gm;
  let m;
  while ((m = re.exec(text))) {
    const line = text.slice(0, m.index).split('\n').length;
    found.push([`line ${line}`, m[1]!]);
  }
  return found;
}

describe('docs/caller-guide.md samples run against @virtkit/memory', () => {
  beforeAll(() => mkdirSync(OUT, { recursive: true }));
  afterAll(() => rmSync(OUT, { recursive: true, force: true }));

  it('has samples', () => expect(samples().length).toBeGreaterThan(8));

  it.each(samples())(
    'the sample at %s runs to completion',
    (where, source) => {
      const file = join(OUT, `${where.replace(/\W+/g, '-')}.mjs`);
      writeFileSync(file, transformSync(source, { loader: 'ts', format: 'esm', target: 'node20' }).code);
      try {
        execFileSync(process.execPath, [file], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8', timeout: 60_000 });
      } catch (error) {
        const e = error as { stderr?: string; stdout?: string };
        throw new Error(
          `the caller-guide sample at ${where} failed (built packages: run \`npm run build\` ` +
            `first):\n${e.stderr ?? String(error)}\n${e.stdout ?? ''}`,
        );
      }
    },
    70_000,
  );
});
