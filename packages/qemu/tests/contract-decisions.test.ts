import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProviderTree } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver } from '../src/index.js';
import { itUnless } from './helpers/it-unless.js';
import { findExecutable } from './helpers/qemu-process.js';

const qemuIt = itUnless(
  findExecutable('qemu-system-x86_64') && findExecutable('qemu-img') ? undefined : 'QEMU is not installed',
  'QEMU contract-decision tests',
);

// Regression tests of the contract's decisions (docs/contract.md) on the QEMU driver.

const ctx = {};

describe('QEMU driver: contract decisions without a guest', () => {
  let dir: string;
  const drivers: QemuDriver[] = [];
  const driver = (options: Record<string, unknown> = {}): QemuDriver => {
    const d = new QemuDriver({
      hostname: 'decisions',
      options: { stateDir: join(dir, `s${drivers.length}`), ...options },
    });
    drivers.push(d);
    return d;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtkit-qemu-decisions-'));
  });
  afterEach(async () => {
    for (const d of drivers.splice(0)) await d.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the volume connector ip is the configured block-storage address when set, else the host IP', async () => {
    const instance = { uuid: randomUUID() };
    expect((await driver({ hostIp: '10.0.0.5' }).getVolumeConnector(ctx, { instance })).ip).toBe('10.0.0.5');
    const split = driver({ hostIp: '10.0.0.5', blockStorageIp: '192.168.50.5' });
    expect((await split.getVolumeConnector(ctx, { instance })).ip).toBe('192.168.50.5');
    expect(await split.getHostIp(ctx)).toBe('10.0.0.5');
    expect(() => driver({ blockStorageIp: 'nope' })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('updateProviderTree keeps allocation ratios already on the inventory unless the options set them', async () => {
    const tree = new ProviderTree();
    tree.newRoot('node-1', randomUUID());
    tree.updateInventory('node-1', {
      VCPU: { total: 1, allocationRatio: 16 },
      MEMORY_MB: { total: 1, allocationRatio: 1.5 },
    });
    await driver({ nodeName: 'node-1' }).updateProviderTree(ctx, { providerTree: tree, nodename: 'node-1' });
    let inv = tree.get('node-1').inventory;
    expect([inv.VCPU?.allocationRatio, inv.MEMORY_MB?.allocationRatio, inv.DISK_GB?.allocationRatio]).toEqual([
      16, 1.5, 1,
    ]);
    await driver({ nodeName: 'node-1', cpuAllocationRatio: 2 }).updateProviderTree(ctx, {
      providerTree: tree,
      nodename: 'node-1',
    });
    inv = tree.get('node-1').inventory;
    expect([inv.VCPU?.allocationRatio, inv.MEMORY_MB?.allocationRatio]).toEqual([2, 1.5]);
    expect(() => driver({ ramAllocationRatio: 0 })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('getDeviceNameForInstance never answers the root disk own device', async () => {
    const d = driver();
    const instance = { uuid: randomUUID() };
    const volumeRow = (deviceName?: string) => ({
      sourceType: 'volume' as const,
      destinationType: 'volume' as const,
      ...(deviceName ? { deviceName } : {}),
    });
    expect(await d.getDeviceNameForInstance(ctx, { instance, bdms: [], blockDevice: volumeRow() })).toBe('/dev/vdb');
    expect(await d.getDeviceNameForInstance(ctx, { instance, bdms: [], blockDevice: volumeRow('/dev/vda') })).toBe(
      '/dev/vdb',
    );
    const scsiRoot = [
      {
        sourceType: 'image' as const,
        destinationType: 'local' as const,
        bootIndex: 0,
        deviceName: '/dev/sda',
        diskBus: 'scsi',
      },
    ];
    expect(
      await d.getDeviceNameForInstance(ctx, {
        instance,
        bdms: scsiRoot,
        blockDevice: { ...volumeRow('/dev/sda'), diskBus: 'scsi' },
      }),
    ).toBe('/dev/sdb');
    expect(
      await d.getDeviceNameForInstance(ctx, {
        instance: { ...instance, rootDeviceName: '/dev/vdc' },
        bdms: [],
        blockDevice: volumeRow('/dev/vdc'),
      }),
    ).toBe('/dev/vda');
  });

  qemuIt(
    'rescue with empty image metadata boots from the instance own image (was VALIDATION_FAILED)',
    async () => {
      const d = driver();
      await d.initHost(ctx, { host: 'decisions' });
      const uuid = randomUUID();
      await d.spawn(ctx, {
        instance: { uuid, name: 'rescued', flavor: { name: 'tiny', vcpus: 1, memoryMb: 64, rootGb: 1 } },
        imageMeta: NO_OS_IMAGE,
      });
      expect(d.capabilities.features.defaultRescueImage).toBe('supported');
      await d.rescue(ctx, { instance: { uuid }, imageMeta: {} });
      expect(await d.getInfo(ctx, { instance: { uuid } })).toMatchObject({ state: 1, rescued: true });
      await d.unrescue(ctx, { instance: { uuid } });
      expect((await d.getInfo(ctx, { instance: { uuid } })).rescued).toBeUndefined();
      await d.destroy(ctx, { instance: { uuid } });
    },
    60_000,
  );
});
