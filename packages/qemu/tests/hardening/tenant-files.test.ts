import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PowerState } from '@virtkit/core';
import { ALLOWED_DIRS_ENV, NO_OS_IMAGE, type QemuDriver } from '../../src/index.js';
import { processArgs } from '../../src/runtime/proc-utils.js';
import {
  codeOf,
  ctx,
  FLAVOR,
  HardeningEnv,
  QEMU_UNAVAILABLE,
  qemuIt,
  qemuPid,
  recordQemuReliability,
  ref,
} from './hardening-env.js';

// Issue #12 items 1 and 9: files named by requests are tenant input twice over. Their path decides
// which host file QEMU opens (confined to allowed directories, symlinks resolved), and a qcow2's
// header names more files QEMU would open on its own (backing file, external data file): refused.

const { RUNNING } = PowerState;
const secIt = qemuIt('QEMU tenant-file tests');

let attacks = 0;
let held = 0;
const started = Date.now();
afterAll(() => {
  if (attacks > 0)
    recordQemuReliability('tenant-files', {
      securityChecks: attacks,
      securityFailures: attacks - held,
      durationMs: Date.now() - started,
    });
});

const qemuImg = (...args: string[]): void => void execFileSync('qemu-img', ['create', '-q', ...args]);
const diskImage = (path: string, diskFormat = 'qcow2'): object => ({
  diskFormat,
  properties: { virtkit_image_path: path },
});
const fileVolume = (
  path: string,
  format: string,
): { driverVolumeType: string; data: Record<string, unknown>; volumeId: string } => ({
  driverVolumeType: 'file',
  data: { path, format },
  volumeId: `vol-${randomUUID().slice(0, 8)}`,
});

