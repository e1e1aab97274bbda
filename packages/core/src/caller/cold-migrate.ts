import type { DriverWith } from '../capabilities/guards.js';
import type { BlockDeviceInfo } from '../model/block-device.js';
import type { Flavor } from '../model/flavor.js';
import type { ImageMeta } from '../model/image-meta.js';
import type { Instance } from '../model/instance.js';
import type { InstanceDiskInfo } from '../model/migration.js';
import type { Vif } from '../model/network-info.js';
import { PowerState } from '../model/power-state.js';
import { startMigration, type MigrationStepName } from './migration-steps.js';

/** A driver that can take part in a cold migration (and be cleaned up at the destination). */
export type ColdMigrationDriver = DriverWith<'migration.cold' | 'lifecycle'>;

/** What to cold-migrate (or resize), and how. */
export interface ColdMigrateRequest {
  instance: Instance;
  /** The orchestrator's id for this migration. */
  migrationId: string;
  /** The flavor at the destination (a resize when it differs). @defaultValue `instance.flavor` */
  flavor?: Flavor;
  imageMeta: ImageMeta;
  networkInfo?: Vif[];
  blockDeviceInfo?: BlockDeviceInfo;
  /** Ask the guest to shut down for this many seconds before forcing it off. @defaultValue 0 */
  timeoutSec?: number;
  /** Where the source copies the disks. @defaultValue the destination's host name */
  dest?: string;
  /** Start the instance at the destination. @defaultValue true when it was running at the source */
  powerOn?: boolean;
  /**
   * Confirm at once (drop the source copy). With false the migration stays
   * open: call `confirmMigration` at the source, or revert. @defaultValue true
   */
  confirm?: boolean;
}

/** Options of {@link coldMigrate}. */
export interface ColdMigrateOptions {
  /** Abort: honoured until the destination has built the instance; after that the move completes. */
  signal?: AbortSignal;
  onStep?: (step: MigrationStepName) => void;
  requestId?: string;
}

/** What a successful {@link coldMigrate} did. */
export interface ColdMigrateResult {
  readonly sourceHost: string;
  readonly destinationHost: string;
  readonly diskInfo: readonly InstanceDiskInfo[];
  readonly confirmed: boolean;
}

/**
 * Cold-migrate (or resize) an instance between two drivers:
 * `migrateDiskAndPowerOff` at the source, `finishMigration` at the
 * destination, then `confirmMigration` at the source. When the destination
 * fails to build the instance, whatever it left is destroyed and the source
 * copy is brought back (`finishRevertMigration`, running again if it was), so
 * the instance is where it was; the step's error is thrown.
 * @throws the failing step's error: `MIGRATION_FAILED`, `INVALID_STATE`, `INSUFFICIENT_RESOURCES`,
 *   `ABORTED`, `INSTANCE_NOT_FOUND`, `NOT_SUPPORTED`; a failed confirm (the instance already runs at
 *   the destination) is thrown after the move
 */
export async function coldMigrate(
  source: ColdMigrationDriver,
  destination: ColdMigrationDriver,
  request: ColdMigrateRequest,
  options: ColdMigrateOptions = {},
): Promise<ColdMigrateResult> {
  const { instance, networkInfo, blockDeviceInfo } = request;
  const { sourceHost, destinationHost, ctx, comp, steps } = startMigration(source, destination, options);
  const flavor = request.flavor ?? instance.flavor;
  const { state } = await source.getInfo(ctx, { instance });
  const wasRunning = state === PowerState.RUNNING || state === PowerState.PAUSED;
  const migration = {
    id: request.migrationId,
    sourceCompute: sourceHost,
    destCompute: destinationHost,
    migrationType: 'migration',
  };
  const diskInfo: InstanceDiskInfo[] = await steps.run('migrateDiskAndPowerOff', () =>
    source.migrateDiskAndPowerOff(ctx, {
      instance,
      dest: request.dest ?? destinationHost,
      flavor: flavor!,
      networkInfo,
      blockDeviceInfo,
      timeoutSec: request.timeoutSec,
    }),
  );
  try {
    await steps.run('finishMigration', () =>
      destination.finishMigration(ctx, {
        instance: { ...instance, flavor },
        migration,
        diskInfo,
        networkInfo,
        imageMeta: request.imageMeta,
        resizeInstance: request.flavor !== undefined,
        blockDeviceInfo,
        powerOn: request.powerOn ?? wasRunning,
      }),
    );
  } catch (error) {
    // Undo: nothing of the instance stays at the destination, the source copy comes back as it was.
    await steps.cleanup('destroy', () => destination.destroy(comp, { instance, networkInfo, blockDeviceInfo }));
    await steps.cleanup('finishRevertMigration', () =>
      source.finishRevertMigration(comp, {
        instance,
        migration,
        networkInfo,
        blockDeviceInfo,
        powerOn: wasRunning,
      }),
    );
    throw error;
  }
  const confirm = request.confirm !== false;
  if (confirm)
    await steps.after('confirmMigration', () => source.confirmMigration(comp, { instance, migration, networkInfo }));
  steps.throwIfAfterFailed();
  return { sourceHost, destinationHost, diskInfo, confirmed: confirm };
}
