import { MemoryDriver, createMemoryDriverClass } from '@virtkit/memory';
import { FLAVOR, codeOf, ctx, driver, pair, ref, spawn, spawnRequest, state, volume } from './helpers';

const HOST_INFO = { hypervisorType: 'memory' };
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function prepare(a: any, b: any, uuid: string): Promise<any> {
  const instance = { uuid, flavor: FLAVOR };
  const destData = await b.checkCanLiveMigrateDestination(ctx, {
    instance,
    srcComputeInfo: HOST_INFO,
    dstComputeInfo: HOST_INFO,
  });
  const srcData = await a.checkCanLiveMigrateSource(ctx, { instance, destCheckData: destData });
  return b.preLiveMigration(ctx, { instance, migrateData: srcData });
}

function bdm(...devices: [string, any][]): any {
  return { blockDeviceMapping: devices.map(([mountDevice, connectionInfo]) => ({ mountDevice, connectionInfo })) };
}

describe('review fixes: deadlines', () => {
  it('a live migration past its deadline (no signal) stops and leaves the instance on the source', async () => {
    const { a, b } = pair({ migration: { steps: 10, stepDelayMs: 20 } });
    const uuid = await spawn(a);
    const migrateData = await prepare(a, b, uuid);
    let posted = false;
    let recovered = false;
    const pending = a.liveMigration(
      { deadline: Date.now() + 50 },
      {
        instance: { uuid },
        dest: 'host-b',
        migrateData,
        postMethod: () => void (posted = true),
        recoverMethod: () => void (recovered = true),
      },
    );
    expect(await codeOf(pending)).toBe('TIMEOUT');
    await wait(300);
    expect(posted).toBe(false);
    expect(recovered).toBe(true);
    expect(await a.instanceExists(ctx, ref(uuid))).toBe(true);
    expect(await b.instanceExists(ctx, ref(uuid))).toBe(false);
    expect(a.inspect().liveMigrations).toBe(0);
  });

  it('a snapshot past its deadline (no signal) never turns its image active', async () => {
    const d = driver({ snapshot: { steps: 10, stepDelayMs: 20 } });
    const uuid = await spawn(d);
    const imageId = d.fabric.createImage();
    expect(await codeOf(d.snapshot({ deadline: Date.now() + 50 }, { ...ref(uuid), imageId }))).toBe('TIMEOUT');
    await wait(300);
    expect(d.fabric.images.get(imageId)?.status).not.toBe('active');
  });
});

