/**
 * @packageDocumentation
 * `@virtkit/qemu`: a virtkit driver for QEMU, driven over QMP. Each instance
 * is a `qemu-system-x86_64` process with its own state directory; the
 * default export is the driver definition (with its conformance fixtures)
 * that `loadDriver` and `virtkit conformance --driver @virtkit/qemu` use.
 */
import { defineDriverClass, defineDriverOptions } from '@virtkit/core';
import { resolveQemuConfig, type QemuDriverOptions } from './qemu-config.js';
import { qemuConformanceFixtures } from './conformance/qemu-fixtures.js';
import { QemuDriver } from './qemu-driver.js';

export { QemuDriver };
export { qemuConformanceFixtures, qemuLeakCheck, NO_OS_IMAGE, type QemuConformanceFixtures } from './conformance/qemu-fixtures.js';
export { locateTestGuest, type TestGuestFiles } from './conformance/test-guest.js';
export { QEMU_ACCELERATORS, resolveQemuConfig, type QemuConfig, type QemuDriverOptions, type QemuMigrationOptions } from './qemu-config.js';
export { IMAGE_PROPERTIES, type BootSource } from './capabilities/boot-source.js';
export { FILE_VOLUME_TYPES } from './capabilities/volume.js';
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

/** The QEMU driver's options as `loadDriver` checks them (`hostApi.options`): {@link QemuDriverOptions}, validated by `resolveQemuConfig`. */
export const QEMU_OPTIONS = defineDriverOptions<QemuDriverOptions>({
  keys: [
    'stateDir', 'qemuBinary', 'qemuImgBinary', 'accel', 'hotplugSlots', 'consoleOutputMaxBytes', 'detachTimeoutSec', 'softRebootTimeoutSec',
    'imageDir', 'keepInstancesOnCleanup', 'hostIp', 'nodeName', 'migrationTransport', 'qmpTimeoutMs', 'migration',
  ],
  validate: (options) => void resolveQemuConfig({ options: options as Record<string, unknown> }),
});

/** What `loadDriver('@virtkit/qemu')` and `virtkit conformance --driver @virtkit/qemu` find. */
export default defineDriverClass(QemuDriver, {
  description: 'QEMU (qemu-system-x86_64) over QMP: one process and state directory per instance',
  options: QEMU_OPTIONS,
  conformance: qemuConformanceFixtures as unknown as Record<string, unknown>,
});

