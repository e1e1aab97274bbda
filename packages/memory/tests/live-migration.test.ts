import type { ProgressReport } from '@virtkit/core';
import { FLAVOR, codeOf, ctx, pair, ref, spawn, state, vif, volume } from './helpers';

const HOST_INFO = { hypervisorType: 'memory' };

/** The orchestrator's side of a live migration, up to (not including) `liveMigration`. */
async function prepare(a: any, b: any, uuid: string): Promise<any> {
  const instance = { uuid, flavor: FLAVOR };
  const destData = await b.checkCanLiveMigrateDestination(ctx, {
    instance,
    srcComputeInfo: HOST_INFO,
    dstComputeInfo: HOST_INFO,
  });
  await b.cleanupLiveMigrationDestinationCheck(ctx, { destCheckData: destData });
  const srcData = await a.checkCanLiveMigrateSource(ctx, { instance, destCheckData: destData });
  return b.preLiveMigration(ctx, { instance, migrateData: srcData });
}

describe('live migration', () => {
  it('moves a running instance with its volumes and NICs; it then exists on exactly one host', async () => {
    const { a, b } = pair();
    const nic = vif();
    const vol = volume();
    const uuid = await spawn(a, {
      networkInfo: [nic],
      blockDeviceInfo: { blockDeviceMapping: [{ mountDevice: 'vdb', connectionInfo: vol }] },
    });
    const migrateData = await prepare(a, b, uuid);
    expect(b.inspect()).toMatchObject({ incoming: 1, used: { vcpus: 2 } });
    const reports: ProgressReport[] = [];
    let posted = false;
    await a.liveMigration(
      { onProgress: (p) => reports.push(p) },
      {
        instance: { uuid },
        dest: 'host-b',
        migrateData,
        postMethod: () => void (posted = true),
      },
    );
    expect(posted).toBe(true);
    expect(reports.length).toBeGreaterThan(3);
    expect(reports[0]!.percent).toBe(0);
    expect(reports.at(-1)!.percent).toBe(100);
    await a.postLiveMigrationAtSource(ctx, { instance: { uuid }, networkInfo: [nic] });
    await b.postLiveMigrationAtDestination(ctx, { instance: { uuid }, networkInfo: [nic] });
    await a.postLiveMigration(ctx, { instance: { uuid } });
    expect(await a.instanceExists(ctx, ref(uuid))).toBe(false);
    expect(await state(b, uuid)).toBe(1);
    expect(a.inspect()).toMatchObject({ instances: 0, used: { vcpus: 0, memoryMb: 0, diskGb: 0 } });
    expect(b.inspect()).toMatchObject({ instances: 1, incoming: 0, used: { vcpus: 2, memoryMb: 2048, diskGb: 20 } });
    expect(b.fabric.volumes.holdersOf(vol.data.volumeId as string)).toEqual([uuid]);
    const diag = await b.getInstanceDiagnostics(ctx, ref(uuid));
    expect(diag.nicDetails.map((n: any) => n.macAddress)).toEqual([nic.address]);
  });

  it('a paused instance arrives paused', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    await a.pause(ctx, ref(uuid));
    const migrateData = await prepare(a, b, uuid);
    await a.liveMigration(ctx, { instance: { uuid }, dest: 'host-b', migrateData });
    await b.postLiveMigrationAtDestination(ctx, { instance: { uuid } });
    expect(await state(b, uuid)).toBe(3);
  });

  it("abort: liveMigration fails ABORTED (the contract's abort code), the instance keeps running on the source, nothing at the destination after rollback", async () => {
    const { a, b } = pair({ migration: { steps: 50, stepDelayMs: 10 } });
    const uuid = await spawn(a);
    const migrateData = await prepare(a, b, uuid);
    let recovered = false;
    let started!: () => void;
    const firstReport = new Promise<void>((resolve) => (started = resolve));
    const migration = a.liveMigration(
      { onProgress: (p) => p.percent > 0 && started() },
      {
        instance: { uuid },
        dest: 'host-b',
        migrateData,
        recoverMethod: () => void (recovered = true),
      },
    );
    await firstReport;
    expect(a.inspect().liveMigrations).toBe(1);
    await a.liveMigrationAbort(ctx, ref(uuid));
    expect(await codeOf(migration)).toBe('ABORTED');
    expect(recovered).toBe(true);
    await b.rollbackLiveMigrationAtDestination(ctx, { instance: { uuid } });
    await b.rollbackLiveMigrationAtDestination(ctx, { instance: { uuid } });
    expect(await state(a, uuid)).toBe(1);
    expect(await b.instanceExists(ctx, ref(uuid))).toBe(false);
    expect(b.inspect()).toMatchObject({ instances: 0, incoming: 0, used: { vcpus: 0, memoryMb: 0, diskGb: 0 } });
    expect(a.inspect()).toMatchObject({ liveMigrations: 0, used: { vcpus: 2 } });
    await a.liveMigrationAbort(ctx, ref(uuid));
  });

  it('force complete switches over at once', async () => {
    const { a, b } = pair({ migration: { steps: 1000, stepDelayMs: 20 } });
    const uuid = await spawn(a);
    const migrateData = await prepare(a, b, uuid);
    const reports: ProgressReport[] = [];
    let started!: () => void;
    const firstReport = new Promise<void>((resolve) => (started = resolve));
    const t0 = Date.now();
    const migration = a.liveMigration(
      { onProgress: (p) => (reports.push(p), p.percent > 0 && started()) },
      { instance: { uuid }, dest: 'host-b', migrateData },
    );
    await firstReport;
    await a.liveMigrationForceComplete(ctx, ref(uuid));
    await migration;
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(reports.some((r) => r.phase === 'switchover')).toBe(true);
    await b.postLiveMigrationAtDestination(ctx, { instance: { uuid } });
    expect(await state(b, uuid)).toBe(1);
    expect(await codeOf(a.liveMigrationForceComplete(ctx, ref(uuid)))).toBe('INSTANCE_NOT_FOUND');
    const other = await spawn(a);
    expect(await codeOf(a.liveMigrationForceComplete(ctx, ref(other)))).toBe('NOT_FOUND');
  });

  it('checks refuse what cannot work', async () => {
    const { a, b } = pair({ host: { vcpus: 2, cpuAllocationRatio: 1 } });
    const uuid = await spawn(a);
    await spawn(b, { instance: { flavor: { ...FLAVOR, vcpus: 1 } } });
    const instance = { uuid, flavor: FLAVOR };
    expect(
      await codeOf(
        b.checkCanLiveMigrateDestination(ctx, { instance, srcComputeInfo: HOST_INFO, dstComputeInfo: HOST_INFO }),
      ),
    ).toBe('MIGRATION_FAILED');
    expect(
      await codeOf(
        b.checkCanLiveMigrateDestination(ctx, {
          instance: { uuid },
          srcComputeInfo: { hypervisorType: 'qemu' },
          dstComputeInfo: HOST_INFO,
        }),
      ),
    ).toBe('MIGRATION_FAILED');
    expect(await codeOf(b.preLiveMigration(ctx, { instance, migrateData: {} }))).toBe('MIGRATION_FAILED');
    expect(
      await codeOf(
        a.checkCanLiveMigrateSource(ctx, { instance, destCheckData: { driverData: { destHost: 'host-a' } } }),
      ),
    ).toBe('MIGRATION_FAILED');
    expect(await codeOf(a.liveMigration(ctx, { instance, dest: 'nowhere' }))).toBe('MIGRATION_FAILED');
    expect(await codeOf(a.liveMigration(ctx, { instance, dest: 'host-a' }))).toBe('MIGRATION_FAILED');
    await a.powerOff(ctx, ref(uuid));
    expect(await codeOf(a.liveMigration(ctx, { instance, dest: 'host-b' }))).toBe('INVALID_STATE');
    expect(await state(a, uuid)).toBe(4);
  });

  it('the protocol order: liveMigration to a destination that was not prepared is INVALID_STATE naming preLiveMigration, and changes nothing', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    const error = await a.liveMigration(ctx, { instance: { uuid }, dest: 'host-b' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_STATE', message: expect.stringContaining('preLiveMigration') });
    expect(await state(a, uuid)).toBe(1);
    expect(b.inspect()).toMatchObject({ instances: 0, incoming: 0, used: { vcpus: 0 } });
    expect(a.inspect()).toMatchObject({ liveMigrations: 0, used: { vcpus: 2 } });
    // Prepared, it moves; rolled back after preparing, it is unprepared again.
    await prepare(a, b, uuid);
    await b.rollbackLiveMigrationAtDestination(ctx, { instance: { uuid } });
    expect(await codeOf(a.liveMigration(ctx, { instance: { uuid }, dest: 'host-b' }))).toBe('INVALID_STATE');
    await a.liveMigration(ctx, { instance: { uuid }, dest: 'host-b', migrateData: await prepare(a, b, uuid) });
    expect(b.inspect().used.vcpus).toBe(2);
    expect(await a.countInstances(ctx)).toBe(0);
  });

  it('a destination rolled back while the memory is copied refuses the switch-over: MIGRATION_FAILED, the instance stays on the source', async () => {
    const { a, b } = pair({ migration: { steps: 50, stepDelayMs: 5 } });
    const uuid = await spawn(a);
    const migrateData = await prepare(a, b, uuid);
    let started!: () => void;
    const firstReport = new Promise<void>((resolve) => (started = resolve));
    const migration = a.liveMigration(
      { onProgress: (p) => p.percent > 0 && started() },
      { instance: { uuid }, dest: 'host-b', migrateData },
    );
    await firstReport;
    await b.rollbackLiveMigrationAtDestination(ctx, { instance: { uuid } });
    expect(await codeOf(migration)).toBe('MIGRATION_FAILED');
    expect(await state(a, uuid)).toBe(1);
    expect(b.inspect()).toMatchObject({ instances: 0, incoming: 0, used: { vcpus: 0 } });
  });
});