describe('review fixes: rebuild', () => {
  it('a failed evacuation (spawn.boot) leaves no record, claims or volume holds behind', async () => {
    const { a, b } = pair();
    const vol = volume();
    const req = spawnRequest({ blockDeviceInfo: bdm(['vdb', vol]) });
    await a.spawn(ctx, req);
    await a.destroy(ctx, ref(req.instance.uuid));
    b.failures.failNext('spawn.boot', 'DRIVER_ERROR');
    const failed = await codeOf(
      b.rebuild(ctx, {
        instance: req.instance,
        imageMeta: req.imageMeta,
        recreate: true,
        blockDeviceInfo: bdm(['vdb', vol]),
      }),
    );
    expect(failed).not.toBe('INSTANCE_NOT_FOUND');
    expect(await b.instanceExists(ctx, ref(req.instance.uuid))).toBe(false);
    expect(b.inspect()).toMatchObject({ instances: 0, used: { vcpus: 0, memoryMb: 0, diskGb: 0 } });
    expect(b.fabric.volumes.holdersOf(vol.data.volumeId as string)).toEqual([]);
  });

  it('in place, an invalid new mapping (VALIDATION_FAILED) changes nothing', async () => {
    const d = driver();
    const vol = volume();
    const uuid = await spawn(d, { blockDeviceInfo: bdm(['vdb', vol]) });
    const bad = bdm(['vdc', volume()], ['vdc', volume()]);
    expect(
      await codeOf(
        d.rebuild(ctx, { instance: { uuid, flavor: FLAVOR }, imageMeta: { id: 'other' }, blockDeviceInfo: bad }),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(d.fabric.volumes.holdersOf(vol.data.volumeId as string)).toEqual([uuid]);
    expect((await d.getInstanceDiagnostics(ctx, ref(uuid))).diskDetails.length).toBeGreaterThan(0);
  });

  it('in place, a new volume held elsewhere (CONFLICT, from the attach callback) leaves the old volumes and flavor', async () => {
    const d = driver({ host: { vcpus: 16, memoryMb: 65536, diskGb: 1000 } });
    const old1 = volume();
    const old2 = volume();
    const taken = volume();
    const uuid = await spawn(d, { blockDeviceInfo: bdm(['vdb', old1], ['vdc', old2]) });
    await spawn(d, { blockDeviceInfo: bdm(['vdb', taken]) });
    const before = d.inspect().used;
    const bigger = { ...FLAVOR, name: 'm1.large', vcpus: 4 };
    const code = await codeOf(
      d.rebuild(ctx, {
        instance: { uuid, flavor: bigger },
        imageMeta: { id: 'other' },
        attachBlockDevices: async () => bdm(['vdb', volume()], ['vdc', taken]),
      }),
    );
    expect(code).toBe('CONFLICT');
    expect(d.fabric.volumes.holdersOf(old1.data.volumeId as string)).toEqual([uuid]);
    expect(d.fabric.volumes.holdersOf(old2.data.volumeId as string)).toEqual([uuid]);
    expect(d.inspect().used).toEqual(before);
    expect((await d.getInfo(ctx, ref(uuid))).numCpu).toBe(FLAVOR.vcpus);
  });
});

describe('review fixes: cold migration', () => {
  const migration = { id: 'mig-1', sourceCompute: 'host-a', destCompute: 'host-b' };

  it('while staged to another host, the source copy cannot be started or moved; revert, confirm and destroy still work', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    const instance = { uuid, flavor: FLAVOR };
    const disks = await a.migrateDiskAndPowerOff(ctx, { instance, dest: 'host-b', flavor: FLAVOR });
    await b.finishMigration(ctx, {
      instance,
      migration,
      diskInfo: disks,
      imageMeta: { id: 'cirros' },
      resizeInstance: false,
    });
    expect(await codeOf(a.powerOn(ctx, ref(uuid)))).toBe('INVALID_STATE');
    expect(await codeOf(a.reboot(ctx, { ...ref(uuid), rebootType: 'HARD' }))).toBe('INVALID_STATE');
    expect(await codeOf(a.rescue(ctx, { ...ref(uuid), imageMeta: {} }))).toBe('INVALID_STATE');
    await a.softDelete(ctx, ref(uuid));
    await a.restore(ctx, ref(uuid)).catch(() => undefined);
    expect(await state(a, uuid)).toBe(4);
    expect(await codeOf(a.restore(ctx, ref(uuid)))).toBe('INVALID_STATE');
    expect(await state(b, uuid)).toBe(1);
    // reads still work on the source; a revert lets the source copy run again
    expect(await a.getInstanceDiskInfo(ctx, { instance })).toHaveLength(1);
    await b.destroy(ctx, ref(uuid));
    await a.finishRevertMigration(ctx, { instance, migration, powerOn: false });
    expect(a.fabric.staged(uuid)).toBeUndefined();
    await a.restore(ctx, ref(uuid));
    expect(await state(a, uuid)).toBe(1);
  });

  it('live-migrating the staged source copy is refused', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    const instance = { uuid, flavor: FLAVOR };
    await a.migrateDiskAndPowerOff(ctx, { instance, dest: 'host-b', flavor: FLAVOR });
    const destCheckData = { driverData: { destHost: 'host-c' } };
    // The SDK's state rule already refuses the stopped source; the driver refuses it too, whatever the recorded state.
    expect(await codeOf(a.checkCanLiveMigrateSource(ctx, { instance, destCheckData }))).toBe('INVALID_STATE');
    expect(await codeOf(a.liveMigration(ctx, { instance, dest: 'host-b', migrateData: {} }))).toBe('INVALID_STATE');
    expect(await a.instanceExists(ctx, ref(uuid))).toBe(true);
    expect(await b.instanceExists(ctx, ref(uuid))).toBe(false);
  });

  it('a retried finishMigration on the destination succeeds and applies the power state', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    const instance = { uuid, flavor: FLAVOR };
    const disks = await a.migrateDiskAndPowerOff(ctx, { instance, dest: 'host-b', flavor: FLAVOR });
    const req = { instance, migration, diskInfo: disks, imageMeta: { id: 'cirros' }, resizeInstance: false };
    await b.finishMigration(ctx, req);
    await b.finishMigration(ctx, { ...req, powerOn: false });
    expect(await state(b, uuid)).toBe(4);
    expect(b.inspect()).toMatchObject({ instances: 1, used: { vcpus: 2 } });
    await a.confirmMigration(ctx, { instance, migration });
    expect(await b.instanceExists(ctx, ref(uuid))).toBe(true);
  });
});

