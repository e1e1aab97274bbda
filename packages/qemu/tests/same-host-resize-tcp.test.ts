import { randomUUID } from 'node:crypto';
import { PowerState } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver } from '../src/index.js';
import { processArgs, processesMentioning } from '../src/runtime/proc-utils.js';
import { itUnless } from './helpers/it-unless.js';
import { findExecutable } from './helpers/qemu-process.js';

const qemuIt = itUnless(
  findExecutable('qemu-system-x86_64') && findExecutable('qemu-nbd') ? undefined : 'QEMU / qemu-nbd are not installed',
  'QEMU same-host resize over TCP',
);
const ctx = {};
const flavor = { name: 'tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const larger = { name: 'larger', vcpus: 2, memoryMb: 128, rootGb: 2 };

// With `migrationTransport: 'tcp'`, migrateDiskAndPowerOff serves the disk over NBD for the destination to copy.
// A move to the same host (a resize) copies nothing: the export must not keep the disk's lock while the instance
// is resized and started in place (found by the kit's migration suites on two agents, tests/multihost).
describe('a resize on the same host with TCP migrations', () => {
  const driver = new QemuDriver({
    hostname: 'resize-host',
    options: { migrationTransport: 'tcp', hostIp: '127.0.0.1' },
  });
  afterAll(async () => {
    const root = driver.stateRoot;
    await driver.close();
    if (root) expect(processesMentioning(`${root}/`)).toEqual([]);
  });

  qemuIt(
    'grows the disk and starts the instance in place, then a revert brings the old flavor back, no export left',
    async () => {
      await driver.initHost(ctx, { host: 'resize-host' });
      const uuid = randomUUID();
      const instance = { uuid, name: 'resize', flavor };
      await driver.spawn(ctx, { instance, imageMeta: NO_OS_IMAGE });
      const migration = { id: randomUUID(), sourceCompute: 'resize-host', destCompute: 'resize-host' };
      const diskInfo = await driver.migrateDiskAndPowerOff(ctx, { instance, dest: 'resize-host', flavor: larger });
      expect(diskInfo[0]!.path).toMatch(/^nbd:\/\//);
      const root = driver.stateRoot!;
      await driver.finishMigration(ctx, {
        instance: { ...instance, flavor: larger },
        migration: { ...migration, migrationType: 'resize' },
        diskInfo,
        imageMeta: NO_OS_IMAGE,
        resizeInstance: true,
      });
      expect(await driver.getInfo(ctx, { instance: { uuid } })).toMatchObject({
        state: PowerState.RUNNING,
        numCpu: 2,
      });
      const [disk] = await driver.getInstanceDiskInfo(ctx, { instance: { uuid } });
      expect(disk!.virtualSizeBytes).toBe(2 * 1024 ** 3);
      // the export is gone: what runs from the state root is the instance's QEMU alone
      const nbd = (): number[] =>
        processesMentioning(`${root}/`).filter((pid) => processArgs(pid)?.some((a) => a.endsWith('qemu-nbd')));
      expect(nbd()).toEqual([]);
      await driver.finishRevertMigration(ctx, { instance, migration, powerOn: true });
      expect(await driver.getInfo(ctx, { instance: { uuid } })).toMatchObject({
        state: PowerState.RUNNING,
        numCpu: 1,
      });
      await driver.destroy(ctx, { instance: { uuid } });
    },
    120_000,
  );
});
