import type { ConformanceReport } from '@virtkit/conformance';
import { CAPABILITY_NAMES } from '@virtkit/core';
import { BROKEN_DRIVER, lastLine, runCli, SAMPLE } from './helpers/run-cli.js';
import { useTempDirs } from './helpers/use-temp-dirs.js';

const tempDir = useTempDirs();

const SUMMARY_LINE = /^(\d+) passed, (\d+) failed, (\d+) skipped(?:, \d+ unverified)?$/;

describe('virtkit conformance', () => {
  it('prints a progress line per test, a summary table, and the exact last line; exit 0', async () => {
    const run = await runCli(['conformance', '--driver', SAMPLE]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const match = SUMMARY_LINE.exec(lastLine(run.stdout));
    expect(match).not.toBeNull();
    const [passed, failed, skipped] = match!.slice(1).map(Number);
    expect(failed).toBe(0);
    const progress = run.stdout.split('\n').filter((l) => /^(ok {2}|FAIL|skip) /.test(l));
    expect(progress).toHaveLength(passed! + failed! + skipped!);
    expect(run.stdout).toMatch(/^capability\s+passed\s+failed\s+skipped$/m);
    // pause's own tests and its walks (the usage and attachment walks need inventory / volumes the sample lacks)
    expect(run.stdout).toMatch(/^lifecycle\.pause\s+6\s+0\s+2$/m);
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('--json prints only the report', async () => {
    const run = await runCli(['conformance', '--driver', SAMPLE, '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ConformanceReport;
    expect(report.driver).toEqual({ name: 'sample', version: '0.1.0' });
    expect(report.capabilities).toEqual(['lifecycle', 'lifecycle.pause']);
    expect(report.results.length).toBeGreaterThan(0);
    for (const r of report.results) {
      expect(typeof r.capability).toBe('string');
      expect(typeof r.name).toBe('string');
      expect(['passed', 'failed', 'skipped', 'unverified']).toContain(r.status);
      expect(typeof r.durationMs).toBe('number');
      expect(r.reason === undefined || typeof r.reason === 'string').toBe(true);
    }
    // nothing fails; what is not passed is skipped for a capability the sample lacks, or unverified (no failure
    // fixtures)
    const count = (status: string): number => report.results.filter((r) => r.status === status).length;
    expect(report.summary).toEqual({
      passed: count('passed'),
      failed: 0,
      skipped: count('skipped'),
      unverified: count('unverified'),
    });
    expect(report.results.filter((r) => r.status === 'skipped').every((r) => /^needs /.test(r.reason ?? ''))).toBe(
      true,
    );
    expect(
      report.results.filter((r) => r.status === 'unverified').every((r) => /fixtures\.failures/.test(r.reason ?? '')),
    ).toBe(true);
  });

  it('--only runs the core tests and the named capabilities', async () => {
    const run = await runCli(['conformance', '--driver', SAMPLE, '--json', '--only', 'lifecycle.pause, volume']);
    const report = JSON.parse(run.stdout) as ConformanceReport;
    expect(run.code).toBe(0);
    expect(new Set(report.results.map((r) => r.capability))).toEqual(new Set(['core', 'lifecycle.pause', 'volume']));
  });

  it('--skip reports the capability as skipped', async () => {
    const run = await runCli(['conformance', '--driver', SAMPLE, '--json', '--skip', 'lifecycle.pause']);
    const report = JSON.parse(run.stdout) as ConformanceReport;
    const pause = report.results.filter((r) => r.capability === 'lifecycle.pause');
    expect(pause.length).toBeGreaterThan(0);
    expect(pause.every((r) => r.status === 'skipped' && r.reason?.includes('--skip'))).toBe(true);
    expect(report.results.filter((r) => r.status === 'skipped' && r.reason?.includes('--skip')).length).toBe(
      pause.length,
    );
    expect(run.code).toBe(0);
  });

  it('a bad --only value exits 2 and suggests the right name', async () => {
    const run = await runCli(['conformance', '--driver', SAMPLE, '--only', 'lifecycle.paus']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("unknown capability 'lifecycle.paus' (did you mean 'lifecycle.pause'?) in --only");
    expect(run.stderr).toContain('hint:');
  });

  it('an empty --skip exits 2', async () => {
    const run = await runCli(['conformance', '--driver', SAMPLE, '--skip', ' , ']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--skip needs at least one capability name');
  });

  it('a driver that is not installed exits 2 and says what to do', async () => {
    const run = await runCli(['conformance', '--driver', '@virtkit/no-such-driver']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("cannot load driver '@virtkit/no-such-driver'");
    expect(run.stderr).toContain('[DRIVER_LOAD_FAILED]');
    expect(run.stderr).toContain('hint: install it (npm install @virtkit/no-such-driver;');
  });

  it('a missing path exits 2 and names the directory it was resolved from', async () => {
    const run = await runCli(['conformance', '--driver', './no/such/driver.js']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('hint: check the path');
  });

  it('without --driver runs the embedded default, @virtkit/memory, with 0 failed', async () => {
    const run = await runCli(['conformance', '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ConformanceReport;
    expect(report.driver.name).toBe('memory');
    expect(report.summary.failed).toBe(0);
    expect(report.capabilities.length).toBe(CAPABILITY_NAMES.length);
  });

  it('runs the model-based sequences by default; --sequences and --seed choose how many and replay', async () => {
    const run = await runCli(['conformance', '--driver', SAMPLE, '--json', '--sequences', '5', '--seed', '7']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as ConformanceReport;
    expect(report.modelBased).toMatchObject({ passed: true, sequences: 5, requested: 5, seed: 7 });
    const model = report.results.find((r) => r.name.startsWith('model-based: '));
    expect(model).toMatchObject({ capability: 'core', status: 'passed' });
    const bad = await runCli(['conformance', '--driver', SAMPLE, '--sequences', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sequences must be a whole number >= 0');
  });

  it('a driver that cannot be found says how to choose another', async () => {
    const run = await runCli(['conformance', '--driver', '@virtkit/not-installed'], { cwd: tempDir('virtkit-cli-') });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot load driver '@virtkit/not-installed'");
  });

  it('a failing test exits 1 and is listed again under Failures', async () => {
    const run = await runCli(['conformance', '--driver', BROKEN_DRIVER]);
    expect(run.code).toBe(1);
    expect(lastLine(run.stdout)).toMatch(/^\d+ passed, 1 failed, \d+ skipped(, \d+ unverified)?$/);
    expect(run.stdout).toContain('Failures (1):');
    expect(run.stdout).toMatch(/^FAIL core: nodes: /m);
  });

  it('colours only on a TTY without NO_COLOR; the last line is never coloured', async () => {
    const args = ['conformance', '--driver', SAMPLE, '--only', 'lifecycle.pause'];
    const tty = await runCli(args, { isTTY: true });
    expect(tty.stdout).toContain('\u001b[32m');
    expect(lastLine(tty.stdout)).toMatch(SUMMARY_LINE);
    const noColor = await runCli(args, { isTTY: true, env: { NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain('\u001b[');
  });
});
