import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAPABILITY_NAMES } from '@virtkit/core';
import { fixturesNeeded, prerequisitesOf, readHookCatalogue } from '../src/index.js';
import { readCoreTypes } from '../src/commands/init-hook-catalogue.js';
import { runCli } from './helpers/run-cli.js';

// `virtkit init` without installing anything: what it writes and what it refuses.
// tests/init-packed.test.ts installs, builds and runs the kit on scaffolds from packed tarballs.
const work = mkdtempSync(join(tmpdir(), 'virtkit-init-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('virtkit init', () => {
  const catalogue = readHookCatalogue(readCoreTypes());

  it('reads a hook list for every capability and for the calls every driver has', () => {
    expect([...catalogue.keys()].sort()).toEqual(['core', ...CAPABILITY_NAMES].sort());
    expect(catalogue.get('core')!.map((h) => h.hook)).toEqual([
      '_initHost',
      '_getInfo',
      '_listInstances',
      '_getAvailableNodes',
      '_getHostIp',
    ]);
    expect(catalogue.get('lifecycle.pause')).toEqual([
      expect.objectContaining({
        hook: '_pause',
        params: 'ctx: OperationContext, request: PauseRequest',
        returns: 'Promise<void>',
        optional: false,
      }),
      expect.objectContaining({ hook: '_unpause', optional: false }),
    ]);
    expect(
      catalogue.get('migration.sharedStorage')!.find((h) => h.hook === '_checkInstanceSharedStorageCleanup')?.optional,
    ).toBe(true);
  });

  it('knows the prerequisites the mixins state', () => {
    expect(prerequisitesOf('lifecycle')).toEqual([]);
    expect(prerequisitesOf('lifecycle.pause')).toEqual(['lifecycle']);
    expect(prerequisitesOf('volume.extend')).toEqual(['lifecycle', 'volume']);
    expect(prerequisitesOf('inventory')).toEqual([]);
  });

  it('asks for the fixtures the kit suites need', () => {
    // the late-spawn failure path: without `failures` the kit reports it unverified
    expect(fixturesNeeded(['lifecycle'])).toEqual(['failures']);
    expect(fixturesNeeded(['lifecycle', 'volume', 'volume.extend'])).toEqual(['createVolume', 'failures']);
    expect(fixturesNeeded(['lifecycle', 'migration.live'])).toContain('createMigrationPair');
  });

  it('scaffolds one file per family holding every hook of the chosen capabilities', async () => {
    const caps = ['lifecycle', 'lifecycle.pause', 'console.vnc', 'volume', 'volume.extend'];
    const run = await runCli(['init', 'acme-driver', '--capabilities', caps.join(',')], { cwd: work });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const dir = join(work, 'acme-driver');
    for (const f of [
      'package.json',
      'tsconfig.json',
      'jest.config.cjs',
      'README.md',
      'src/index.ts',
      'src/driver.ts',
      'src/core.ts',
      'src/lifecycle.ts',
      'src/console.ts',
      'src/volume.ts',
      'src/kit-fixtures.ts',
      'src/backend.ts',
      'test/conformance.test.ts',
    ]) {
      expect(existsSync(join(dir, f))).toBe(true);
    }
    expect(existsSync(join(dir, 'src/network.ts'))).toBe(false);
    const source = (f: string): string => readFileSync(join(dir, 'src', f), 'utf8');
    for (const cap of ['core', ...caps]) {
      const file = cap === 'core' ? 'core.ts' : `${cap.split('.')[0]}.ts`;
      for (const h of catalogue.get(cap)!)
        expect(source(file)).toContain(`protected override ${h.hook}(${h.params}): ${h.returns} {`);
    }
    expect(source('driver.ts')).toContain('export class AcmeDriver extends VolumeHooks {');
    expect(source('driver.ts')).toContain("static override driverName = 'acme';");
    expect(source('volume.ts')).toContain('extends withVolumeExtend(withVolumes(ConsoleHooks))');
    expect(source('lifecycle.ts')).toContain('extends withPause(withLifecycle(CoreHooks))');
    expect(source('kit-fixtures.ts')).toContain('async createVolume(sizeBytes: number)');
    // failure fixtures, so the late-spawn test runs instead of ending unverified
    expect(source('kit-fixtures.ts')).toContain("standIn(driver).failures.failNext('spawn.boot');");
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'acme-driver', type: 'module', dependencies: { '@virtkit/core': '^0.1.0' } });
    expect(Object.keys(pkg.devDependencies)).toEqual(
      expect.arrayContaining(['@virtkit/cli', '@virtkit/conformance', 'typescript', 'jest']),
    );
    expect(JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')).compilerOptions).toMatchObject({
      strict: true,
      noEmitOnError: true,
    });
  });

  it('refuses a capability without its prerequisite, naming what to add, and writes nothing', async () => {
    const run = await runCli(['init', 'no-prereq', '--capabilities', 'lifecycle,volume.extend'], { cwd: work });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("virtkit: error: missing prerequisite capability: 'volume.extend' needs 'volume'");
    expect(run.stderr).toContain('--capabilities volume,lifecycle,volume.extend');
    expect(existsSync(join(work, 'no-prereq'))).toBe(false);
  });

  it('refuses an unknown capability with a suggestion', async () => {
    const run = await runCli(['init', 'typo', '--capabilities', 'lifecycle,lifecycle.paus'], { cwd: work });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("did you mean 'lifecycle.pause'?");
  });

  it('never writes into a non-empty directory', async () => {
    mkdirSync(join(work, 'taken'));
    writeFileSync(join(work, 'taken', 'keep.txt'), 'mine');
    const run = await runCli(['init', 'taken'], { cwd: work });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('exists and is not empty');
    expect(readFileSync(join(work, 'taken', 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('points the dependencies at packed tarballs with --tarballs, and says when one is missing', async () => {
    const tarballs = join(work, 'tarballs');
    mkdirSync(tarballs);
    for (const name of ['virtkit-core-0.1.0.tgz', 'virtkit-memory-0.1.0.tgz', 'virtkit-conformance-0.1.0.tgz'])
      writeFileSync(join(tarballs, name), '');
    const missing = await runCli(['init', 'from-tgz', '--tarballs', 'tarballs'], { cwd: work });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no tarball of @virtkit/cli in');
    writeFileSync(join(tarballs, 'virtkit-cli-0.1.0.tgz'), '');
    const run = await runCli(['init', 'from-tgz', '--tarballs', 'tarballs'], { cwd: work });
    expect(run.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(work, 'from-tgz', 'package.json'), 'utf8'));
    expect(pkg.dependencies['@virtkit/core']).toBe('file:../tarballs/virtkit-core-0.1.0.tgz');
    expect(pkg.devDependencies['@virtkit/cli']).toBe('file:../tarballs/virtkit-cli-0.1.0.tgz');
  });
});