describe('review fixes: volumes, maintenance, host power, features', () => {
  it('swapVolume to a volume already on the same instance is CONFLICT and keeps the old one', async () => {
    const d = driver();
    const v1 = volume();
    const v2 = volume();
    const uuid = await spawn(d, { blockDeviceInfo: bdm(['vdb', v1], ['vdc', v2]) });
    expect(
      await codeOf(
        d.swapVolume(ctx, { ...ref(uuid), mountpoint: 'vdb', oldConnectionInfo: v1, newConnectionInfo: v2 }),
      ),
    ).toBe('CONFLICT');
    expect(d.fabric.volumes.holdersOf(v1.data.volumeId as string)).toEqual([uuid]);
    expect(d.fabric.volumes.holdersOf(v2.data.volumeId as string)).toEqual([uuid]);
  });

  it('maintenance does not move an instance whose rebuild is in flight', async () => {
    const { a, b } = pair();
    const uuid = await spawn(a);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const rebuilding = a.rebuild(ctx, {
      instance: { uuid, flavor: FLAVOR },
      imageMeta: { id: 'other' },
      detachBlockDevices: async () => {
        entered();
        await gate;
      },
    });
    await inside;
    expect(await codeOf(a.hostMaintenanceMode(ctx, { host: 'host-a', mode: true }))).toBe('MIGRATION_FAILED');
    release();
    await rebuilding;
    expect(await a.instanceExists(ctx, ref(uuid))).toBe(true);
    expect(await b.instanceExists(ctx, ref(uuid))).toBe(false);
    await a.hostMaintenanceMode(ctx, { host: 'host-a', mode: true });
    expect(await b.instanceExists(ctx, ref(uuid))).toBe(true);
  });

  it('a powered-off host refuses spawn and powerOn but still answers reads', async () => {
    const d = driver();
    const uuid = await spawn(d);
    await d.hostPowerAction(ctx, { action: 'shutdown' });
    expect(await codeOf(d.spawn(ctx, spawnRequest()))).toBe('INVALID_STATE');
    expect(await codeOf(d.powerOn(ctx, ref(uuid)))).toBe('INVALID_STATE');
    expect(await state(d, uuid)).toBe(4);
    expect(d.inspect().instances).toBe(1);
    await d.hostPowerAction(ctx, { action: 'startup' });
    await d.powerOn(ctx, ref(uuid));
    expect(await state(d, uuid)).toBe(1);
  });

  it('driver features are frozen and read-only, for the full class and cached subset classes', async () => {
    expect(Object.isFrozen(MemoryDriver.features)).toBe(true);
    expect(() => {
      (MemoryDriver as any).features = {};
    }).toThrow(TypeError);
    expect(() => {
      (MemoryDriver.features as any).recreate = false;
    }).toThrow(TypeError);
    const Subset = createMemoryDriverClass(['lifecycle', 'volume']);
    expect(Object.isFrozen(Subset.features)).toBe(true);
    expect(() => {
      (Subset as any).features = { recreate: true };
    }).toThrow(TypeError);
    expect(createMemoryDriverClass(['lifecycle', 'volume']).features).toBe(Subset.features);
    expect(MemoryDriver.features.recreate).toBe(true);
    class Custom extends MemoryDriver {
      static override features = { multiattach: true };
    }
    expect(Custom.features).toEqual({ multiattach: true });
    expect(MemoryDriver.features.recreate).toBe(true);
  });
});
