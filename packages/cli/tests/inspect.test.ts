import { CAPABILITY_NAMES, FEATURE_FLAGS } from '@virtkit/core';
import type { InspectReport } from '../src/index.js';
import { runCli, SAMPLE } from './helpers/run-cli.js';

describe('virtkit inspect', () => {
  it('prints identity, capabilities by family, feature flags, traits and image types', async () => {
    const run = await runCli(['inspect', SAMPLE]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('sample 0.1.0 - sample driver built against the published types');
    expect(run.stdout).toContain(`Capabilities (2 of ${CAPABILITY_NAMES.length} advertised)`);
    expect(run.stdout).toMatch(/^ {2}lifecycle\s+lifecycle, lifecycle\.pause$/m);
    expect(run.stdout).toMatch(/^ {2}volume\s+-$/m);
    expect(run.stdout).toMatch(/^Feature flags \(0 supported, 0 unknown, \d+ unsupported\)$/m);
    expect(run.stdout).toMatch(/^ {2}multiattach\s+unsupported\s+volume\s+COMPUTE_VOLUME_MULTI_ATTACH$/m);
    expect(run.stdout).toContain('Scheduler traits');
    expect(run.stdout).toContain('Image types');
  });

  it('--json has the documented shape', async () => {
    const run = await runCli(['inspect', SAMPLE, '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as InspectReport;
    expect(Object.keys(report)).toEqual([
      'driver',
      'contractVersion',
      'capabilities',
      'allCapabilities',
      'features',
      'traits',
      'imageTypes',
    ]);
    expect(report.driver).toEqual({ name: 'sample', version: '0.1.0' });
    expect(report.capabilities).toEqual({ lifecycle: ['lifecycle', 'lifecycle.pause'] });
    expect(Object.keys(report.allCapabilities)).toEqual([...CAPABILITY_NAMES]);
    expect(report.allCapabilities['lifecycle.pause']).toBe(true);
    expect(Object.keys(report.features).sort()).toEqual(Object.keys(FEATURE_FLAGS).sort());
    expect(Array.isArray(report.traits)).toBe(true);
    expect(Array.isArray(report.imageTypes)).toBe(true);
  });

  it('loads a module path given without ./ (as shells complete it)', async () => {
    const run = await runCli(['inspect', 'packages/cli/tests/fixtures/broken-driver.cjs', '--json']);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as InspectReport).driver.name).toBe('broken');
  });

  it('needs a driver argument (exit 2)', async () => {
    const run = await runCli(['inspect']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing required argument 'driver'");
  });

  it('a driver that cannot be loaded exits 2 with a hint', async () => {
    const run = await runCli(['inspect', 'no-such-driver-package']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('virtkit: error: cannot load driver');
    expect(run.stderr).toContain('virtkit: hint:');
  });
});
