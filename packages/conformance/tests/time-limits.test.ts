/**
 * Every phase of a kit test has a time limit, and a test that timed out can
 * no longer create anything: a hook that never settles fails its tests (and
 * the run finishes), and what a timed-out test does after its timeout is
 * refused or cleaned up.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  KitClosedError,
  KitContext,
  runConformance,
  runPlannedTest,
  type ConformanceFixtures,
  type PlannedTest,
  type TestResult,
} from '@virtkit/conformance';
import { isVirtkitError, type OperationContext } from '@virtkit/core';
import { TinyDriver, type Req } from './helpers/tiny-driver';

const never = (): Promise<never> => new Promise<never>(() => undefined);

/** Power off never settles (a hung hypervisor call). */
class HangingPowerOffDriver extends TinyDriver {
  protected override async _powerOff(): Promise<void> {
    await never();
  }
}

/** initHost never settles. */
class HangingInitDriver extends TinyDriver {
  protected override async _initHost(): Promise<void> {
    await never();
  }
}

/** Spawn takes a while, then creates the guest whatever happened meanwhile. */
class SlowSpawnDriver extends TinyDriver {
  protected override async _spawn(c: OperationContext, r: Req): Promise<void> {
    await sleep(300);
    await super._spawn(c, r);
  }
}

function planned(run: (kit: KitContext) => Promise<void>, name = 'time-limit test'): PlannedTest {
  return { capability: 'lifecycle', kind: 'behaviour', test: { name, run } };
}

function result(results: readonly TestResult[], name: string | RegExp): TestResult {
  const found = results.find((r) => (typeof name === 'string' ? r.name === name : name.test(r.name)));
  if (!found) throw new Error(`no result ${String(name)}`);
  return found;
}

