import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SupportMatrix } from '../src/index.js';
import { BROKEN_DRIVER, runCli, SAMPLE } from './helpers/run-cli.js';
import { useTempDirs } from './helpers/use-temp-dirs.js';

const tempDir = useTempDirs();

function cell(matrix: SupportMatrix, capability: string, driver: string) {
  return matrix.families.flatMap((f) => f.capabilities).find((r) => r.name === capability)?.cells[driver];
}

describe('virtkit matrix', () => {
  it('defaults to Markdown: one table per family', async () => {
    const run = await runCli(['matrix', SAMPLE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^# virtkit support matrix$/m);
    for (const family of ['core', 'lifecycle', 'console', 'volume', 'diagnostics'])
      expect(run.stdout).toMatch(new RegExp(`^## ${family}$`, 'm'));
    expect(run.stdout).toContain('| capability | status | reference calls | sample |');
    expect(run.stdout).toMatch(/^\| `lifecycle` \| mandatory \| `spawn`.* \| ✅ complete/m);
    expect(run.stdout).toMatch(/^\| `volume\.swap` \| optional \| `swap_volume` \| ❌ missing \|$/m);
  });

  it('--format json has the documented shape', async () => {
    const run = await runCli(['matrix', SAMPLE, '--format', 'json']);
    expect(run.code).toBe(0);
    const matrix = JSON.parse(run.stdout) as SupportMatrix;
    expect(Number.isNaN(Date.parse(matrix.generatedAt))).toBe(false);
    expect(matrix.drivers).toEqual([{ name: 'sample', version: '0.1.0' }]);
    const lifecycle = matrix.families.find((f) => f.family === 'lifecycle')!;
    expect(lifecycle.capabilities[0]).toMatchObject({
      name: 'lifecycle',
      status: 'mandatory',
      referenceCalls: expect.arrayContaining(['spawn']),
    });
    expect(cell(matrix, 'lifecycle', 'sample')).toMatchObject({ state: 'complete', note: expect.any(String) });
    expect(cell(matrix, 'lifecycle.suspend', 'sample')?.state).toBe('missing');
  });

  it('--format html prints one page with data attributes', async () => {
    const run = await runCli(['matrix', SAMPLE, '--format', 'html']);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(run.stdout).toMatch(
      /<tr data-family="lifecycle" data-capability="lifecycle">.*data-state="complete" data-driver="sample"/,
    );
  });

  it('--verify runs the kit: lifecycle complete for the sample driver', async () => {
    const run = await runCli(['matrix', SAMPLE, '--format', 'json', '--verify']);
    expect(run.code).toBe(0);
    const matrix = JSON.parse(run.stdout) as SupportMatrix;
    expect(matrix.verified).toBe(true);
    expect(cell(matrix, 'lifecycle', 'sample')).toMatchObject({
      state: 'complete',
      note: expect.stringMatching(/^(\d+) of \1 kit tests passed/),
    });
    expect(cell(matrix, 'core', 'sample')?.state).toBe('complete');
    expect(cell(matrix, 'volume', 'sample')?.state).toBe('missing');
    expect(run.stderr).toContain('virtkit: sample: ');
  });

  it('--verify marks a capability with failing tests partial, naming the tests', async () => {
    const run = await runCli(['matrix', SAMPLE, BROKEN_DRIVER, '--format', 'json', '--verify']);
    const matrix = JSON.parse(run.stdout) as SupportMatrix;
    expect(matrix.drivers.map((d) => d.name)).toEqual(['sample', 'broken']);
    expect(cell(matrix, 'core', 'broken')).toMatchObject({
      state: 'partial',
      note: expect.stringContaining('nodes: at least one node'),
    });
    expect(cell(matrix, 'core', 'sample')?.state).toBe('complete');
    expect(run.code).toBe(0);
  });

  it('--out writes the file', async () => {
    const dir = tempDir('virtkit-matrix-');
    const run = await runCli(['matrix', SAMPLE, '--format', 'md', '--out', join(dir, 'sub', 'matrix.md')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('wrote ');
    expect(readFileSync(join(dir, 'sub', 'matrix.md'), 'utf8')).toContain('## lifecycle');
  });

  it('a bad --format exits 2', async () => {
    const run = await runCli(['matrix', SAMPLE, '--format', 'pdf']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Allowed choices are md, json, html');
  });

  it('a named driver that cannot be loaded exits 2, before any kit runs', async () => {
    const run = await runCli(['matrix', SAMPLE, '@virtkit/nope', '--verify']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot load driver '@virtkit/nope'");
    expect(run.stderr).not.toContain('verifying');
    expect(run.stdout).toBe('');
  });

  it('skips default drivers that are not installed, with a warning; none at all exits 2', async () => {
    const run = await runCli(['matrix'], {
      cwd: tempDir('virtkit-matrix-'),
      env: { VIRTKIT_DRIVERS: '@virtkit/not-installed-a,@virtkit/not-installed-b' },
    });
    expect(run.stderr).toContain('virtkit: warning: skipping @virtkit/not-installed-a');
    expect(run.stderr).toContain('virtkit: warning: skipping @virtkit/not-installed-b');
    expect(run.stderr).toContain('hint: install one of them, or name the drivers');
    expect(run.code).toBe(2);
  });
});
