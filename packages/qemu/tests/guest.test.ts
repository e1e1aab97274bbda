import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { PowerState, type ImageMeta, type LifecycleEvent } from '@virtkit/core';
import { NO_OS_IMAGE, QemuDriver } from '../src/index.js';
import { pollUntil, processesMentioning } from '../src/runtime/proc-utils.js';
import { itUnless } from './helpers/it-unless.js';
import {
  buildTestGuest,
  GUEST_READY_MARKER,
  TEST_ALLOWED_DIRS,
  testGuestUnavailableReason,
} from './helpers/test-guest.js';

const unavailable = testGuestUnavailableReason();
const guestIt = itUnless(unavailable, 'QEMU driver tests with the test guest');
const ctx = {};
const flavor = { name: 'guest', vcpus: 1, memoryMb: 256, rootGb: 1 };
const BOOT_TIMEOUT_MS = 90_000;

describe('the QEMU driver with a real guest (the tiny Debian test guest)', () => {
  let guestImage: ImageMeta;
  let volumeDir: string;
  const drivers: QemuDriver[] = [];
  const driver = (options: Record<string, unknown> = {}, hostname = 'guest-host'): QemuDriver => {
    const d = new QemuDriver({ hostname, options: { allowedDirs: TEST_ALLOWED_DIRS, ...options } });
    drivers.push(d);
    return d;
  };
  const ref = (uuid: string) => ({ instance: { uuid } });
  const spawn = async (d: QemuDriver, imageMeta: ImageMeta): Promise<string> => {
    const uuid = randomUUID();
    await d.spawn(ctx, { instance: { uuid, name: `g-${uuid.slice(0, 8)}`, flavor }, imageMeta });
    return uuid;
  };
  const console = async (d: QemuDriver, uuid: string): Promise<string> =>
    (await d.getConsoleOutput(ctx, ref(uuid))).text;
  const waitForConsole = async (d: QemuDriver, uuid: string, text: string, count = 1): Promise<void> => {
    const seen = await pollUntil(async () => (await console(d, uuid)).split(text).length > count, BOOT_TIMEOUT_MS, 100);
    if (!seen)
      throw new Error(
        `no '${text}' (x${count}) on the console within ${BOOT_TIMEOUT_MS} ms:\n${await console(d, uuid)}`,
      );
  };
  const boot = async (d: QemuDriver): Promise<string> => {
    const uuid = await spawn(d, guestImage);
    await waitForConsole(d, uuid, GUEST_READY_MARKER);
    return uuid;
  };
  const volume = (name: string) => {
    const path = join(volumeDir, `${name}.raw`);
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', path, '64M']);
    return { driverVolumeType: 'file', data: { path }, volumeId: name };
  };

  beforeAll(() => {
    if (unavailable) return;
    const guest = buildTestGuest();
    guestImage = {
      name: 'test-guest',
      properties: {
        virtkit_kernel: guest.kernel,
        virtkit_initrd: guest.initrd,
        virtkit_kernel_args: 'console=ttyS0 panic=-1 quiet',
        virtkit_guest_acpi: 'yes',
      },
    };
    volumeDir = mkdtempSync(join(tmpdir(), 'virtkit-qemu-guest-vol-'));
  }, 600_000);
  afterEach(async () => {
    for (const d of drivers.splice(0)) {
      const root = d.stateRoot;
      await d.close();
      // nothing of this driver survives it, even when the test failed
      if (root) expect(processesMentioning(`${root}/`)).toEqual([]);
    }
  });
  afterAll(() => {
    if (volumeDir) rmSync(volumeDir, { recursive: true, force: true });
  });

  guestIt(
    'powerOff with a timeout presses the ACPI button and the guest powers itself off, well before the timeout',
    async () => {
      const d = driver();
      await d.initHost(ctx, { host: 'guest-host' });
      const uuid = await boot(d);
      const started = Date.now();
      await d.powerOff(ctx, { ...ref(uuid), timeoutSec: 60, retryIntervalSec: 10 });
      expect(Date.now() - started).toBeLessThan(30_000);
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(PowerState.SHUTDOWN);
      expect(await console(d, uuid)).toContain('power button');
    },
    180_000,
  );

  guestIt(
    'without a guest OS the button is ignored: powerOff stops it after timeoutSec',
    async () => {
      const d = driver();
      await d.initHost(ctx, { host: 'guest-host' });
      const uuid = await spawn(d, NO_OS_IMAGE);
      const started = Date.now();
      await d.powerOff(ctx, { ...ref(uuid), timeoutSec: 2, retryIntervalSec: 1 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(PowerState.SHUTDOWN);
    },
    60_000,
  );

  guestIt(
    'a guest that powers off by itself (typed on the serial console) is reported SHUTDOWN, not CRASHED',
    async () => {
      const d = driver();
      await d.initHost(ctx, { host: 'guest-host' });
      const uuid = await boot(d);
      const events: LifecycleEvent[] = [];
      d.on('lifecycle', (e) => void events.push(e));
      const serial = await d.getSerialConsole(ctx, ref(uuid));
      await typeOnSerial(serial, 'poweroff -f\n');
      expect(await pollUntil(() => events.length > 0, 30_000, 50)).toBe(true);
      expect(events.map((e) => [e.transition, e.state])).toEqual([['STOPPED', PowerState.SHUTDOWN]]);
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(PowerState.SHUTDOWN);
    },
    180_000,
  );

  guestIt(
    'soft reboot asks an ACPI guest to shut down, then boots it again',
    async () => {
      const d = driver();
      await d.initHost(ctx, { host: 'guest-host' });
      const uuid = await boot(d);
      await d.reboot(ctx, { ...ref(uuid), rebootType: 'SOFT' });
      expect((await d.getInfo(ctx, ref(uuid))).state).toBe(PowerState.RUNNING);
      await waitForConsole(d, uuid, GUEST_READY_MARKER, 2);
      expect(await console(d, uuid)).toContain('power button');
    },
    180_000,
  );

  guestIt(
    'virtio volumes: the guest releases a hot-unplugged disk; without a guest the detach is a typed TIMEOUT',
    async () => {
      const d = driver({ detachTimeoutSec: 2 });
      await d.initHost(ctx, { host: 'guest-host' });
      const uuid = await boot(d);
      const data = volume(`guest-${uuid.slice(0, 8)}`);
      const request = { instance: { uuid }, connectionInfo: data, mountpoint: 'vdb' };
      await d.attachVolume(ctx, request);
      // the guest binds the disk (virtio_blk) before it is unplugged: ask it over the serial console
      const serial = await d.getSerialConsole(ctx, ref(uuid));
      const bound = await pollUntil(
        async () => {
          await typeOnSerial(serial, 'ls /sys/block\n');
          return /\bvdb\b/.test((await console(d, uuid)).split('ls /sys/block').slice(1).join(''));
        },
        30_000,
        300,
      );
      expect(bound).toBe(true);
      await d.detachVolume(ctx, request);
      expect((await d.getInstanceDiagnostics(ctx, ref(uuid))).numDisks).toBe(1);

      const bare = await spawn(d, { ...NO_OS_IMAGE, properties: { virtkit_boot: 'none' } });
      await d.attachVolume(ctx, { ...request, instance: { uuid: bare } });
      const error = await d.detachVolume(ctx, { ...request, instance: { uuid: bare } }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'TIMEOUT', name: 'DeviceDetachTimeoutError', deviceId: 'disk-vdb' });
      expect((await d.getInstanceDiagnostics(ctx, ref(bare))).numDisks).toBe(2);
      await d.destroy(ctx, ref(bare));
    },
    180_000,
  );

  guestIt(
    'a booted guest live-migrates with its disk and keeps running on the destination',
    async () => {
      const [source, destination] = [driver({}, 'src'), driver({}, 'dst')];
      await source.initHost(ctx, { host: 'src' });
      await destination.initHost(ctx, { host: 'dst' });
      const uuid = await boot(source);
      const instance = { uuid, name: `g-${uuid.slice(0, 8)}`, flavor };
      const destCheckData = await destination.checkCanLiveMigrateDestination(ctx, {
        instance,
        srcComputeInfo: {},
        dstComputeInfo: {},
      });
      const sourceData = await source.checkCanLiveMigrateSource(ctx, { instance, destCheckData });
      const migrateData = await destination.preLiveMigration(ctx, { instance, migrateData: sourceData });
      const percents: number[] = [];
      await source.liveMigration(
        { onProgress: (p) => void percents.push(p.percent) },
        { instance, dest: 'dst', migrateData },
      );
      await destination.postLiveMigrationAtDestination(ctx, { instance });
      expect(await source.listInstanceUuids(ctx)).toEqual([]);
      expect((await destination.getInfo(ctx, ref(uuid))).state).toBe(PowerState.RUNNING);
      expect(percents.at(-1)).toBe(100);
      const serial = await destination.getSerialConsole(ctx, ref(uuid));
      await typeOnSerial(serial, 'echo virtkit-arrived-$((40+2))\n');
      await waitForConsole(destination, uuid, 'virtkit-arrived-42');
      await destination.destroy(ctx, ref(uuid));
    },
    180_000,
  );
});

/** Connect to the serial console's proxy, present the secret, type `text`, and hang up. */
function typeOnSerial(serial: { port: number; secret?: string }, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(serial.port, '127.0.0.1', () => {
      socket.write(`${serial.secret}\n${text}`, () => setTimeout(() => socket.end(resolve), 200));
    });
    socket.once('error', reject);
  });
}
