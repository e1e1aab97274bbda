import { randomUUID } from 'node:crypto';
import { ProviderTree } from '@virtkit/core';
import { ctx, driver } from './helpers';

// Regression tests of the contract's decisions (docs/contract.md) on the memory driver.

describe('contract decisions: allocation ratios', () => {
  const node = (tree: ProviderTree, ratios: Record<string, number>): string => {
    const name = 'node-1';
    tree.newRoot(name, randomUUID());
    tree.updateInventory(
      name,
      Object.fromEntries(Object.entries(ratios).map(([rc, r]) => [rc, { total: 1, allocationRatio: r }])),
    );
    return name;
  };

  it('updateProviderTree keeps ratios already set on the inventory when the options set none', async () => {
    const d = driver({ hostname: 'node-1' });
    const tree = new ProviderTree();
    const nodename = node(tree, { VCPU: 16, MEMORY_MB: 1.0, DISK_GB: 2.5 });
    await d.updateProviderTree(ctx, { providerTree: tree, nodename });
    const inv = tree.get(nodename).inventory;
    expect([inv.VCPU?.allocationRatio, inv.MEMORY_MB?.allocationRatio, inv.DISK_GB?.allocationRatio]).toEqual([
      16, 1.0, 2.5,
    ]);
    // The rest of the inventory is the driver's.
    expect(inv.VCPU?.total).toBe(64);
  });

  it('a ratio the options set wins over the inventory; the others are kept', async () => {
    const d = driver({ hostname: 'node-1', host: { cpuAllocationRatio: 8 } });
    const tree = new ProviderTree();
    const nodename = node(tree, { VCPU: 16, MEMORY_MB: 3 });
    await d.updateProviderTree(ctx, { providerTree: tree, nodename });
    const inv = tree.get(nodename).inventory;
    expect([inv.VCPU?.allocationRatio, inv.MEMORY_MB?.allocationRatio, inv.DISK_GB?.allocationRatio]).toEqual([
      8, 3, 1,
    ]);
  });

  it('a provider without inventory takes the driver defaults', async () => {
    const d = driver({ hostname: 'node-1' });
    const tree = new ProviderTree();
    tree.newRoot('node-1', randomUUID());
    await d.updateProviderTree(ctx, { providerTree: tree, nodename: 'node-1' });
    const inv = tree.get('node-1').inventory;
    expect([inv.VCPU?.allocationRatio, inv.MEMORY_MB?.allocationRatio, inv.DISK_GB?.allocationRatio]).toEqual([
      4, 1.5, 1,
    ]);
  });
});

