import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const GENERATOR = resolve(__dirname, '../../scripts/nova/generate-nova-table.mjs');
const LISTER = resolve(__dirname, '../../packages/nova-adapter/tests/list-nova-driver-methods.py');
const METHODS = resolve(__dirname, '../../packages/nova-adapter/nova26-driver-methods.txt');

/** The generated "every call" tables of docs/nova.md, and the list of Nova's calls they are made from. */
describe('docs/nova.md, generated part', () => {
  it('is what scripts/nova/generate-nova-table.mjs generates (no drift)', async () => {
    const { stdout } = await run(process.execPath, [GENERATOR, '--check'], { timeout: 120_000 });
    expect(stdout).toContain('up to date');
  }, 130_000);

  it("lists exactly the public calls of the installed Nova's ComputeDriver", async () => {
    // Debian's python3-nova (scripts/install-system-deps.sh); the same Python the Nova suites run in.
    const { stdout } = await run('/usr/bin/python3', [LISTER], { timeout: 120_000 });
    const listed = readFileSync(METHODS, 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean);
    expect(stdout.trim().split('\n')).toEqual(listed);
  }, 130_000);
});
