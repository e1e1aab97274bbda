import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Vif } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver, QemuTapDriver } from '../src/index.js';
import { QemuImg } from '../src/runtime/qemu-img.js';
import { itUnless } from './helpers/it-unless.js';
import { findExecutable } from './helpers/qemu-process.js';

// diagnostics.usage needs real counters for every interface: user-mode NICs have none, so QemuDriver (which
// accepts them) does not advertise it and QemuTapDriver (which advertises it) refuses them. The tap counters
// themselves are proven in tests/multihost/tap-usage.test.ts (a namespace host, a pinged guest).

const unavailable =
  findExecutable('qemu-system-x86_64') && findExecutable('qemu-img')
    ? undefined
    : 'qemu-system-x86_64 / qemu-img are not installed';
const qemuIt = itUnless(unavailable, 'QemuTapDriver with QEMU');
const ctx = {};
const aNumber: unknown = expect.any(Number);
const flavor = { name: 'usage', vcpus: 1, memoryMb: 64, rootGb: 1 };
const userVif = (): Vif => ({
  id: randomUUID(),
  address: '52:54:00:dd:00:01',
  type: 'user',
  network: { id: 'n', label: 'n' },
});

describe('diagnostics.usage on QEMU: advertised only where every interface has counters', () => {
  const drivers: QemuDriver[] = [];
  const make = <D extends QemuDriver>(D: new (h: object) => D): D => {
    const d = new D({ hostname: 'usage-host', options: { allowedDirs: [tmpdir()] } });
    drivers.push(d);
    return d;
  };
  afterAll(async () => {
    await Promise.all(drivers.map((d) => d.close()));
  });

  it('QemuDriver (user-mode NICs allowed) does not advertise it: the calls are NOT_SUPPORTED', async () => {
    const d = make(QemuDriver) as unknown as Record<string, (...a: unknown[]) => Promise<unknown>> & QemuDriver;
    expect(d.capabilities.capabilities['diagnostics.usage']).toBe(false);
    await expect(d.getAllBwCounters(ctx, { instances: [] })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'diagnostics.usage',
    });
    expect(make(QemuTapDriver).capabilities.capabilities).toMatchObject({
      'diagnostics.usage': true,
      diagnostics: true,
      network: true,
    });
  });

  qemuIt(
    'QemuTapDriver refuses user-mode VIFs at spawn, plug and attach, and changes nothing',
    async () => {
      const d = make(QemuTapDriver);
      const uuid = randomUUID();
      const spawned = await d
        .spawn(ctx, { instance: { uuid, flavor }, imageMeta: NO_OS_IMAGE, networkInfo: [userVif()] })
        .catch((e: unknown) => e);
      expect(spawned).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((spawned as { paths: string[] }).paths).toEqual(['networkInfo[0].type']);
      expect(await d.listInstanceUuids(ctx)).toEqual([]);
      await d.spawn(ctx, { instance: { uuid, flavor }, imageMeta: NO_OS_IMAGE });
      const plugged = await d.plugVifs(ctx, { instance: { uuid }, networkInfo: [userVif()] }).catch((e: unknown) => e);
      expect((plugged as { paths: string[] }).paths).toEqual(['networkInfo[0].type']);
      const attached = await d
        .attachInterface(ctx, { instance: { uuid }, imageMeta: NO_OS_IMAGE, vif: userVif() })
        .catch((e: unknown) => e);
      expect(attached).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect((attached as { paths: string[] }).paths).toEqual(['vif.type']);
      expect((await d.getInstanceDiagnostics(ctx, { instance: { uuid } })).numNics).toBe(0);
      // an instance without NICs has no bandwidth entry; its disk counters are QEMU's
      expect(await d.getAllBwCounters(ctx, { instances: [{ uuid }] })).toEqual([]);
      const stats = await d.blockStats(ctx, { instance: { uuid }, diskId: 'sda' });
      expect(Object.keys(stats).sort()).toEqual(['errors', 'readBytes', 'readRequests', 'writeBytes', 'writeRequests']);
      await expect(d.blockStats(ctx, { instance: { uuid }, diskId: 'vdb' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await d.destroy(ctx, { instance: { uuid } });
    },
    60_000,
  );

  qemuIt(
    'QemuTapDriver reports the usage of an attached volume (query-blockstats), none once detached',
    async () => {
      const d = make(QemuTapDriver);
      const dir = await mkdtemp(join(tmpdir(), 'virtkit-usage-'));
      try {
        const path = join(dir, 'vol.raw');
        await new QemuImg('qemu-img').run(['create', '-q', '-f', 'raw', path, String(64 * 1024 * 1024)]);
        const uuid = randomUUID();
        await d.spawn(ctx, { instance: { uuid, flavor }, imageMeta: NO_OS_IMAGE });
        const connectionInfo = { driverVolumeType: 'file', data: { path, format: 'raw' }, volumeId: 'vol-usage' };
        const mapping = {
          instance: { uuid },
          volumes: [{ mountDevice: 'sdb', connectionInfo, volumeId: 'vol-usage' }],
        };
        const full = { instance: { uuid, flavor }, connectionInfo, mountpoint: 'sdb' };
        await d.attachVolume(ctx, full);
        const usage = await d.getAllVolumeUsage(ctx, { instances: [mapping] });
        expect(usage).toEqual([
          {
            volumeId: 'vol-usage',
            instanceUuid: uuid,
            readRequests: aNumber,
            readBytes: aNumber,
            writeRequests: aNumber,
            writeBytes: aNumber,
          },
        ]);
        await d.detachVolume(ctx, full);
        expect(await d.getAllVolumeUsage(ctx, { instances: [mapping] })).toEqual([]);
        await d.destroy(ctx, { instance: { uuid } });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
