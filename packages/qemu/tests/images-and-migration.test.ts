import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PowerState, type MigrateData } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver } from '../src/index.js';
import { processesMentioning } from '../src/runtime/proc-utils.js';
import { itUnless } from './helpers/it-unless.js';
import { findExecutable } from './helpers/qemu-process.js';
import { TEST_ALLOWED_DIRS } from './helpers/test-guest.js';

const qemuIt = itUnless(
  findExecutable('qemu-system-x86_64') && findExecutable('qemu-img') ? undefined : 'QEMU is not installed',
  'QEMU image and migration tests',
);
const ctx = {};
const flavor = { name: 'tiny', vcpus: 1, memoryMb: 64, rootGb: 1 };
const ref = (uuid: string) => ({ instance: { uuid } });

describe('disk images, image snapshots and migration transports', () => {
  let dir: string;
  const drivers: QemuDriver[] = [];
  const driver = (hostname: string, options: Record<string, unknown> = {}): QemuDriver => {
    const d = new QemuDriver({ hostname, options: { allowedDirs: TEST_ALLOWED_DIRS, ...options } });
    drivers.push(d);
    return d;
  };
  const qemuImgInfo = (file: string): { format: string; 'backing-filename'?: string } =>
    JSON.parse(execFileSync('qemu-img', ['info', '--output=json', '-U', file], { encoding: 'utf8' }));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtkit-qemu-images-'));
  });
  afterEach(async () => {
    for (const d of drivers.splice(0)) {
      const root = d.stateRoot;
      await d.close();
      if (root) expect(processesMentioning(`${root}/`)).toEqual([]);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  qemuIt(
    'an instance boots from a qcow2 overlay on its image; a snapshot is a flattened qcow2',
    async () => {
      const base = join(dir, 'base.qcow2');
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '512M']);
      const d = driver('images', { imageDir: join(dir, 'images') });
      await d.initHost(ctx, { host: 'images' });
      const uuid = randomUUID();
      await d.spawn(ctx, {
        instance: { uuid, name: 'from-image', flavor: { ...flavor, rootGb: 2 } },
        imageMeta: { diskFormat: 'qcow2', properties: { virtkit_image_path: base } },
      });
      const [disk] = await d.getInstanceDiskInfo(ctx, { instance: { uuid } });
      expect(disk).toMatchObject({ type: 'qcow2', backingFile: base, virtualSizeBytes: 2 * 1024 ** 3 });
      const percents: number[] = [];
      // The contract: snapshot fills an image the caller created beforehand; an unknown id is NOT_FOUND.
      await expect(d.snapshot(ctx, { ...ref(uuid), imageId: 'never-created' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await d.createImage('snap-1');
      await d.snapshot({ onProgress: (p) => void percents.push(p.percent) }, { ...ref(uuid), imageId: 'snap-1' });
      expect(percents.at(-1)).toBe(100);
      const image = join(dir, 'images', 'snap-1.qcow2');
      expect(qemuImgInfo(image)).toMatchObject({ format: 'qcow2' });
      expect(qemuImgInfo(image)['backing-filename']).toBeUndefined();
      await expect(d.snapshot(ctx, { ...ref(uuid), imageId: 'snap-1' })).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(d.createImage('snap-1')).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(d.snapshot(ctx, { ...ref(uuid), imageId: '../escape' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await d.destroy(ctx, ref(uuid));
      expect(existsSync(join(d.stateRoot!, uuid))).toBe(false);
    },
    60_000,
  );

  qemuIt(
    'live migration over TCP, and migrate data that would reach QEMU as another URI is refused',
    async () => {
      const source = driver('src', { migrationTransport: 'tcp', hostIp: '127.0.0.1' });
      const destination = driver('dst', { migrationTransport: 'tcp', hostIp: '127.0.0.1' });
      await source.initHost(ctx, { host: 'src' });
      await destination.initHost(ctx, { host: 'dst' });
      const uuid = randomUUID();
      const instance = { uuid, name: 'mover', flavor };
      await source.spawn(ctx, { instance, imageMeta: NO_OS_IMAGE });
      const destCheckData = await destination.checkCanLiveMigrateDestination(ctx, {
        instance,
        srcComputeInfo: {},
        dstComputeInfo: {},
      });
      const sourceData = await source.checkCanLiveMigrateSource(ctx, { instance, destCheckData });
      // The protocol's order: before preLiveMigration at the destination, liveMigration is INVALID_STATE naming the
      // step.
      for (const migrateData of [undefined, sourceData]) {
        await expect(source.liveMigration(ctx, { instance, dest: 'dst', migrateData })).rejects.toMatchObject({
          code: 'INVALID_STATE',
          message: expect.stringContaining('preLiveMigration'),
        });
        expect((await source.getInfo(ctx, ref(uuid))).state).toBe(PowerState.RUNNING);
      }
      const migrateData: MigrateData = await destination.preLiveMigration(ctx, { instance, migrateData: sourceData });
      expect(migrateData.targetConnectAddr).toMatch(/^tcp:127\.0\.0\.1:\d+$/);

      const marker = join(dir, 'pwned');
      const withAddress = (targetConnectAddr: string): MigrateData => ({ ...migrateData, targetConnectAddr });
      const withNbd = (nbd: string): MigrateData => ({
        ...migrateData,
        driverData: { ...migrateData.driverData, qemu: { ...(migrateData.driverData?.qemu as object), nbd } },
      });
      for (const data of [
        withAddress(`exec:touch ${marker}`),
        withNbd(`exec:touch ${marker}`),
        withAddress('unix:/tmp/a,b/migrate.sock'),
        withAddress('tcp:127.0.0.1:1,x=y'),
      ]) {
        await expect(source.liveMigration(ctx, { instance, dest: 'dst', migrateData: data })).rejects.toMatchObject({
          code: 'VALIDATION_FAILED',
        });
        expect((await source.getInfo(ctx, ref(uuid))).state).toBe(PowerState.RUNNING);
      }
      expect(existsSync(marker)).toBe(false);

      await source.liveMigration(ctx, { instance, dest: 'dst', migrateData });
      await destination.postLiveMigrationAtDestination(ctx, { instance });
      expect(await source.listInstanceUuids(ctx)).toEqual([]);
      expect((await destination.getInfo(ctx, ref(uuid))).state).toBe(PowerState.RUNNING);
      await destination.destroy(ctx, ref(uuid));
    },
    60_000,
  );
});
