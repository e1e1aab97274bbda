import { FLAVOR, IMAGE, codeOf, ctx, driver, pair, ref, spawn, state, volume } from './helpers';

const BIGGER = { ...FLAVOR, name: 'm1.medium', vcpus: 4, memoryMb: 4096, rootGb: 40 };
const migration = (source: string, dest: string) => ({ id: 'mig-1', sourceCompute: source, destCompute: dest });

describe('cold migration and resize', () => {
  it('to another host, confirmed: the instance ends on the destination with its new size and volumes', async () => {
    const { a, b } = pair();
    const vol = volume();
    const uuid = await spawn(a, {
      blockDeviceInfo: { blockDeviceMapping: [{ mountDevice: 'vdb', connectionInfo: vol }] },
    });
    const instance = { uuid, flavor: FLAVOR };
    const disks = await a.migrateDiskAndPowerOff(ctx, { instance, dest: 'host-b', flavor: BIGGER });
    expect(disks).toEqual([expect.objectContaining({ type: 'qcow2', virtualSizeBytes: 20 * 1024 ** 3 })]);
    expect(await state(a, uuid)).toBe(4);
    await b.finishMigration(ctx, {
      instance: { ...instance, flavor: BIGGER },
      migration: migration('host-a', 'host-b'),
      diskInfo: disks,
      imageMeta: IMAGE,
      resizeInstance: true,
    });
    expect(await b.getInfo(ctx, ref(uuid))).toMatchObject({ state: 1, numCpu: 4 });
    expect(b.inspect().used).toEqual({ vcpus: 4, memoryMb: 4096, diskGb: 40 });
    expect(a.fabric.volumes.holdersOf(vol.data.volumeId as string)).toEqual([uuid]);
    await a.confirmMigration(ctx, { instance, migration: migration('host-a', 'host-b') });
    await a.confirmMigration(ctx, { instance, migration: migration('host-a', 'host-b') });
    expect(await a.instanceExists(ctx, ref(uuid))).toBe(false);
    expect(a.inspect().used).toEqual({ vcpus: 0, memoryMb: 0, diskGb: 0 });
    expect(b.fabric.volumes.holdersOf(vol.data.volumeId as string)).toEqual([uuid]);
    expect(await b.getInstanceDiskInfo(ctx, { instance })).toEqual([
      expect.objectContaining({ virtualSizeBytes: 40 * 1024 ** 3 }),
    ]);
  });

  it('to another host, reverted: the destination copy goes, the source starts again', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    const instance = { uuid, flavor: FLAVOR };
    const disks = await a.migrateDiskAndPowerOff(ctx, { instance, dest: 'host-b', flavor: BIGGER });
    await b.finishMigration(ctx, {
      instance,
      migration: migration('host-a', 'host-b'),
      diskInfo: disks,
      imageMeta: IMAGE,
      resizeInstance: true,
      powerOn: false,
    });
    expect(await state(b, uuid)).toBe(4);
    await b.destroy(ctx, ref(uuid));
    await a.finishRevertMigration(ctx, { instance, migration: migration('host-a', 'host-b') });
    expect(await a.getInfo(ctx, ref(uuid))).toMatchObject({ state: 1, numCpu: 2 });
    expect(b.inspect()).toMatchObject({ instances: 0, used: { vcpus: 0 } });
  });

  it('same-host resize, confirmed and reverted', async () => {
    const d = driver();
    const uuid = await spawn(d);
    const instance = { uuid, flavor: FLAVOR };
    const self = migration(d.hostname, d.hostname);
    const disks = await d.migrateDiskAndPowerOff(ctx, { instance, dest: d.hostname, flavor: BIGGER });
    await d.finishMigration(ctx, {
      instance,
      migration: self,
      diskInfo: disks,
      imageMeta: IMAGE,
      resizeInstance: true,
    });
    expect(d.inspect().used).toEqual({ vcpus: 4, memoryMb: 4096, diskGb: 40 });
    await d.finishRevertMigration(ctx, { instance, migration: self });
    expect(d.inspect().used).toEqual({ vcpus: 2, memoryMb: 2048, diskGb: 20 });
    expect(await d.getInfo(ctx, ref(uuid))).toMatchObject({ state: 1, numCpu: 2 });
    const again = await d.migrateDiskAndPowerOff(ctx, { instance, dest: d.hostname, flavor: BIGGER });
    await d.finishMigration(ctx, {
      instance,
      migration: self,
      diskInfo: again,
      imageMeta: IMAGE,
      resizeInstance: true,
    });
    await d.confirmMigration(ctx, { instance, migration: self });
    expect(await d.getInfo(ctx, ref(uuid))).toMatchObject({ state: 1, numCpu: 4 });
    expect(d.inspect()).toMatchObject({ instances: 1, used: { vcpus: 4 } });
  });

  it('refuses a shrinking disk, an unknown destination and a second migration; a failure restarts the guest', async () => {
    const { a } = pair();
    const uuid = await spawn(a);
    const instance = { uuid, flavor: FLAVOR };
    expect(
      await codeOf(a.migrateDiskAndPowerOff(ctx, { instance, dest: 'host-b', flavor: { ...FLAVOR, rootGb: 10 } })),
    ).toBe('MIGRATION_FAILED');
    expect(await state(a, uuid)).toBe(1);
    expect(await codeOf(a.migrateDiskAndPowerOff(ctx, { instance, dest: 'nowhere', flavor: FLAVOR }))).toBe(
      'MIGRATION_FAILED',
    );
    await a.migrateDiskAndPowerOff(ctx, { instance, dest: 'host-b', flavor: FLAVOR });
    expect(await codeOf(a.migrateDiskAndPowerOff(ctx, { instance, dest: 'host-b', flavor: FLAVOR }))).toBe('CONFLICT');
  });

  it('finishing beyond the destination capacity is INSUFFICIENT_RESOURCES and builds nothing', async () => {
    const { a, b } = pair({ host: { vcpus: 3, cpuAllocationRatio: 1 } });
    const uuid = await spawn(a);
    const instance = { uuid, flavor: FLAVOR };
    const disks = await a.migrateDiskAndPowerOff(ctx, { instance, dest: 'host-b', flavor: BIGGER });
    expect(
      await codeOf(
        b.finishMigration(ctx, {
          instance,
          migration: migration('host-a', 'host-b'),
          diskInfo: disks,
          imageMeta: IMAGE,
          resizeInstance: true,
        }),
      ),
    ).toBe('INSUFFICIENT_RESOURCES');
    expect(b.inspect()).toMatchObject({ instances: 0, used: { vcpus: 0 } });
    await a.finishRevertMigration(ctx, { instance });
    expect(await state(a, uuid)).toBe(1);
  });
});

describe('shared storage checks', () => {
  it('hosts of a shared fabric see each other’s markers; a private host sees only its own', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    const data = (await b.checkInstanceSharedStorageLocal(ctx, { instance: { uuid } }))!;
    expect(await a.checkInstanceSharedStorageRemote(ctx, { data })).toBe(true);
    await b.checkInstanceSharedStorageCleanup(ctx, { data });
    expect(await a.checkInstanceSharedStorageRemote(ctx, { data })).toBe(false);
    const lonely = driver();
    const other = driver();
    const mine = (await lonely.checkInstanceSharedStorageLocal(ctx, { instance: { uuid } }))!;
    expect(await other.checkInstanceSharedStorageRemote(ctx, { data: mine })).toBe(false);
    expect(await lonely.instanceOnDisk(ctx, ref(uuid))).toBe(false);
    expect(await b.instanceOnDisk(ctx, ref(uuid))).toBe(true);
  });
});
