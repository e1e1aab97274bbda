import type { FeatureDeclaration, ImageDiskFormat } from '@virtkit/core';
import { MigrationHooks } from './capabilities/migration/migration-hooks.js';

// The capability map is derived from the composition: exactly the capabilities that work on QEMU and pass the
// conformance kit, one family a class (capabilities/<family>/<family>-hooks.ts), each layered on the one before:
// QemuDriverCore -> lifecycle -> console -> diagnostics -> host -> inventory -> image -> volume -> network ->
// migration.

/**
 * The QEMU driver: each instance is a `qemu-system-x86_64` process with its
 * own state directory (mode 0700: QMP socket, serial log, disks, pid and
 * metadata), driven over QMP. Options come from `hostApi.options` (see
 * {@link QemuDriverOptions}); image properties choose what boots (see
 * {@link IMAGE_PROPERTIES}).
 *
 * @example
 * ```ts
 * const driver = new QemuDriver({ hostname: 'node1', options: { stateDir: '/var/lib/virtkit-qemu' } });
 * await driver.initHost({}, { host: 'node1' }); // takes over instances still running
 * ```
 */
export class QemuDriver extends MigrationHooks {
  static override driverName = 'qemu';
  static override driverVersion = '0.1.0';
  static override imageTypes: readonly ImageDiskFormat[] = ['qcow2', 'raw'];
  static override features: FeatureDeclaration = { sameHostMigration: true, defaultRescueImage: true };
}