describe('contract decisions: volume connector address', () => {
  it('ip is the configured block-storage address when set, else the host IP', async () => {
    expect(
      (await driver({ hostIp: '10.0.0.5' }).getVolumeConnector(ctx, { instance: { uuid: randomUUID() } })).ip,
    ).toBe('10.0.0.5');
    const split = driver({ hostIp: '10.0.0.5', blockStorageIp: '192.168.50.5' });
    expect((await split.getVolumeConnector(ctx, { instance: { uuid: randomUUID() } })).ip).toBe('192.168.50.5');
    expect(await split.getHostIp(ctx)).toBe('10.0.0.5');
  });

  it('a malformed block-storage address is VALIDATION_FAILED at construction', () => {
    expect(() => driver({ blockStorageIp: 'storage.example' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});

describe('gap: getInstanceDiskInfo lists each local disk', () => {
  it('root, ephemeral and swap are three disks with their own sizes, never one summed disk', async () => {
    const d = driver();
    const uuid = randomUUID();
    const flavor = { name: 'm1.disks', vcpus: 1, memoryMb: 512, rootGb: 10, ephemeralGb: 5, swapMb: 512 };
    await d.spawn(ctx, { instance: { uuid, flavor }, imageMeta: { id: 'cirros', diskFormat: 'qcow2' } });
    const disks = await d.getInstanceDiskInfo(ctx, { instance: { uuid } });
    expect(disks.map((x) => [x.path.split('/').pop(), x.type, x.virtualSizeBytes])).toEqual([
      ['disk', 'qcow2', 10 * 1024 ** 3],
      ['disk.eph0', 'qcow2', 5 * 1024 ** 3],
      ['disk.swap', 'raw', 512 * 1024 ** 2],
    ]);
    expect(disks[0]!.backingFile).toBeDefined();
    expect(disks[1]!.backingFile).toBeUndefined();
    // A volume-backed instance has no local root disk, but its ephemeral disk is still local.
    const bfv = randomUUID();
    await d.spawn(ctx, {
      instance: { uuid: bfv, flavor: { ...flavor, rootGb: 0, swapMb: 0 } },
      imageMeta: { diskFormat: 'qcow2' },
    });
    expect((await d.getInstanceDiskInfo(ctx, { instance: { uuid: bfv } })).map((x) => x.path.split('/').pop())).toEqual(
      ['disk.eph0'],
    );
  });
});

describe('gap: getDeviceNameForInstance never answers the root disk own device', () => {
  const ask = async (d: any, uuid: string, extra: Record<string, unknown>, wish?: string): Promise<string> =>
    d.getDeviceNameForInstance(ctx, {
      instance: { uuid, ...extra },
      bdms: (extra.bdms as unknown[]) ?? [],
      blockDevice: { sourceType: 'volume', destinationType: 'volume', ...(wish ? { deviceName: wish } : {}) },
    });

  it('with no root name in the request, the default root (/dev/vda) is not given out, even when wished', async () => {
    const d = driver();
    const uuid = randomUUID();
    await d.spawn(ctx, {
      instance: { uuid, flavor: { name: 'f', vcpus: 1, memoryMb: 64, rootGb: 1 } },
      imageMeta: { diskFormat: 'qcow2' },
    });
    expect(await ask(d, uuid, {}, '/dev/vda')).toBe('/dev/vdb');
    expect(await ask(d, uuid, {})).toBe('/dev/vdb');
  });

  it('the boot row names the root: its device is taken', async () => {
    const d = driver();
    const uuid = randomUUID();
    const bdms = [
      { sourceType: 'image' as const, destinationType: 'local' as const, bootIndex: 0, deviceName: '/dev/sda' },
    ];
    await d.spawn(ctx, {
      instance: { uuid, flavor: { name: 'f', vcpus: 1, memoryMb: 64, rootGb: 1 } },
      imageMeta: { diskFormat: 'qcow2' },
    });
    const name = await d.getDeviceNameForInstance(ctx, {
      instance: { uuid },
      bdms,
      blockDevice: { sourceType: 'volume', destinationType: 'volume', deviceName: '/dev/sda' },
    });
    expect(name).not.toBe('/dev/sda');
  });
});

describe('contract decisions: snapshot into a pre-created image', () => {
  it('fills the image the caller created; an unknown id is NOT_FOUND; an image holding data is CONFLICT; nothing changes on refusal', async () => {
    const d = driver();
    const uuid = randomUUID();
    await d.spawn(ctx, {
      instance: { uuid, flavor: { name: 'f', vcpus: 1, memoryMb: 64, rootGb: 1 } },
      imageMeta: { diskFormat: 'qcow2' },
    });
    const imageId = d.fabric.createImage();
    expect(d.fabric.images.get(imageId)).toEqual({ id: imageId, status: 'queued' });
    await d.snapshot(ctx, { instance: { uuid }, imageId });
    expect(d.fabric.images.get(imageId)).toMatchObject({ status: 'active', sourceUuid: uuid });
    const unknown = `never-created-${randomUUID()}`;
    await expect(d.snapshot(ctx, { instance: { uuid }, imageId: unknown })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(d.fabric.images.has(unknown)).toBe(false);
    await expect(d.snapshot(ctx, { instance: { uuid }, imageId })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(d.fabric.images.get(imageId)).toMatchObject({ status: 'active', sourceUuid: uuid });
    expect(() => d.fabric.createImage(imageId)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
  });
});
