import { GIB, codeOf, ctx, driver, pair, ref, spawn, volume } from './helpers';

const full = (uuid: string) => ({ instance: { uuid } });

describe('volumes', () => {
  it('attach by mountpoint; attaching again as asked changes nothing, otherwise CONFLICT; detach is idempotent', async () => {
    const d = driver();
    const uuid = await spawn(d);
    const vol = volume();
    await d.attachVolume(ctx, { ...full(uuid), connectionInfo: vol, mountpoint: '/dev/vdb' });
    await d.attachVolume(ctx, { ...full(uuid), connectionInfo: vol, mountpoint: '/dev/vdb' });
    expect(d.fabric.volumes.holdersOf(vol.data.volumeId as string)).toEqual([uuid]);
    expect(
      await codeOf(d.attachVolume(ctx, { ...full(uuid), connectionInfo: vol, mountpoint: '/dev/vdb', tag: 'other' })),
    ).toBe('CONFLICT');
    expect(await codeOf(d.attachVolume(ctx, { ...full(uuid), connectionInfo: vol, mountpoint: 'vdc' }))).toBe(
      'CONFLICT',
    );
    expect(await codeOf(d.attachVolume(ctx, { ...full(uuid), connectionInfo: volume(), mountpoint: 'vdb' }))).toBe(
      'CONFLICT',
    );
    await d.detachVolume(ctx, { ...full(uuid), connectionInfo: vol, mountpoint: 'vdb' });
    await d.detachVolume(ctx, { ...full(uuid), connectionInfo: vol, mountpoint: 'vdb' });
    expect(d.fabric.volumes.size).toBe(0);
    await d.attachVolume(ctx, { ...full(uuid), connectionInfo: vol, mountpoint: 'vdb' });
    expect(d.fabric.volumes.holdersOf(vol.data.volumeId as string)).toEqual([uuid]);
  });

  it('a volume held by one instance is CONFLICT for another, unless both attachments are multiattach (across hosts too)', async () => {
    const { a, b } = pair();
    const one = await spawn(a);
    const two = await spawn(b);
    const shared = volume();
    await a.attachVolume(ctx, { ...full(one), connectionInfo: shared, mountpoint: 'vdb', multiattach: true });
    await b.attachVolume(ctx, { ...full(two), connectionInfo: shared, mountpoint: 'vdb', multiattach: true });
    expect(a.fabric.volumes.holdersOf(shared.data.volumeId as string).sort()).toEqual([one, two].sort());
    const exclusive = volume();
    await a.attachVolume(ctx, { ...full(one), connectionInfo: exclusive, mountpoint: 'vdc' });
    expect(
      await codeOf(
        b.attachVolume(ctx, { ...full(two), connectionInfo: exclusive, mountpoint: 'vdc', multiattach: true }),
      ),
    ).toBe('CONFLICT');
    expect(await codeOf(b.attachVolume(ctx, { ...full(two), connectionInfo: exclusive, mountpoint: 'vdc' }))).toBe(
      'CONFLICT',
    );
    await a.destroy(ctx, ref(one));
    await b.attachVolume(ctx, { ...full(two), connectionInfo: exclusive, mountpoint: 'vdc' });
  });

  it('tags, and a missing volume id, are checked', async () => {
    const d = driver();
    const uuid = await spawn(d);
    await d.attachVolume(ctx, { ...full(uuid), connectionInfo: volume(), mountpoint: 'vdb', tag: 'data' });
    expect(
      await codeOf(
        d.attachVolume(ctx, {
          ...full(uuid),
          connectionInfo: { driverVolumeType: 'memory', data: {} },
          mountpoint: 'vdc',
        }),
      ),
    ).toBe('VALIDATION_FAILED');
    expect(
      await codeOf(
        d.attachVolume(ctx, {
          ...full('7c0c9b5e-0000-4000-8000-000000000000'),
          connectionInfo: volume(),
          mountpoint: 'vdc',
        }),
      ),
    ).toBe('INSTANCE_NOT_FOUND');
  });

  it('extend grows the volume the guest sees; shrinking or an unattached volume is refused', async () => {
    const d = driver();
    const uuid = await spawn(d);
    const vol = volume(GIB);
    await d.attachVolume(ctx, { ...full(uuid), connectionInfo: vol, mountpoint: 'vdb' });
    await d.extendVolume(ctx, { ...full(uuid), connectionInfo: vol, newSizeBytes: 2 * GIB });
    expect(await codeOf(d.extendVolume(ctx, { ...full(uuid), connectionInfo: vol, newSizeBytes: GIB }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(await codeOf(d.extendVolume(ctx, { ...full(uuid), connectionInfo: volume(), newSizeBytes: GIB }))).toBe(
      'NOT_FOUND',
    );
  });

  it('swap keeps the device and moves the hold to the new volume', async () => {
    const d = driver();
    const uuid = await spawn(d);
    const oldVol = volume();
    const newVol = volume();
    await d.attachVolume(ctx, { ...full(uuid), connectionInfo: oldVol, mountpoint: 'vdb' });
    await d.swapVolume(ctx, {
      ...full(uuid),
      oldConnectionInfo: oldVol,
      newConnectionInfo: newVol,
      mountpoint: 'vdb',
      resizeToGb: 3,
    });
    expect(d.fabric.volumes.holdersOf(oldVol.data.volumeId as string)).toEqual([]);
    expect(d.fabric.volumes.holdersOf(newVol.data.volumeId as string)).toEqual([uuid]);
    expect(
      await codeOf(
        d.swapVolume(ctx, { ...full(uuid), oldConnectionInfo: oldVol, newConnectionInfo: volume(), mountpoint: 'vdb' }),
      ),
    ).toBe('NOT_FOUND');
    await d.detachVolume(ctx, { ...full(uuid), connectionInfo: newVol, mountpoint: 'vdb' });
    expect(d.fabric.volumes.size).toBe(0);
  });

  it('volume snapshots: create once per id, delete once', async () => {
    const d = driver();
    const uuid = await spawn(d);
    const vol = volume();
    const volumeId = vol.data.volumeId as string;
    await d.attachVolume(ctx, { ...full(uuid), connectionInfo: vol, mountpoint: 'vdb' });
    const createInfo = { snapshotId: 'snap-1', type: 'qcow2', newFile: 'volume.snap-1' };
    await d.volumeSnapshotCreate(ctx, { ...full(uuid), volumeId, createInfo });
    expect(await codeOf(d.volumeSnapshotCreate(ctx, { ...full(uuid), volumeId, createInfo }))).toBe('CONFLICT');
    expect(await codeOf(d.volumeSnapshotCreate(ctx, { ...full(uuid), volumeId: 'other', createInfo }))).toBe(
      'NOT_FOUND',
    );
    const deleteInfo = { type: 'qcow2' };
    await d.volumeSnapshotDelete(ctx, { ...full(uuid), volumeId, snapshotId: 'snap-1', deleteInfo });
    expect(
      await codeOf(d.volumeSnapshotDelete(ctx, { ...full(uuid), volumeId, snapshotId: 'snap-1', deleteInfo })),
    ).toBe('NOT_FOUND');
  });

  it('a connector for this host, even before the instance exists', async () => {
    const d = driver({}, 'storage-client');
    const connector = await d.getVolumeConnector(ctx, full('7c0c9b5e-0000-4000-8000-000000000001'));
    expect(connector).toMatchObject({
      ip: '127.0.0.1',
      host: 'storage-client',
      multipath: false,
      initiator: expect.stringContaining('storage-client'),
    });
  });

  it('device names follow the bus and skip taken names', async () => {
    const d = driver();
    const uuid = await spawn(d);
    expect(await d.defaultRootDeviceName(ctx, { ...full(uuid), imageMeta: {} })).toBe('/dev/vda');
    expect(
      await d.defaultRootDeviceName(ctx, { ...full(uuid), imageMeta: { properties: { hw_disk_bus: 'scsi' } } }),
    ).toBe('/dev/sda');
    expect(await d.defaultRootDeviceName(ctx, { ...full(uuid), imageMeta: { diskFormat: 'iso' } })).toBe('/dev/sda');
    const named = await d.defaultDeviceNamesForInstance(ctx, {
      ...full(uuid),
      rootDeviceName: '/dev/vda',
      ephemerals: [{ sourceType: 'blank', destinationType: 'local' }],
      blockDeviceMapping: [
        { sourceType: 'volume', destinationType: 'volume', deviceName: '/dev/vdc' },
        { sourceType: 'volume', destinationType: 'volume' },
      ],
    });
    expect(named.ephemerals.map((r) => r.deviceName)).toEqual(['/dev/vdb']);
    expect(named.blockDeviceMapping.map((r) => r.deviceName)).toEqual(['/dev/vdc', '/dev/vdd']);
    const next = await d.getDeviceNameForInstance(ctx, {
      instance: { uuid, rootDeviceName: '/dev/vda' },
      bdms: [{ sourceType: 'volume', destinationType: 'volume', deviceName: 'vdb' }],
      blockDevice: { sourceType: 'volume', destinationType: 'volume', deviceName: 'vdb' },
    });
    expect(next).toBe('/dev/vdc');
  });

  it('file systems it can make', async () => {
    const d = driver();
    expect(await d.isSupportedFsFormat(ctx, { fsType: 'ext4' })).toBe(true);
    expect(await d.isSupportedFsFormat(ctx, { fsType: 'ntfs' })).toBe(false);
  });

  it('volumes given at spawn are attached (and a conflicting one fails the spawn cleanly)', async () => {
    const { a, b } = pair();
    const vol = volume();
    const one = await spawn(a, {
      blockDeviceInfo: { blockDeviceMapping: [{ mountDevice: 'vdb', connectionInfo: vol, tag: 'db' }] },
    });
    expect(a.fabric.volumes.holdersOf(vol.data.volumeId as string)).toEqual([one]);
    expect(
      await codeOf(
        spawn(b, { blockDeviceInfo: { blockDeviceMapping: [{ mountDevice: 'vdb', connectionInfo: vol }] } }),
      ),
    ).toBe('CONFLICT');
    expect(b.inspect()).toMatchObject({ instances: 0, used: { vcpus: 0, memoryMb: 0, diskGb: 0 } });
  });
});
