import { resolve } from 'node:path';
import { DriverLoadError } from '@virtkit/core';
import { loadErrorHint } from '../src/driver/load-error-hint.js';
import { runCli } from './helpers/run-cli.js';

// The hint under a load error names the actual cause; only a missing file gets "check the path".
const fixture = (name: string): string => resolve(__dirname, 'fixtures', name);

describe('load error hints', () => {
  it('a wrong mixin order says to apply the prerequisite first, not to check the path', async () => {
    const run = await runCli(['inspect', fixture('wrong-mixin-order-driver.cjs')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("capability 'lifecycle.pause' needs 'lifecycle' applied first");
    expect(run.stderr).toContain('hint: the driver class applies a capability before its prerequisite');
    expect(run.stderr).toContain('withPause(withLifecycle(DriverBase))');
    expect(run.stderr).not.toContain('check the path');
  });

  it('a class that lacks hooks says to write them (and to build with noEmitOnError)', async () => {
    const run = await runCli(['inspect', fixture('missing-hook-driver.cjs')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('_pause');
    expect(run.stderr).toContain('hint: the driver class lacks hooks of a capability it applies');
    expect(run.stderr).not.toContain('check the path');
  });

  it('a module that throws at import blames its code', async () => {
    const run = await runCli(['inspect', fixture('import-throws-driver.cjs')]);
    expect(run.stderr).toContain('ACME_ENDPOINT is not set');
    expect(run.stderr).toContain('hint: the driver module threw while it was being imported');
    expect(run.stderr).not.toContain('check the path');
  });

  it('a module without a driver export says what to export', async () => {
    const run = await runCli(['inspect', fixture('no-export-driver.cjs')]);
    expect(run.stderr).toContain('hint: the module loads but exports no driver definition');
  });

  it('a create() that throws says the path is right', async () => {
    const run = await runCli(['inspect', fixture('create-throws-driver.cjs')]);
    expect(run.stderr).toContain('connection refused');
    expect(run.stderr).toContain('hint: the module loaded and exports a driver, but its create(hostApi) threw');
  });

  it('a missing file still says to check the path', async () => {
    const run = await runCli(['inspect', './no/such/driver.js']);
    expect(run.stderr).toContain('hint: check the path');
  });

  // (in-process under jest, a real missing import or a .ts file is resolved by jest itself: built by hand here)
  it("a missing dependency of the module says to install the driver package's dependencies", () => {
    const cause = Object.assign(new Error("Cannot find package 'acme-client'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = new DriverLoadError('./dist/index.js', 'importing /x/dist/index.js failed: Cannot find package', {
      cause,
    });
    expect(loadErrorHint('./dist/index.js', error, '/x')).toContain(
      'a module it imports is missing: run `npm install`',
    );
  });

  it('a file Node cannot parse says to point at the compiled module', () => {
    const error = new DriverLoadError('./src/index.ts', 'importing /x/src/index.ts failed: Unexpected token', {
      cause: new SyntaxError('Unexpected token'),
    });
    expect(loadErrorHint('./src/index.ts', error, '/x')).toContain(
      'point at the compiled module (e.g. ./dist/index.js)',
    );
  });
});
