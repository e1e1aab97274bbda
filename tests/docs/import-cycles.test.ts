/**
 * `npm run lint` refuses import cycles among the packages' product code with scripts/check-import-cycles.mjs. This
 * test shows the check finds a cycle (through a static, a re-export and a dynamic import), ignores a cycle closed
 * only by `import type` (it vanishes when compiled), and that this repository has none.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/check-import-cycles.mjs');

function check(root: string): { code: number; output: string } {
  try {
    const output = execFileSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8', stdio: 'pipe' });
    return { code: 0, output };
  } catch (error) {
    const { status, stderr } = error as { status: number; stderr: string };
    return { code: status, output: stderr };
  }
}

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'virtkit-cycles-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

it('finds a cycle closed by a static import, a re-export and a dynamic import', () => {
  const root = tree({
    'packages/a/src/one.ts': "import {\n  two,\n} from './two.js';\nexport const one = (): number => two() + 1;\n",
    'packages/a/src/two.ts': "export { three as two } from './deep/three.js';\n",
    'packages/a/src/deep/three.ts': "export const three = (): Promise<unknown> => import('../one.js');\n",
  });
  made.push(root);
  const { code, output } = check(root);
  expect(code).toBe(1);
  expect(output).toMatch(/import cycles: 1 among 3 files/);
  // the cycle is printed from whichever of its files the walk met first, and closes on it
  const cycle = output.split('\n')[1].trim().split(' -> ');
  expect(cycle).toHaveLength(4);
  expect(cycle[3]).toBe(cycle[0]);
  expect(new Set(cycle)).toEqual(
    new Set(['packages/a/src/one.ts', 'packages/a/src/two.ts', 'packages/a/src/deep/three.ts']),
  );
});

it('ignores a cycle closed only by `import type`, and test files', () => {
  const root = tree({
    'packages/a/src/one.ts': "import type { Two } from './two.js';\nexport type One = Two[];\n",
    'packages/a/src/two.ts': "import { helper } from './one.js';\nexport type Two = typeof helper;\n",
    'packages/a/src/one.test.ts': "import './two.js';\n",
  });
  made.push(root);
  expect(check(root)).toEqual({ code: 0, output: expect.stringMatching(/none among 2 files/) });
});

it('this repository has no import cycle in packages/*/src', () => {
  expect(check(ROOT).code).toBe(0);
});
