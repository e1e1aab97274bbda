/**
 * docs/capabilities.md and docs/support-matrix.md are generated from the contract manifest and the drivers'
 * capability maps by scripts/generate-docs.mjs, from the BUILT packages (npm test runs after npm run build).
 * This test regenerates them into a temporary directory and fails when the committed copies are stale.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readHookCatalogue } from '@virtkit/cli';

const ROOT = resolve(__dirname, '../..');
const GENERATOR = join(ROOT, 'scripts/generate-docs.mjs');
const GENERATED = ['capabilities.md', 'support-matrix.md', 'implementor-reference.md'] as const;

describe('generated docs (scripts/generate-docs.mjs)', () => {
  const out = mkdtempSync(join(tmpdir(), 'virtkit-generated-docs-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  beforeAll(() => {
    try {
      execFileSync(process.execPath, [GENERATOR, '--out-dir', out], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      throw new Error(
        `scripts/generate-docs.mjs failed (it reads the built packages: run \`npm run build\` first):\n${stderr}`,
      );
    }
  }, 120_000);

  it.each(GENERATED)('docs/%s is up to date (else: run `npm run docs` and commit the result)', (name) => {
    const committedPath = join(ROOT, 'docs', name);
    const generated = readFileSync(join(out, name), 'utf8');
    if (!existsSync(committedPath))
      throw new Error(`docs/${name} is missing: run \`npm run docs\` and commit the result`);
    const committed = readFileSync(committedPath, 'utf8');
    if (committed !== generated) throw new Error(staleMessage(name, committed, generated));
  });

  it('the implementor reference has a section for every capability and names every hook', () => {
    const text = readFileSync(join(out, 'implementor-reference.md'), 'utf8');
    const catalogue = readHookCatalogue(readFileSync(join(ROOT, 'packages/core/dist/index.d.ts'), 'utf8'));
    for (const [capability, hooks] of catalogue) {
      if (capability !== 'core') expect(text).toContain(`### \`${capability}\``);
      for (const { hook } of hooks) expect(text).toContain(`\`${hook}`);
    }
  });

  it('the support matrix carries no generation time (it must not change between runs)', () => {
    expect(readFileSync(join(out, 'support-matrix.md'), 'utf8')).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });
});

/** Say which file is stale, how to fix it, and where it first differs. */
function staleMessage(name: string, committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  let line = 0;
  while (line < Math.max(a.length, b.length) && a[line] === b[line]) line++;
  return [
    `docs/${name} is stale: it differs from what scripts/generate-docs.mjs produces from the contract manifest`,
    'and the built packages. Run `npm run docs` (after `npm run build`) and commit the result.',
    `First difference at line ${line + 1}:`,
    `  committed: ${a[line] ?? '(end of file)'}`,
    `  generated: ${b[line] ?? '(end of file)'}`,
  ].join('\n');
}