describe('tenant images and volumes', () => {
  let env: HardeningEnv;
  let d: QemuDriver;
  let uuid: string;
  let instance: { uuid: string; name: string; flavor: typeof FLAVOR };
  let evil: string;
  beforeAll(async () => {
    env = new HardeningEnv();
    if (QEMU_UNAVAILABLE) return;
    d = await env.driver('tenant');
    uuid = await env.spawn(d);
    instance = { uuid, name: 'tenant-target', flavor: FLAVOR };
    evil = join(env.dir, 'evil.qcow2');
    qemuImg('-f', 'qcow2', '-b', '/etc/hostname', '-F', 'raw', evil);
  }, 60_000);
  afterAll(async () => {
    await env.dispose();
  });

  /** A refused call: VALIDATION_FAILED, no new instance, no new file in the state root, the target untouched. */
  async function expectRefused(what: string, call: Promise<unknown>): Promise<void> {
    attacks++;
    const before = readdirSync(d.stateRoot!).sort();
    const got = await codeOf(call);
    const after = readdirSync(d.stateRoot!).sort();
    const ok = got === 'VALIDATION_FAILED' && JSON.stringify(before) === JSON.stringify(after);
    if (ok) held++;
    expect([what, got, after]).toEqual([what, 'VALIDATION_FAILED', before]);
    expect(await d.listInstanceUuids(ctx)).toEqual([uuid]);
    expect((await d.getInstanceDiagnostics(ctx, ref(uuid))).numDisks).toBe(1);
  }

  secIt(
    'a qcow2 with a backing file (/etc/hostname) is refused as spawn image, rescue image and file volume',
    async () => {
      const spawn = (imageMeta: object, extra: object = {}): Promise<void> =>
        d.spawn(ctx, { instance: { uuid: randomUUID(), name: 'evil', flavor: FLAVOR }, imageMeta, ...extra } as never);
      await expectRefused('spawn image', spawn(diskImage(evil)));
      await expectRefused('spawn image declared raw (its contents are qcow2)', spawn(diskImage(evil, 'raw')));
      await expectRefused('rescue image', d.rescue(ctx, { ...ref(uuid), imageMeta: diskImage(evil) } as never));
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(RUNNING);
      const bdm = {
        blockDeviceInfo: {
          blockDeviceMapping: [{ mountDevice: '/dev/sdb', connectionInfo: fileVolume(evil, 'qcow2') }],
        },
      };
      await expectRefused('spawn volume', spawn(NO_OS_IMAGE, bdm));
      await expectRefused(
        'attached volume',
        d.attachVolume(ctx, { instance, connectionInfo: fileVolume(evil, 'qcow2'), mountpoint: 'sdb' }),
      );
      const good = env.volume('swap-source');
      await d.attachVolume(ctx, { instance, connectionInfo: good, mountpoint: 'sdb' });
      attacks++;
      const swapped = await codeOf(
        d.swapVolume(ctx, {
          instance,
          oldConnectionInfo: good,
          newConnectionInfo: fileVolume(evil, 'qcow2'),
          mountpoint: 'sdb',
        } as never),
      );
      if (swapped === 'VALIDATION_FAILED') held++;
      expect(swapped).toBe('VALIDATION_FAILED');
      await d.detachVolume(ctx, { instance, connectionInfo: good, mountpoint: 'sdb' });
    },
  );

  secIt('a qcow2 with an external data file is refused as image and volume', async () => {
    const withData = join(env.dir, 'with-data.qcow2');
    qemuImg('-f', 'qcow2', '-o', `data_file=${join(env.dir, 'data.raw')},data_file_raw=on`, withData, '1M');
    await expectRefused(
      'spawn image',
      d.spawn(ctx, {
        instance: { uuid: randomUUID(), name: 'df', flavor: FLAVOR },
        imageMeta: diskImage(withData),
      } as never),
    );
    await expectRefused(
      'attached volume',
      d.attachVolume(ctx, { instance, connectionInfo: fileVolume(withData, 'qcow2'), mountpoint: 'sdb' }),
    );
  });

  secIt("clean qcow2 images and volumes still work, and the driver's own overlay boots from its base", async () => {
    const base = join(env.dir, 'base.qcow2');
    qemuImg('-f', 'qcow2', base, '32M');
    const vm = randomUUID();
    await d.spawn(ctx, { instance: { uuid: vm, name: 'clean', flavor: FLAVOR }, imageMeta: diskImage(base) } as never);
    expect((await d.getInfo(ctx, ref(vm))).state).toBe(RUNNING);
    const overlay = JSON.parse(
      execFileSync('qemu-img', ['info', '--output=json', '-U', join(d.stateRoot!, vm, 'disk.qcow2')], {
        encoding: 'utf8',
      }),
    );
    expect(overlay['backing-filename']).toBe(base);
    const qcowVolume = join(env.dir, 'clean-vol.qcow2');
    qemuImg('-f', 'qcow2', qcowVolume, '16M');
    const connectionInfo = fileVolume(qcowVolume, 'qcow2');
    await d.attachVolume(ctx, {
      instance: { uuid: vm, name: 'clean', flavor: FLAVOR },
      connectionInfo,
      mountpoint: 'sdb',
    });
    expect((await d.getInstanceDiagnostics(ctx, ref(vm))).numDisks).toBe(2);
    // on the next start the volume's node is opened with no backing at all
    await d.powerOff(ctx, ref(vm));
    await d.powerOn(ctx, ref(vm));
    const volumeNode = processArgs(qemuPid(d, vm))!.find((a) => a.includes(qcowVolume))!;
    expect(JSON.parse(volumeNode)).toMatchObject({ driver: 'qcow2', backing: null });
    await d.destroy(ctx, ref(vm));
  });

  secIt(
    "cold migration: a disk named by the request whose backing is not the instance's image is refused",
    async () => {
      const vm = randomUUID();
      const foreign = join(env.dir, 'foreign', vm);
      mkdirSync(foreign, { recursive: true });
      qemuImg('-f', 'qcow2', '-b', '/etc/hostname', '-F', 'raw', join(foreign, 'disk.qcow2'));
      const finish = d.finishMigration(ctx, {
        instance: { uuid: vm, name: 'moved', flavor: FLAVOR },
        imageMeta: NO_OS_IMAGE,
        migration: { id: 'm1', sourceCompute: 'elsewhere', destCompute: 'tenant' },
        diskInfo: [
          {
            type: 'qcow2',
            path: join(foreign, 'disk.qcow2'),
            virtualSizeBytes: 512,
            diskSizeBytes: 512,
            overCommitDiskSizeBytes: 0,
          },
        ],
        resizeInstance: false,
        powerOn: true,
      } as never);
      await expectRefused('finishMigration disk', finish);
    },
  );
});

