import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DriverBase, Flavor, HostApi, ImageMeta, VolumeConnectionInfo } from '@virtkit/core';
import { IMAGE_PROPERTIES } from '../capabilities/lifecycle/boot-source.js';
import { QemuDriver } from '../qemu-driver.js';
import { createQemuImage } from './image-fixture.js';
import { processesMentioning } from '../runtime/proc-utils.js';
import { QemuImg } from '../runtime/qemu-img.js';
import { locateTestGuest } from './test-guest.js';

/**
 * The conformance-kit fixtures of the QEMU driver (the shape of
 * `@virtkit/conformance`'s `ConformanceFixtures`, without depending on it).
 */
export interface QemuConformanceFixtures {
  flavor: Flavor;
  imageMeta: ImageMeta;
  guestImageMeta?: ImageMeta;
  rescueImageMeta: ImageMeta;
  createVolume: (sizeBytes: number) => Promise<{ connectionInfo: VolumeConnectionInfo; release(): Promise<void> }>;
  createMigrationPair: (
    hostApi?: HostApi,
  ) => Promise<{ source: DriverBase; destination: DriverBase; destinationHost: string; release(): Promise<void> }>;
  leakCheck: (driver: DriverBase) => Promise<string[]>;
  createImage: (driver: DriverBase) => Promise<{ imageId: string; release(): Promise<void> }>;
  testTimeoutMs: number;
  /** Real VMs are slow to make: one walk per capability checks every aspect at once. */
  combinedWalks: boolean;
  /**
   * Fewer model-based sequences than on an in-memory driver; usage compared after each sequence (stopped guests hold no
   * vCPUs or memory here).
   */
  modelBased: { sequences: number; maxCommands: number; exactUsage: boolean };
}

/** Model-based sequences `virtkit conformance --driver @virtkit/qemu` runs by default (each boots real VMs). */
export const KIT_MODEL_SEQUENCES = 10;

/**
 * Bandwidth cap (bytes/s) of the kit's migration pair: a no-OS guest of the kit
 * flavor (256 MiB, mostly zero pages) then takes about half a second to migrate.
 */
export const KIT_MIGRATION_BANDWIDTH = 1024 * 1024;

/**
 * An image with no OS: firmware only, a blank root disk on the SCSI bus and
 * USB NICs, so hot-unplug completes without a guest (in every power state)
 * and instances start in a fraction of a second.
 */
export const NO_OS_IMAGE: ImageMeta = Object.freeze({
  name: 'virtkit-no-os',
  diskFormat: 'raw',
  properties: Object.freeze({
    [IMAGE_PROPERTIES.boot]: 'none',
    [IMAGE_PROPERTIES.diskBus]: 'scsi',
    [IMAGE_PROPERTIES.vifModel]: 'usb',
  }),
}) as ImageMeta;

/**
 * Build the fixtures: the no-OS image for most tests, the tiny Linux test
 * guest (built or found in the cache; it answers the ACPI power button and
 * releases hot-unplugged virtio devices) as `guestImageMeta`, file volumes
 * made with `qemu-img`, two drivers as two hosts, and a leak check for QEMU
 * processes and state directories.
 */
export async function qemuConformanceFixtures(): Promise<QemuConformanceFixtures> {
  const img = new QemuImg('qemu-img');
  const guest = await locateTestGuest().catch(() => undefined);
  return {
    // the test guest needs ~200 MiB; guest memory is allocated lazily, so the no-OS VMs do not pay for it
    flavor: { name: 'kit.qemu', vcpus: 1, memoryMb: 256, rootGb: 1 },
    imageMeta: NO_OS_IMAGE,
    rescueImageMeta: NO_OS_IMAGE,
    ...(guest
      ? {
          guestImageMeta: {
            name: 'virtkit-test-guest',
            properties: {
              [IMAGE_PROPERTIES.kernel]: guest.kernel,
              [IMAGE_PROPERTIES.initrd]: guest.initrd,
              [IMAGE_PROPERTIES.kernelArgs]: 'console=ttyS0 panic=-1 quiet',
              [IMAGE_PROPERTIES.guestAcpi]: 'yes',
            },
          },
        }
      : {}),
    async createVolume(sizeBytes) {
      const dir = await mkdtemp(join(tmpdir(), 'virtkit-qemu-vol-'));
      const volumeId = `kit-vol-${randomUUID()}`;
      const path = join(dir, `${volumeId}.raw`);
      await img.run(['create', '-q', '-f', 'raw', path, String(sizeBytes)]);
      return {
        connectionInfo: { driverVolumeType: 'file', data: { path, format: 'raw' }, volumeId },
        release: () => rm(dir, { recursive: true, force: true }),
      };
    },
    async createMigrationPair(hostApi?: HostApi) {
      // capped: the kit's abort and force-complete tests act on a migration in flight, and an uncapped
      // no-OS guest migrates in a few milliseconds
      const options = { migration: { maxBandwidthBytesPerSec: KIT_MIGRATION_BANDWIDTH } };
      const logger = hostApi?.logger ? { logger: hostApi.logger } : {};
      const source = new QemuDriver({ ...logger, hostname: 'kit-source', options });
      const destination = new QemuDriver({ ...logger, hostname: 'kit-destination', options });
      return {
        source,
        destination,
        destinationHost: 'kit-destination',
        release: async () => {
          await Promise.all([source.close(), destination.close()]);
        },
      };
    },
    leakCheck: qemuLeakCheck,
    createImage: createQemuImage,
    testTimeoutMs: 90_000,
    combinedWalks: true,
    modelBased: { sequences: KIT_MODEL_SEQUENCES, maxCommands: 12, exactUsage: false },
  };
}

/** QEMU processes still running from the driver's state root, and instance directories left in it. */
export async function qemuLeakCheck(driver: DriverBase): Promise<string[]> {
  const root = (driver as QemuDriver).stateRoot;
  if (!root) return [];
  const problems: string[] = [];
  const pids = processesMentioning(`${root}/`);
  if (pids.length > 0) problems.push(`QEMU process(es) left running: ${pids.join(', ')}`);
  const dirs = (await readdir(root).catch(() => [] as string[])).filter((d) => /^[0-9a-f-]{36}$/.test(d));
  if (dirs.length > 0)
    problems.push(`instance state director${dirs.length === 1 ? 'y' : 'ies'} left: ${dirs.join(', ')}`);
  return problems;
}
