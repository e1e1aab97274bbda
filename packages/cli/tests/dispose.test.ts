import { BAD_FIXTURES_DRIVER, BAD_MAP_DRIVER, CLOSING_DRIVER, closeLog, runCli } from './helpers/run-cli.js';

// Drivers the CLI creates are closed on every path, errors included.
beforeEach(() => closeLog.clearCloseLog());
afterAll(() => closeLog.clearCloseLog());

describe('driver disposal', () => {
  it('matrix closes each driver once its map is read', async () => {
    const run = await runCli(['matrix', CLOSING_DRIVER, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(closeLog.readCloseLog()).toEqual(['closing']);
  });

  it('matrix closes the drivers loaded before a later driver fails to load', async () => {
    const run = await runCli(['matrix', CLOSING_DRIVER, './no-such-driver.cjs']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot load driver './no-such-driver.cjs'");
    expect(closeLog.readCloseLog()).toEqual(['closing']);
  });

  it("matrix --verify closes every loaded driver when a driver's fixtures fail", async () => {
    const run = await runCli(['matrix', BAD_FIXTURES_DRIVER, CLOSING_DRIVER, '--verify']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "virtkit: error: the conformance fixtures of driver 'bad-fixtures' failed: no test image here",
    );
    expect(closeLog.readCloseLog().sort()).toEqual(['bad-fixtures', 'closing']);
  });

  it('inspect closes the driver when building the report throws', async () => {
    const run = await runCli(['inspect', BAD_MAP_DRIVER]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('virtkit: unexpected error');
    expect(closeLog.readCloseLog()).toEqual(['bad-map']);
  });

  it('inspect closes the driver on success', async () => {
    const run = await runCli(['inspect', CLOSING_DRIVER, '--json']);
    expect(run.code).toBe(0);
    expect(closeLog.readCloseLog()).toEqual(['closing']);
  });
});
