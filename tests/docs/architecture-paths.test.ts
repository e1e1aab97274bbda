/**
 * ARCHITECTURE.md names files and folders of this repository on almost every line. This test fails when one of
 * them does not exist any more, so that a move or rename cannot leave the page silently wrong.
 *
 * What counts as a reference: a link target, an inline code span, or a `packages/<name>` word of the layer
 * picture, that looks like a path. A path from the root (`packages/...`, `docs/...`, `.ci/run`, ...) must exist;
 * a bare or partial file name (`guarded-call.ts`, `suites/index.ts`) must end some file's path. `<family>` and
 * `*` stand for one path segment and must match at least one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const TOP_DIRS = ['.ci', '.github', 'packages', 'docs', 'scripts', 'tests', 'bench', 'examples'];
const FILE_LIKE = /^[\w.<>*/-]+\.(ts|mts|cts|mjs|cjs|js|md|json|ya?ml|sh)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '.git', '.cache', 'coverage', '.stryker-tmp']);

/** Every path-like reference of a Markdown text, without duplicates, in order of appearance. */
export function pathReferences(markdown: string): string[] {
  const found = new Set<string>();
  const consider = (raw: string): void => {
    const text = raw.trim().replace(/[.,:;)]+$/, '');
    if (text.includes(' ') || text.startsWith('@') || /^[a-z]+:\/\//.test(text) || text.startsWith('#')) return;
    const path = text.replace(/#.*$/, '');
    const fromRoot = TOP_DIRS.some((d) => path === d || path.startsWith(`${d}/`));
    if (fromRoot || FILE_LIKE.test(path)) found.add(path);
  };
  for (const m of markdown.matchAll(/\]\(([^)\s]+)\)/g)) consider(m[1]!);
  for (const m of markdown.matchAll(/`([^`\n]+)`/g)) consider(m[1]!);
  for (const m of markdown.matchAll(/(?:^|\s)(packages\/[a-z][\w-]*)(?=\s)/gm)) consider(m[1]!);
  return [...found];
}

/** All files and folders under the root (relative, `/`-separated), outside build output and dependencies. */
function repositoryEntries(dir = ROOT, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const rel = prefix + entry.name;
    out.push(rel);
    if (entry.isDirectory()) out.push(...repositoryEntries(join(dir, entry.name), `${rel}/`));
  }
  return out;
}

/** A path pattern as a regex: `<name>` and `*` match one segment (or part of one). */
function patternRegex(path: string, anchored: boolean): RegExp {
  const body = path
    .replace(/\/$/, '')
    .split(/(<[^>]+>|\*)/)
    .map((part, i) => (i % 2 === 1 ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`${anchored ? '^' : '(^|/)'}${body}$`);
}

/** True when the reference names something that exists. */
export function referenceExists(path: string, entries: readonly string[]): boolean {
  const fromRoot = TOP_DIRS.some((d) => path === d || path.startsWith(`${d}/`));
  const pattern = /[<*]/.test(path);
  if (fromRoot && !pattern)
    return existsSync(join(ROOT, path)) && (!path.endsWith('/') || statSync(join(ROOT, path)).isDirectory());
  if (!fromRoot && !pattern && existsSync(join(ROOT, path))) return true;
  const re = patternRegex(path, fromRoot);
  return entries.some((e) => re.test(e));
}

describe('ARCHITECTURE.md names only paths that exist', () => {
  const text = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const references = pathReferences(text);
  const entries = repositoryEntries();

  it('finds the page’s references (the check is not vacuous)', () => {
    expect(references.length).toBeGreaterThan(40);
    expect(references).toContain('packages/core/src/driver/guarded-call.ts');
    expect(references).toContain('packages/memory');
  });

  it('every referenced path exists', () => {
    const missing = references.filter((p) => !referenceExists(p, entries));
    expect(missing).toEqual([]);
  });

  it('reports a path that does not exist, a pattern without a match, and a bare name nobody has', () => {
    const sample = [
      'see [x](packages/core/src/no-such-file.ts) and `packages/core/src/<nope>/interface.ts`',
      'and `no-such-module-anywhere.ts`, but not `driver.pause(ctx)` or `@virtkit/core`',
    ].join('\n');
    const refs = pathReferences(sample);
    expect(refs).toEqual([
      'packages/core/src/no-such-file.ts',
      'packages/core/src/<nope>/interface.ts',
      'no-such-module-anywhere.ts',
    ]);
    expect(refs.filter((p) => referenceExists(p, entries))).toEqual([]);
    expect(referenceExists('packages/core/src/capabilities/<family>/interface.ts', entries)).toBe(true);
    expect(referenceExists('suites/index.ts', entries)).toBe(true);
  });
});