describe('a hook that never settles', () => {
  it('fails the tests that reach it, reports the instance cleanup could not remove, and the run finishes', async () => {
    const started = Date.now();
    const report = await runConformance({
      factory: () => new HangingPowerOffDriver({ hostname: 'tiny-host' }),
      only: ['lifecycle'],
      fixtures: { testTimeoutMs: 300 },
    });
    const elapsed = Date.now() - started;
    // The run ends: each test that reaches the hung hook costs at most its phase limits (the test's 300 ms, the
    // settle wait, the cleanup destroy), so the whole run is bounded by how many tests reach it, not by a fixed
    // wall time (the kit grows; a loaded machine stretches every phase a little).
    const hung = report.results.filter((r) => r.status === 'failed');
    for (const r of hung) expect(r.durationMs).toBeLessThan(6_000);
    expect(elapsed).toBeLessThan(hung.length * 6_000 + 10_000);
    const power = result(report.results, /^power off and on/);
    expect(power.status).toBe('failed');
    expect(power.reason).toMatch(/did not finish within 300 ms/);
    expect(power.reason).toMatch(/cleanup timed out; instance [0-9a-f-]{36} may be left behind/);
    expect(power.durationMs).toBeLessThan(4_000);
    // Tests that never power off are not affected.
    expect(result(report.results, /^spawn shows the instance/).status).toBe('passed');
    expect(result(report.results, /^destroy removes the instance/).status).toBe('passed');
    expect(report.results.filter((r) => r.capability === 'core').every((r) => r.status === 'passed')).toBe(true);
    expect(report.summary.failed).toBeGreaterThan(0);
  }, 90_000);

  it('in initHost fails the test within the phase limit, without running it', async () => {
    let ran = false;
    const started = Date.now();
    const r = await runPlannedTest(
      planned(async () => void (ran = true)),
      { factory: () => new HangingInitDriver(), fixtures: { testTimeoutMs: 100 } },
    );
    expect(r).toMatchObject({ status: 'failed' });
    expect(r.reason).toMatch(/^initHost did not finish within 1000 ms/);
    expect(ran).toBe(false);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('in a deferred cleanup, the leak check, a fixture release or dispose: each is reported, the test still ends', async () => {
    const fixtures: ConformanceFixtures = {
      testTimeoutMs: 100,
      createVolume: async () => ({
        connectionInfo: { driverVolumeType: 'file', data: {}, volumeId: 'v1' },
        release: never,
      }),
      leakCheck: never,
    };
    const started = Date.now();
    const r = await runPlannedTest(
      planned(async (kit) => {
        await kit.spawn();
        await kit.volume();
        kit.defer(never);
      }),
      { factory: () => new TinyDriver(), fixtures, dispose: never },
    );
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(r.status).toBe('failed');
    expect(r.reason).toContain('cleanup timed out after 1000 ms');
    expect(r.reason).toContain('leak check timed out after 1000 ms');
    expect(r.reason).toContain('fixture release timed out after 1000 ms');
    expect(r.reason).toContain('dispose timed out after 1000 ms');
  }, 15_000);

  it('in the factory fails the test', async () => {
    const r = await runPlannedTest(
      planned(async () => undefined),
      { factory: never, fixtures: { testTimeoutMs: 50 } },
    );
    expect(r).toMatchObject({ status: 'failed', reason: 'factory failed: factory did not finish within 1000 ms' });
  });
});

describe('a test that timed out', () => {
  it('cannot create instances after cleanup: kit.spawn is refused and the driver keeps nothing', async () => {
    const driver = new TinyDriver();
    let late: unknown;
    const r = await runPlannedTest(
      planned(async (kit) => {
        await kit.spawn();
        await sleep(200);
        try {
          await kit.spawn();
        } catch (error) {
          late = error;
          throw error;
        }
      }),
      { factory: () => driver, fixtures: { testTimeoutMs: 100 } },
    );
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/did not finish within 100 ms/);
    expect(late).toBeInstanceOf(KitClosedError);
    await sleep(200);
    expect(driver.guests.size).toBe(0);
  });

  it('has its context aborted: a driver call made with kit.ctx after the timeout is ABORTED and creates nothing', async () => {
    const driver = new TinyDriver();
    let signal: AbortSignal | undefined;
    let late: unknown;
    await runPlannedTest(
      planned(async (kit) => {
        signal = kit.ctx.signal;
        expect(signal?.aborted).toBe(false);
        await sleep(200);
        await kit.driver.spawn(kit.ctx, kit.spawnRequest()).catch((error: unknown) => void (late = error));
      }),
      { factory: () => driver, fixtures: { testTimeoutMs: 100 } },
    );
    expect(signal?.aborted).toBe(true);
    expect(isVirtkitError(late, 'ABORTED')).toBe(true);
    expect(driver.guests.size).toBe(0);
  });

  it('is cleaned up after it stops: a spawn still running at the timeout is destroyed once it completes', async () => {
    const driver = new SlowSpawnDriver();
    const r = await runPlannedTest(
      planned(async (kit) => void (await kit.spawn())),
      { factory: () => driver, fixtures: { testTimeoutMs: 100 } },
    );
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/did not finish within 100 ms/);
    expect(r.reason).not.toMatch(/left behind/);
    await sleep(400);
    expect(driver.guests.size).toBe(0);
  });

  it('that ignores its signal is waited for only a bounded time, then cleaned up anyway', async () => {
    const started = Date.now();
    const r = await runPlannedTest(
      planned(async () => await never()),
      { factory: () => new TinyDriver(), fixtures: { testTimeoutMs: 100 } },
    );
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/still had not stopped 2000 ms after its signal was aborted/);
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe('a closed KitContext', () => {
  it('refuses spawn, track, volume and migrationPair', async () => {
    let created = 0;
    const fixtures: ConformanceFixtures = {
      createVolume: async () => {
        created += 1;
        return {
          connectionInfo: { driverVolumeType: 'file', data: {}, volumeId: 'v' },
          release: async () => undefined,
        };
      },
      createMigrationPair: async () => {
        created += 1;
        return {
          source: new TinyDriver(),
          destination: new TinyDriver(),
          destinationHost: 'dst',
          release: async () => undefined,
        };
      },
    };
    const driver = new TinyDriver();
    const kit = new KitContext(driver, fixtures, 'closed');
    kit.close();
    expect(kit.closed).toBe(true);
    expect(() => kit.track('x')).toThrow(KitClosedError);
    await expect(kit.spawn()).rejects.toBeInstanceOf(KitClosedError);
    await expect(kit.volume()).rejects.toBeInstanceOf(KitClosedError);
    await expect(kit.migrationPair()).rejects.toBeInstanceOf(KitClosedError);
    expect(created).toBe(0);
    expect(driver.guests.size).toBe(0);
  });

  it('releases a volume whose creation finished after it closed', async () => {
    const events: string[] = [];
    let finish!: () => void;
    const fixtures: ConformanceFixtures = {
      createVolume: async () => {
        await new Promise<void>((resolve) => (finish = resolve));
        return {
          connectionInfo: { driverVolumeType: 'file', data: {}, volumeId: 'v' },
          release: async () => void events.push('released'),
        };
      },
    };
    const kit = new KitContext(new TinyDriver(), fixtures, 'late volume');
    const pending = kit.volume();
    await sleep(10);
    kit.abort(new Error('timed out'));
    finish();
    await expect(pending).rejects.toBeInstanceOf(KitClosedError);
    expect(events).toEqual(['released']);
    expect(kit.signal.aborted).toBe(true);
  });
});
