// Issue #18: the caller's migration helpers run the whole protocol; every failure path leaves the instance
// where it was and no claim at the destination.
import { PowerState, coldMigrate, liveMigrate, type MigrationStepName, type ProgressReport } from '@virtkit/core';
import type { FailurePoint, MemoryDriver } from '@virtkit/memory';
import { FLAVOR, IMAGE, codeOf, ctx, pair, ref, spawn, state } from './helpers';

const EMPTY = { vcpus: 0, memoryMb: 0, diskGb: 0 };
const ONE = { vcpus: 2, memoryMb: 2048, diskGb: 20 };

function expectStayed(a: MemoryDriver, b: MemoryDriver, uuid: string, expected = PowerState.RUNNING): Promise<void> {
  expect(b.inspect()).toMatchObject({ instances: 0, incoming: 0, used: EMPTY });
  expect(a.inspect()).toMatchObject({ instances: 1, liveMigrations: 0, used: ONE });
  return state(a, uuid).then((s) => expect(s).toBe(expected));
}

describe('liveMigrate', () => {
  it('runs the protocol in the contract order, with progress, and the instance ends on the destination', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    const steps: MigrationStepName[] = [];
    const progress: ProgressReport[] = [];
    const result = await liveMigrate(
      a,
      b,
      { instance: { uuid, flavor: FLAVOR } },
      { onStep: (s) => steps.push(s), onProgress: (p) => progress.push(p) },
    );
    expect(steps).toEqual([
      'checkCanLiveMigrateDestination',
      'checkCanLiveMigrateSource',
      'cleanupLiveMigrationDestinationCheck',
      'preLiveMigration',
      'liveMigration',
      'postLiveMigration',
      'postLiveMigrationAtSource',
      'postLiveMigrationAtDestination',
    ]);
    expect(result).toMatchObject({ sourceHost: 'host-a', destinationHost: 'host-b' });
    expect(progress[0]!.percent).toBe(0);
    expect(progress.at(-1)!.percent).toBe(100);
    expect(await a.instanceExists(ctx, ref(uuid))).toBe(false);
    expect(await state(b, uuid)).toBe(PowerState.RUNNING);
    expect(b.inspect()).toMatchObject({ instances: 1, incoming: 0, used: ONE });
    expect(a.inspect()).toMatchObject({ instances: 0, used: EMPTY });
  });

  const failures: [FailurePoint, 'a' | 'b'][] = [
    ['checkCanLiveMigrateDestination', 'b'],
    ['checkCanLiveMigrateSource', 'a'],
    ['cleanupLiveMigrationDestinationCheck', 'b'],
    ['preLiveMigration', 'b'],
    ['liveMigration', 'a'],
  ];
  it.each(failures)(
    'a failure of %s leaves the instance running at the source and nothing at the destination',
    async (point, on) => {
      const { a, b } = pair();
      const uuid = await spawn(a);
      ({ a, b })[on].failures.failNext(point, 'MIGRATION_FAILED');
      expect(await codeOf(liveMigrate(a, b, { instance: { uuid, flavor: FLAVOR } }))).toBe('MIGRATION_FAILED');
      await expectStayed(a, b, uuid);
      // and the next attempt goes through
      await liveMigrate(a, b, { instance: { uuid, flavor: FLAVOR } });
      expect(await state(b, uuid)).toBe(PowerState.RUNNING);
    },
  );

  it('a failed post step comes after the move: the instance runs at the destination, the error is thrown', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    a.failures.failNext('postLiveMigrationAtSource', 'DRIVER_ERROR');
    const steps: MigrationStepName[] = [];
    expect(
      await codeOf(liveMigrate(a, b, { instance: { uuid, flavor: FLAVOR } }, { onStep: (s) => steps.push(s) })),
    ).toBe('DRIVER_ERROR');
    expect(steps.at(-1)).toBe('postLiveMigrationAtDestination'); // still attempted
    expect(await state(b, uuid)).toBe(PowerState.RUNNING);
  });

  it('the signal aborts a migration in flight: ABORTED, still running at the source, no claim at the destination', async () => {
    const { a, b } = pair({ migration: { steps: 200, stepDelayMs: 5 } });
    const uuid = await spawn(a);
    const controller = new AbortController();
    const onProgress = (p: ProgressReport): void => {
      if (p.percent > 0) controller.abort();
    };
    expect(
      await codeOf(
        liveMigrate(a, b, { instance: { uuid, flavor: FLAVOR } }, { signal: controller.signal, onProgress }),
      ),
    ).toBe('ABORTED');
    await expectStayed(a, b, uuid);
  });

  it('an already aborted signal changes nothing', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    const controller = new AbortController();
    controller.abort();
    expect(await codeOf(liveMigrate(a, b, { instance: { uuid, flavor: FLAVOR } }, { signal: controller.signal }))).toBe(
      'ABORTED',
    );
    await expectStayed(a, b, uuid);
  });
});

