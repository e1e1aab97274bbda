import {
  DriverBase,
  DriverDefinitionError,
  NotFoundError,
  PowerState,
  withDeviceNames,
  withFsFormat,
  withLifecycle,
  withVolumeExtend,
  withVolumes,
  withVolumeSnapshot,
  withVolumeSwap,
  type VolumeConnector,
} from '../../index.js';
import { MapTestDriver } from '../../testing/map-test-driver.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const OTHER = '0c2d9a4e-1b3f-4c5d-9e8f-7a6b5c4d3e2f';
const ctx = {};
type Req = { instance: { uuid: string } };

class BaseTestDriver extends MapTestDriver {}

class VolumeDriver extends withFsFormat(
  withDeviceNames(withVolumeSnapshot(withVolumeExtend(withVolumeSwap(withVolumes(BaseTestDriver))))),
) {
  static override driverName = 'volume-test';
  attached = new Set<string>();
  connector: unknown = { ip: '10.0.0.1', host: 'h1', multipath: false, platform: 'x86_64', osType: 'linux' };
  protected async _attachVolume(_c: unknown, r: Req & { mountpoint: string }) {
    this.calls.push('attach');
    this.attached.add(r.mountpoint);
  }
  protected async _detachVolume(_c: unknown, r: Req & { mountpoint: string }) {
    if (!this.attached.delete(r.mountpoint)) throw new NotFoundError('volume attachment', r.mountpoint);
  }
  protected async _getVolumeConnector() {
    return this.connector as VolumeConnector;
  }
  protected async _swapVolume() {
    this.calls.push('swap');
  }
  protected async _extendVolume() {
    this.calls.push('extend');
  }
  protected async _volumeSnapshotCreate() {
    this.calls.push('snapshotCreate');
  }
  protected async _volumeSnapshotDelete() {
    this.calls.push('snapshotDelete');
  }
  protected async _defaultRootDeviceName() {
    return '/dev/vda';
  }
  protected async _defaultDeviceNamesForInstance(_c: unknown, r: { ephemerals?: { deviceName?: string }[] }) {
    const ephemerals = (r.ephemerals ?? []).map((e, i) => ({ ...e, deviceName: `vd${String.fromCharCode(98 + i)}` }));
    return { ephemerals, swap: [], blockDeviceMapping: [] } as never;
  }
  protected async _getDeviceNameForInstance() {
    return 'vdc';
  }
}

class TaggingDriver extends VolumeDriver {
  static override features = { taggedVolumeAttach: true, multiattach: 'unknown' } as const;
}

const conn = { driverVolumeType: 'iscsi', data: { target_iqn: 'iqn.2010-10.org.openstack:volume-1' } };
const attachReq = (over: Record<string, unknown> = {}) => ({
  instance: { uuid: UUID },
  connectionInfo: conn,
  mountpoint: '/dev/vdb',
  ...over,
});

async function driverWith(state: PowerState = PowerState.RUNNING): Promise<VolumeDriver> {
  const d = new VolumeDriver();
  d.states.set(UUID, state);
  return d;
}