describe('path confinement', () => {
  let env: HardeningEnv;
  afterEach(async () => {
    await env.dispose();
  });

  secIt(
    '/etc/shadow, a symlink to it, and files outside the allowed directories are refused as image, kernel and volume',
    async () => {
      env = new HardeningEnv();
      const d = await env.driver('confined');
      const uuid = await env.spawn(d);
      const instance = { uuid, name: 'confined', flavor: FLAVOR };
      const link = join(env.dir, 'innocent.raw');
      symlinkSync('/etc/shadow', link);
      // each call's outcome is taken at once (codeOf), so no rejection waits unhandled while earlier ones are read
      const cases: [string, Promise<string | undefined>][] = [];
      for (const path of ['/etc/shadow', link, '/etc/hostname']) {
        cases.push(
          [
            `image ${path}`,
            codeOf(
              d.spawn(ctx, {
                instance: { uuid: randomUUID(), name: 'x', flavor: FLAVOR },
                imageMeta: diskImage(path, 'raw'),
              } as never),
            ),
          ],
          [
            `kernel ${path}`,
            codeOf(
              d.spawn(ctx, {
                instance: { uuid: randomUUID(), name: 'x', flavor: FLAVOR },
                imageMeta: { properties: { virtkit_kernel: path } },
              } as never),
            ),
          ],
          [
            `raw volume ${path}`,
            codeOf(d.attachVolume(ctx, { instance, connectionInfo: fileVolume(path, 'raw'), mountpoint: 'sdb' })),
          ],
        );
      }
      for (const [what, call] of cases) {
        attacks++;
        const got = await call;
        if (got === 'VALIDATION_FAILED') held++;
        expect([what, got]).toEqual([what, 'VALIDATION_FAILED']);
      }
      expect(await d.listInstanceUuids(ctx)).toEqual([uuid]);
      expect((await d.getInstanceDiagnostics(ctx, ref(uuid))).numDisks).toBe(1);
      await d.destroy(ctx, ref(uuid));
    },
  );

  secIt(
    'the default allows the state root and image dir only; allowedDirs and VIRTKIT_QEMU_ALLOWED_DIRS add directories',
    async () => {
      env = new HardeningEnv();
      // another test file of this worker (the kit's fixtures) may have widened the process's allow-list
      const saved = process.env[ALLOWED_DIRS_ENV];
      delete process.env[ALLOWED_DIRS_ENV];
      const outside = env.volume('outside');
      // allowedDirs: [] replaces the env's own allow-list: the driver's defaults only
      const strict = await env.driver('strict', { allowedDirs: [] });
      const uuid = await env.spawn(strict);
      const instance = { uuid, name: 'strict', flavor: FLAVOR };
      try {
        attacks++;
        const got = await codeOf(strict.attachVolume(ctx, { instance, connectionInfo: outside, mountpoint: 'sdb' }));
        if (got === 'VALIDATION_FAILED') held++;
        expect(got).toBe('VALIDATION_FAILED');
        // a volume inside the state root is allowed by default
        mkdirSync(join(strict.stateRoot!, 'images'), { recursive: true });
        const inside = join(strict.stateRoot!, 'images', 'inside.raw');
        execFileSync('qemu-img', ['create', '-q', '-f', 'raw', inside, '8M']);
        await strict.attachVolume(ctx, { instance, connectionInfo: fileVolume(inside, 'raw'), mountpoint: 'sdc' });
        // the environment variable allows more, read at each check
        process.env[ALLOWED_DIRS_ENV] = `/nonexistent:${join(env.dir, 'volumes')}`;
        await strict.attachVolume(ctx, { instance, connectionInfo: outside, mountpoint: 'sdb' });
      } finally {
        if (saved === undefined) delete process.env[ALLOWED_DIRS_ENV];
        else process.env[ALLOWED_DIRS_ENV] = saved;
      }
      expect((await strict.getInstanceDiagnostics(ctx, ref(uuid))).numDisks).toBe(3);
      await strict.destroy(ctx, ref(uuid));
      expect(existsSync(outside.data.path as string)).toBe(true);
    },
  );
});