describe('a failed liveMigration without a failure callback', () => {
  it('leaves no claim at the destination', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    const instance = { uuid, flavor: FLAVOR };
    const destCheckData = await b.checkCanLiveMigrateDestination(ctx, {
      instance,
      srcComputeInfo: { host: 'host-a' },
      dstComputeInfo: { host: 'host-b' },
    });
    await b.cleanupLiveMigrationDestinationCheck(ctx, { destCheckData });
    const migrateData = await b.preLiveMigration(ctx, {
      instance,
      migrateData: await a.checkCanLiveMigrateSource(ctx, { instance, destCheckData }),
    });
    expect(b.inspect()).toMatchObject({ incoming: 1, used: ONE });
    a.failures.failNext('liveMigration', 'MIGRATION_FAILED');
    expect(await codeOf(a.liveMigration(ctx, { instance, dest: 'host-b', migrateData }))).toBe('MIGRATION_FAILED');
    await expectStayed(a, b, uuid);
  });
});

describe('coldMigrate', () => {
  it('moves the instance and keeps its power state', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    const steps: MigrationStepName[] = [];
    const result = await coldMigrate(
      a,
      b,
      { instance: { uuid, flavor: FLAVOR }, migrationId: 'm-1', imageMeta: IMAGE },
      { onStep: (s) => steps.push(s) },
    );
    expect(steps).toEqual(['migrateDiskAndPowerOff', 'finishMigration', 'confirmMigration']);
    expect(result).toMatchObject({ sourceHost: 'host-a', destinationHost: 'host-b', confirmed: true });
    expect(await a.instanceExists(ctx, ref(uuid))).toBe(false);
    expect(await state(b, uuid)).toBe(PowerState.RUNNING);
    expect(a.inspect()).toMatchObject({ instances: 0, used: EMPTY });
    const stopped = await spawn(a, { powerOn: false });
    await coldMigrate(a, b, { instance: { uuid: stopped, flavor: FLAVOR }, migrationId: 'm-2', imageMeta: IMAGE });
    expect(await state(b, stopped)).toBe(PowerState.SHUTDOWN);
  });

  it.each([
    ['migrateDiskAndPowerOff', 'a'],
    ['finishMigration', 'b'],
  ] as [FailurePoint, 'a' | 'b'][])(
    'a failure of %s leaves the instance as it was at the source, nothing at the destination',
    async (point, on) => {
      const { a, b } = pair();
      const uuid = await spawn(a);
      ({ a, b })[on].failures.failNext(point, 'MIGRATION_FAILED');
      expect(
        await codeOf(coldMigrate(a, b, { instance: { uuid, flavor: FLAVOR }, migrationId: 'm-1', imageMeta: IMAGE })),
      ).toBe('MIGRATION_FAILED');
      await expectStayed(a, b, uuid);
      await coldMigrate(a, b, { instance: { uuid, flavor: FLAVOR }, migrationId: 'm-2', imageMeta: IMAGE });
      expect(await state(b, uuid)).toBe(PowerState.RUNNING);
    },
  );
});
