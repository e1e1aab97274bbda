import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QmpClient } from '../src/qmp/index.js';
import { itUnless } from './helpers/it-unless.js';
import { exitWithin, spawnQemu, type QemuProcess } from './helpers/qemu-process.js';
import {
  buildTestGuest,
  GUEST_READY_MARKER,
  testGuestUnavailableReason,
  waitForSerial,
  type TestGuest,
} from './helpers/test-guest.js';

const unavailable = testGuestUnavailableReason();
const guestIt = itUnless(unavailable, 'test-guest tests');

const BOOT_TIMEOUT_MS = 60_000;
const POWERDOWN_TIMEOUT_MS = 20_000;

describe('the tiny Debian test guest under QEMU (TCG)', () => {
  let guest: TestGuest;
  let dir: string | undefined;
  let qemu: QemuProcess | undefined;
  let qmp: QmpClient | undefined;

  beforeAll(() => {
    if (!unavailable) guest = buildTestGuest();
  }, 600_000);

  afterEach(async () => {
    await qmp?.close();
    await qemu?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
    qmp = qemu = dir = undefined;
  });

  /** Boots the guest with a pcie-root-port for hotplug; resolves once the ready marker is on ttyS0. */
  async function boot(): Promise<{ serial: string; spawnToReadyMs: number; guestUptime: string }> {
    dir = mkdtempSync(join(tmpdir(), 'virtkit-test-guest-'));
    const serial = join(dir, 'serial.log');
    const socket = join(dir, 'qmp.sock');
    const started = Date.now();
    qemu = spawnQemu('qemu-system-x86_64', [
      '-machine',
      'q35,accel=tcg',
      '-m',
      '256',
      '-nodefaults',
      '-display',
      'none',
      '-serial',
      `file:${serial}`,
      '-kernel',
      guest.kernel,
      '-initrd',
      guest.initrd,
      '-append',
      'console=ttyS0 panic=-1 quiet',
      '-device',
      'pcie-root-port,id=rp1,chassis=1',
      '-qmp',
      `unix:${socket},server=on,wait=off`,
    ]);
    const proc = qemu;
    qmp = await QmpClient.connect(socket, { timeoutMs: 10_000 });
    const line = await waitForSerial(serial, GUEST_READY_MARKER, {
      timeoutMs: BOOT_TIMEOUT_MS,
      isAlive: () => !proc.hasExited,
    });
    return { serial, spawnToReadyMs: Date.now() - started, guestUptime: line.match(/uptime=([\d.]+)/)?.[1] ?? '?' };
  }

  guestIt(
    'boots to the ready marker and powers off on ACPI system_powerdown',
    async () => {
      const { serial, spawnToReadyMs, guestUptime } = await boot();
      const client = qmp as QmpClient;
      const shutdown = client.waitForEvent<{ guest: boolean; reason: string }>(
        'SHUTDOWN',
        undefined,
        POWERDOWN_TIMEOUT_MS,
      );
      const powerdownAt = Date.now();
      await client.execute('system_powerdown');
      const event = await shutdown;
      const exit = await exitWithin(qemu as QemuProcess, POWERDOWN_TIMEOUT_MS);
      console.log(
        `test guest: spawn -> ${GUEST_READY_MARKER} ${spawnToReadyMs} ms (guest uptime ${guestUptime} s); ` +
          `system_powerdown -> exit ${Date.now() - powerdownAt} ms`,
      );
      expect(event.data).toMatchObject({ guest: true, reason: 'guest-shutdown' });
      expect(exit).toEqual({ code: 0, signal: null });
      const log = readFileSync(serial, 'utf8');
      expect(log).not.toContain('insmod'); // /init reports a module that failed to load
      expect(log).toContain('power button');
    },
    120_000,
  );

  guestIt(
    'hotplugs a virtio-blk disk on a pcie-root-port and unplugs it (DEVICE_DELETED)',
    async () => {
      await boot();
      const client = qmp as QmpClient;
      const image = join(dir as string, 'disk.qcow2');
      execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '64M']);
      await client.execute('blockdev-add', {
        driver: 'qcow2',
        'node-name': 'disk1',
        file: { driver: 'file', filename: image },
      });
      const addedAt = Date.now();
      await client.execute('device_add', { driver: 'virtio-blk-pci', id: 'vdisk1', drive: 'disk1', bus: 'rp1' });
      // DRIVER_OK in the device status means the guest's virtio_blk has bound the new disk
      const boundMs = await waitForDriverOk(client, '/machine/peripheral/vdisk1/virtio-backend', 20_000);
      const deleted = client.waitForEvent<{ device?: string }>(
        'DEVICE_DELETED',
        (e) => e.data.device === 'vdisk1',
        20_000,
      );
      const deletedAt = Date.now();
      await client.execute('device_del', { id: 'vdisk1' });
      await deleted;
      const unplugMs = Date.now() - deletedAt;
      // once the frontend is gone the node is no longer in use
      await client.execute('blockdev-del', { 'node-name': 'disk1' });
      console.log(
        `test guest hotplug: device_add -> guest driver bound ${boundMs - addedAt} ms; device_del -> DEVICE_DELETED ${unplugMs} ms`,
      );
      await expect(client.execute('query-block')).resolves.toEqual([]);
    },
    120_000,
  );
});

/** Polls `x-query-virtio-status` until the guest driver sets DRIVER_OK; returns when (epoch ms). */
async function waitForDriverOk(client: QmpClient, path: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await client
      .execute<{ status: { statuses: string[] } }>('x-query-virtio-status', { path })
      .catch(() => undefined);
    // QEMU 7.2 describes each bit: 'VIRTIO_CONFIG_S_DRIVER_OK: Driver setup and ready'
    if (status?.status.statuses.some((s) => s.startsWith('VIRTIO_CONFIG_S_DRIVER_OK'))) return Date.now();
    if (Date.now() > deadline) throw new Error(`guest driver did not bind ${path} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
