import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { loadDriver, assertCompatible } from '@virtkit/core';

// loadDriver imports real files through Node (not jest's module system), so these fixtures
// use the BUILT packages, like an out-of-tree driver would.
const fixtures = resolve(__dirname, 'fixtures');
const from = resolve(__dirname, '../../..');

describe('loadDriver', () => {
  it('loads a CJS driver package by name', async () => {
    const { driver, definition } = await loadDriver('@virtkit/sample-driver', { hostname: 'h1' }, { from });
    expect(definition.name).toBe('sample');
    expect(driver.capabilities.capabilities.lifecycle).toBe(true);
    expect(driver.hostApi.hostname).toBe('h1');
  });

  it('loads an ESM driver by relative path (named export `driver`), in a real Node process', () => {
    // jest's module system cannot import() ESM without a flag, so this runs the built core in a child process.
    const script = `
      const { loadDriver } = require('@virtkit/core');
      loadDriver('./esm-driver.mjs', {}, { from: ${JSON.stringify(fixtures)} })
        .then(({ definition, driver }) => console.log(JSON.stringify({ name: definition.name, driver: driver.capabilities.driver.name })))
        .catch((e) => { console.error(e.code, e.message); process.exit(1); });`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: from, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ name: 'esm-fixture', driver: 'sample' });
  });

  it.each([
    ['a missing package', '@virtkit/no-such-driver', 'DRIVER_LOAD_FAILED'],
    ['a missing file', './nope.cjs', 'DRIVER_LOAD_FAILED'],
    ['a module that is not a driver', './not-a-driver.cjs', 'DRIVER_LOAD_FAILED'],
    ['a create() that throws', './throws-on-create.cjs', 'DRIVER_LOAD_FAILED'],
    ['a create() that returns no DriverBase', './returns-plain-object.cjs', 'DRIVER_LOAD_FAILED'],
    ['an incompatible contract version', './future-contract.cjs', 'CONTRACT_MISMATCH'],
    ['an empty specifier', '', 'DRIVER_LOAD_FAILED'],
  ])('refuses %s with a typed error', async (_what, specifier, code) => {
    await expect(loadDriver(specifier, {}, { from: fixtures })).rejects.toMatchObject({ code });
  });

  it('checks contract versions with semver', () => {
    expect(() => assertCompatible('1.0.0')).not.toThrow();
    expect(() => assertCompatible('^1.0.0')).not.toThrow();
    expect(() => assertCompatible('0.9.0')).toThrow(expect.objectContaining({ code: 'CONTRACT_MISMATCH' }));
    expect(() => assertCompatible('1.5.0')).toThrow(expect.objectContaining({ code: 'CONTRACT_MISMATCH' }));
    expect(() => assertCompatible('not-a-version')).toThrow(expect.objectContaining({ code: 'CONTRACT_MISMATCH' }));
  });
});
