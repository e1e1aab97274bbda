/**
 * @packageDocumentation
 * `@virtkit/qemu`: a virtkit driver for QEMU, driven over QMP. Each instance
 * is a `qemu-system-x86_64` process with its own state directory; the
 * default export is the driver definition (with its conformance fixtures)
 * that `loadDriver` and `virtkit conformance --driver @virtkit/qemu` use.
 */
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { defineDriverClass, defineDriverOptions } from '@virtkit/core';
import { resolveQemuConfig, type QemuDriverOptions } from './qemu-config.js';
import { qemuConformanceFixtures } from './conformance/qemu-fixtures.js';
import { ALLOWED_DIRS_ENV } from './qemu-config.js';
import { QemuDriver } from './qemu-driver.js';

export { QemuDriver };
export { QemuTapDriver } from './qemu-tap-driver.js';
export {
  qemuConformanceFixtures,
  qemuLeakCheck,
  NO_OS_IMAGE,
  KIT_MIGRATION_BANDWIDTH,
  type QemuConformanceFixtures,
} from './conformance/qemu-fixtures.js';
export { locateTestGuest, type TestGuestFiles } from './conformance/test-guest.js';
export {
  ALLOWED_DIRS_ENV,
  QEMU_ACCELERATORS,
  resolveQemuConfig,
  type QemuConfig,
  type QemuDriverOptions,
  type QemuMigrationOptions,
} from './qemu-config.js';
export { IMAGE_PROPERTIES, type BootSource } from './capabilities/lifecycle/boot-source.js';
export { FILE_VOLUME_TYPES } from './capabilities/volume/volumes.js';
export { DeviceDetachTimeoutError, QemuStartError, fromQmpError } from './errors/qemu-errors.js';
export {
  QMP_ERROR_CODES,
  QmpAbortedError,
  QmpClient,
  QmpClientError,
  QmpClosedError,
  QmpCommandError,
  QmpTimeoutError,
} from './qmp/index.js';
export type {
  QmpClientEvents,
  QmpConnectOptions,
  QmpErrorCode,
  QmpErrorOptions,
  QmpEvent,
  QmpExecuteOptions,
  QmpGreeting,
  QmpTimestamp,
} from './qmp/index.js';

/**
 * The kit's fixtures, with the directories they put files in (volumes under the temporary directory,
 * the test guest's kernel) allowed to every QEMU driver of this process through
 * `VIRTKIT_QEMU_ALLOWED_DIRS`: the kit creates its drivers with no options, and request paths are
 * confined by default. Only a process that prepares the kit fixtures widens its confinement so.
 */
async function kitFixtures(): Promise<Record<string, unknown>> {
  const fixtures = await qemuConformanceFixtures();
  const kernel = (fixtures.guestImageMeta?.properties as Record<string, string> | undefined)?.virtkit_kernel;
  const dirs = [tmpdir(), ...(kernel ? [dirname(kernel)] : [])];
  const current = (process.env[ALLOWED_DIRS_ENV] ?? '').split(':').filter(Boolean);
  process.env[ALLOWED_DIRS_ENV] = [...new Set([...current, ...dirs])].join(':');
  return fixtures as unknown as Record<string, unknown>;
}

/**
 * The QEMU driver's options as `loadDriver` checks them (`hostApi.options`): {@link QemuDriverOptions}, validated by
 * `resolveQemuConfig`.
 */
export const QEMU_OPTIONS = defineDriverOptions<QemuDriverOptions>({
  keys: [
    'stateDir',
    'qemuBinary',
    'qemuImgBinary',
    'accel',
    'hotplugSlots',
    'consoleOutputMaxBytes',
    'detachTimeoutSec',
    'softRebootTimeoutSec',
    'imageDir',
    'keepInstancesOnCleanup',
    'hostIp',
    'blockStorageIp',
    'cpuAllocationRatio',
    'ramAllocationRatio',
    'diskAllocationRatio',
    'nodeName',
    'migrationTransport',
    'qmpTimeoutMs',
    'migration',
    'allowedDirs',
    'confinePaths',
  ],
  validate: (options) => void resolveQemuConfig({ options: options as Record<string, unknown> }),
});

/** What `loadDriver('@virtkit/qemu')` and `virtkit conformance --driver @virtkit/qemu` find. */
export default defineDriverClass(QemuDriver, {
  description: 'QEMU (qemu-system-x86_64) over QMP: one process and state directory per instance',
  options: QEMU_OPTIONS,
  conformance: kitFixtures,
});