describe('volume family', () => {
  it('advertises exactly the applied capabilities', () => {
    const caps = new VolumeDriver().capabilities.capabilities;
    for (const c of [
      'volume',
      'volume.swap',
      'volume.extend',
      'volume.snapshot',
      'volume.deviceNames',
      'volume.fsFormat',
    ] as const) {
      expect(caps[c]).toBe(true);
    }
    expect(new BaseTestDriver().capabilities.capabilities.volume).toBe(false);
  });

  it('answers calls of unapplied capabilities with NOT_SUPPORTED', async () => {
    const d = new BaseTestDriver() as any;
    await expect(d.attachVolume(ctx, attachReq())).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'volume',
    });
    await expect(d.extendVolume(ctx, {})).rejects.toMatchObject({ code: 'NOT_SUPPORTED', capability: 'volume.extend' });
    await expect(d.isSupportedFsFormat(ctx, { fsType: 'ext4' })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'volume.fsFormat',
    });
  });

  it('refuses a sub-capability applied without volume', () => {
    expect(() => withVolumeExtend(withLifecycle(DriverBase))).toThrow(DriverDefinitionError);
    expect(() => withVolumes(DriverBase)).toThrow(DriverDefinitionError);
  });

  it('validates requests with field paths and calls no hook', async () => {
    const d = await driverWith();
    const bad = await d
      .attachVolume(ctx, attachReq({ mountpoint: 'vdb;reboot', connectionInfo: { data: {} }, diskBus: 'Vir tio' }))
      .catch((e) => e);
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.paths).toEqual(expect.arrayContaining(['mountpoint', 'connectionInfo.driverVolumeType', 'diskBus']));
    const ext = await d
      .extendVolume(ctx, { instance: { uuid: UUID }, connectionInfo: conn, newSizeBytes: 0 })
      .catch((e) => e);
    expect(ext).toMatchObject({ code: 'VALIDATION_FAILED', paths: ['newSizeBytes'] });
    const snap = await d
      .volumeSnapshotCreate(ctx, {
        instance: { uuid: UUID },
        volumeId: 'vol-1',
        createInfo: { snapshotId: 'snap-1', type: 'qcow2', newFile: '../../etc/passwd' },
      })
      .catch((e) => e);
    expect(snap).toMatchObject({ code: 'VALIDATION_FAILED', paths: ['createInfo.newFile'] });
    expect(d.calls).toEqual([]);
  });

  it('attaches and detaches in any power state, and needs the instance', async () => {
    const d = await driverWith(PowerState.SHUTDOWN);
    await d.attachVolume(ctx, attachReq());
    expect(d.attached.has('/dev/vdb')).toBe(true);
    await d.detachVolume(ctx, attachReq());
    await expect(d.detachVolume(ctx, attachReq())).resolves.toBeUndefined(); // not attached: target holds
    await expect(d.attachVolume(ctx, attachReq({ instance: { uuid: OTHER } }))).rejects.toMatchObject({
      code: 'INSTANCE_NOT_FOUND',
    });
    await expect(
      d.extendVolume(ctx, { instance: { uuid: OTHER }, connectionInfo: conn, newSizeBytes: 1 }),
    ).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
    expect(d.calls).toEqual(['attach']);
  });

  it('refuses a tag or multiattach the driver does not declare, naming the feature', async () => {
    const d = await driverWith();
    await expect(d.attachVolume(ctx, attachReq({ tag: 'db' }))).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'taggedVolumeAttach',
    });
    await expect(d.attachVolume(ctx, attachReq({ multiattach: true }))).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'multiattach',
    });
    expect(d.calls).toEqual([]);
    const t = new TaggingDriver();
    t.states.set(UUID, PowerState.RUNNING);
    await t.attachVolume(ctx, attachReq({ tag: 'db', multiattach: true }));
    expect(t.calls).toEqual(['attach']);
  });

  it('returns the connector without the instance, and refuses a malformed one as DRIVER_ERROR', async () => {
    const d = new VolumeDriver();
    await expect(d.getVolumeConnector(ctx, { instance: { uuid: UUID } })).resolves.toMatchObject({ ip: '10.0.0.1' });
    d.connector = { ip: 'not-an-ip', host: 'h1' };
    await expect(d.getVolumeConnector(ctx, { instance: { uuid: UUID } })).rejects.toMatchObject({
      code: 'DRIVER_ERROR',
    });
  });

  it('runs swap, extend and snapshots on an existing instance', async () => {
    const d = await driverWith(PowerState.PAUSED);
    await d.swapVolume(ctx, {
      instance: { uuid: UUID },
      oldConnectionInfo: conn,
      newConnectionInfo: conn,
      mountpoint: 'vdb',
      resizeToGb: 2,
    });
    await d.extendVolume(ctx, { instance: { uuid: UUID }, connectionInfo: conn, newSizeBytes: 2 ** 40 });
    await d.volumeSnapshotCreate(ctx, {
      instance: { uuid: UUID },
      volumeId: 'vol-1',
      createInfo: { snapshotId: 'snap-1', type: 'qcow2', newFile: 'vol-1.snap-1' },
    });
    await d.volumeSnapshotDelete(ctx, {
      instance: { uuid: UUID },
      volumeId: 'vol-1',
      snapshotId: 'snap-1',
      deleteInfo: { type: 'qcow2' },
    });
    expect(d.calls).toEqual(['swap', 'extend', 'snapshotCreate', 'snapshotDelete']);
  });

  it('names devices without touching the caller rows', async () => {
    const d = new VolumeDriver();
    const eph = { sourceType: 'blank', destinationType: 'local', volumeSizeGb: 1 } as const;
    const out = await d.defaultDeviceNamesForInstance(ctx, {
      instance: { uuid: UUID },
      rootDeviceName: '/dev/vda',
      ephemerals: [eph],
    });
    expect(out.ephemerals[0]!.deviceName).toBe('vdb');
    expect(eph).not.toHaveProperty('deviceName');
    await expect(d.defaultRootDeviceName(ctx, { instance: { uuid: UUID }, imageMeta: {} })).resolves.toBe('/dev/vda');
    const bad = await d
      .getDeviceNameForInstance(ctx, {
        instance: { uuid: UUID },
        bdms: [],
        blockDevice: { sourceType: 'disk' } as never,
      })
      .catch((e) => e);
    expect(bad).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(bad.paths).toEqual(expect.arrayContaining(['blockDevice.sourceType', 'blockDevice.destinationType']));
  });

  it('answers false for every file system by default', async () => {
    const d = new VolumeDriver();
    await expect(d.isSupportedFsFormat(ctx, { fsType: 'ext4' })).resolves.toBe(false);
    class Ext4Driver extends VolumeDriver {
      protected override async _isSupportedFsFormat(_c: unknown, r: { fsType: string }) {
        return r.fsType === 'ext4';
      }
    }
    await expect(new Ext4Driver().isSupportedFsFormat(ctx, { fsType: 'ext4' })).resolves.toBe(true);
    await expect(d.isSupportedFsFormat(ctx, { fsType: 'ext4; rm' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      paths: ['fsType'],
    });
  });
});
