import {
  DriverBase,
  DriverDefinitionError,
  InstanceNotFoundError,
  PowerState,
  withColdMigration,
  withSharedStorage,
  type InstanceDiskInfo,
  type LifecycleEvent,
} from '../../index.js';
import { MapTestDriver } from '../../testing/map-test-driver.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const ctx = {};
type Req = { instance: { uuid: string }; powerOn?: boolean };

class BaseTestDriver extends MapTestDriver {
  protected override async _powerOn(c: unknown, r: { instance: { uuid: string } }) {
    this.calls.push('powerOn');
    await super._powerOn(c, r);
  }
}

const DISKS: InstanceDiskInfo[] = [
  {
    type: 'qcow2',
    path: '/var/lib/vk/disk',
    virtualSizeBytes: 2 ** 30,
    diskSizeBytes: 2 ** 20,
    overCommitDiskSizeBytes: 0,
  },
];

class ColdDriver extends withSharedStorage(withColdMigration(BaseTestDriver)) {
  static override driverName = 'cold-test';
  failCopy = false;
  events: LifecycleEvent[] = [];
  protected async _migrateDiskAndPowerOff(_c: unknown, r: Req) {
    this.calls.push('migrateDisk');
    this.states.set(r.instance.uuid, PowerState.SHUTDOWN);
    if (this.failCopy) throw new Error('disk copy failed');
    return DISKS;
  }
  protected async _finishMigration(_c: unknown, r: Req) {
    this.states.set(r.instance.uuid, r.powerOn === false ? PowerState.SHUTDOWN : PowerState.RUNNING);
  }
  protected async _confirmMigration(_c: unknown, r: Req) {
    if (!this.states.delete(r.instance.uuid)) throw new InstanceNotFoundError(r.instance.uuid);
  }
  protected async _finishRevertMigration(_c: unknown, r: Req) {
    this.states.set(r.instance.uuid, r.powerOn === false ? PowerState.SHUTDOWN : PowerState.RUNNING);
  }
  protected async _getInstanceDiskInfo() {
    return DISKS;
  }
  protected async _checkInstanceSharedStorageLocal() {
    return { path: '/var/lib/vk/.marker' };
  }
  protected async _checkInstanceSharedStorageRemote(_c: unknown, r: { data: { path?: string } }) {
    return r.data.path === '/var/lib/vk/.marker';
  }
}

function driverWith(state?: PowerState): ColdDriver {
  const d = new ColdDriver();
  if (state !== undefined) d.states.set(UUID, state);
  d.on('lifecycle', (e) => d.events.push(e));
  return d;
}

const flavor = { name: 'm1', vcpus: 1, memoryMb: 64, rootGb: 1 };
const migration = { id: 'm-1', sourceCompute: 'src', destCompute: 'dst' };
const migrateReq = { instance: { uuid: UUID }, dest: '10.0.0.2', flavor };
const finishReq = (over: Record<string, unknown> = {}) => ({
  instance: { uuid: UUID },
  migration,
  diskInfo: DISKS,
  imageMeta: {},
  resizeInstance: false,
  ...over,
});

describe('migration.cold and migration.sharedStorage', () => {
  it('advertises the applied capabilities and refuses the rest with NOT_SUPPORTED', async () => {
    const caps = new ColdDriver().capabilities.capabilities;
    expect(caps['migration.cold']).toBe(true);
    expect(caps['migration.sharedStorage']).toBe(true);
    expect(caps['migration.live']).toBe(false);
    const bare = new BaseTestDriver() as any;
    await expect(bare.migrateDiskAndPowerOff(ctx, migrateReq)).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'migration.cold',
    });
    await expect(bare.checkInstanceSharedStorageCleanup(ctx, { data: {} })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'migration.sharedStorage',
    });
    expect(() => withColdMigration(DriverBase)).toThrow(DriverDefinitionError);
  });

  it('validates requests with field paths and calls no hook', async () => {
    const d = driverWith(PowerState.RUNNING);
    const bad = await d
      .migrateDiskAndPowerOff(ctx, { ...migrateReq, dest: 'host; rm -rf /', flavor: undefined as never })
      .catch((e) => e);
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.paths).toEqual(expect.arrayContaining(['dest', 'flavor']));
    const disks = [{ ...DISKS[0], path: '../../etc/shadow' }];
    await expect(d.finishMigration(ctx, finishReq({ diskInfo: disks }))).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      paths: ['diskInfo.0.path'],
    });
    expect(d.calls).toEqual([]);
  });

  it('powers off while copying the disks and returns them', async () => {
    const d = driverWith(PowerState.RUNNING);
    await expect(d.migrateDiskAndPowerOff(ctx, migrateReq)).resolves.toEqual(DISKS);
    expect(d.events.map((e) => e.transition)).toEqual(['STOPPED']);
    const s = driverWith(PowerState.SUSPENDED);
    await expect(s.migrateDiskAndPowerOff(ctx, migrateReq)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    expect(s.calls).toEqual([]);
  });

  it('restarts a running instance when the copy fails, as MIGRATION_FAILED', async () => {
    const d = driverWith(PowerState.RUNNING);
    d.failCopy = true;
    await expect(d.migrateDiskAndPowerOff(ctx, migrateReq)).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(d.states.get(UUID)).toBe(PowerState.RUNNING);
    expect(d.calls).toEqual(['migrateDisk', 'powerOn']);
    const stopped = driverWith(PowerState.SHUTDOWN);
    stopped.failCopy = true;
    await expect(stopped.migrateDiskAndPowerOff(ctx, migrateReq)).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    expect(stopped.states.get(UUID)).toBe(PowerState.SHUTDOWN);
  });

  it('finishes on the destination as RUNNING, or SHUTDOWN with powerOn false', async () => {
    const d = driverWith();
    await d.finishMigration(ctx, finishReq());
    expect(d.events.map((e) => [e.transition, e.state, e.peerHost])).toEqual([
      ['MIGRATED_IN', PowerState.SHUTDOWN, migration.sourceCompute],
      ['STARTED', PowerState.RUNNING, undefined],
    ]);
    const off = driverWith();
    await off.finishMigration(ctx, finishReq({ powerOn: false }));
    expect(off.states.get(UUID)).toBe(PowerState.SHUTDOWN);
    expect(off.events.map((e) => e.transition)).toEqual(['MIGRATED_IN']);
  });

  it('confirms idempotently and reverts to RUNNING', async () => {
    const d = driverWith(PowerState.RUNNING);
    await d.migrateDiskAndPowerOff(ctx, migrateReq);
    await d.finishRevertMigration(ctx, { instance: { uuid: UUID }, migration });
    expect(d.events.map((e) => e.transition)).toEqual(['STOPPED', 'STARTED']);
    await d.confirmMigration(ctx, { instance: { uuid: UUID }, migration });
    expect(d.events.map((e) => [e.transition, e.peerHost])).toEqual([
      ['STOPPED', undefined],
      ['STARTED', undefined],
      ['MIGRATED_AWAY', migration.destCompute],
    ]);
    await expect(d.confirmMigration(ctx, { instance: { uuid: UUID }, migration })).resolves.toBeUndefined();
    expect(d.events).toHaveLength(3);
    await expect(d.getInstanceDiskInfo(ctx, { instance: { uuid: UUID } })).resolves.toEqual(DISKS);
  });

  it('checks shared storage, with a default cleanup that does nothing', async () => {
    const d = driverWith(PowerState.RUNNING);
    const data = await d.checkInstanceSharedStorageLocal(ctx, { instance: { uuid: UUID } });
    await expect(d.checkInstanceSharedStorageRemote(ctx, { data: data! })).resolves.toBe(true);
    await expect(d.checkInstanceSharedStorageCleanup(ctx, { data: data! })).resolves.toBeUndefined();
    await expect(d.checkInstanceSharedStorageRemote(ctx, { data: { path: '/a/../../b' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      paths: ['data.path'],
    });
  });
});
