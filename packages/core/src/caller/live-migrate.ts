import type { DriverWith } from '../capabilities/guards.js';
import type { MigrationHostInfo } from '../capabilities/migration/live-requests.js';
import type { InstanceDiskInfoInput } from '../capabilities/migration/requests.js';
import type { BlockDeviceInfo } from '../model/block-device.js';
import type { Instance } from '../model/instance.js';
import type { MigrateData, ProgressReport } from '../model/migration.js';
import type { Vif } from '../model/network-info.js';
import { startMigration, type MigrationStepName } from './migration-steps.js';

/** A driver that can take part in a live migration. */
export type LiveMigrationDriver = DriverWith<'migration.live'>;

/** What to live-migrate, and how. */
export interface LiveMigrateRequest {
  /** The instance, as the orchestrator knows it (its flavor lets the destination size its claim). */
  instance: Instance;
  /** Copy local disks too (no shared storage). @defaultValue false */
  blockMigration?: boolean;
  /** @defaultValue false */
  diskOverCommit?: boolean;
  networkInfo?: Vif[];
  blockDeviceInfo?: BlockDeviceInfo;
  /** The source's local disks, for block migration. */
  diskInfo?: InstanceDiskInfoInput[];
  /** Where the source sends the instance. @defaultValue the destination's host name (`driverHostName`) */
  dest?: string;
  /** Extra facts about the hosts for the destination check (`host` defaults to each driver's host name). */
  srcComputeInfo?: MigrationHostInfo;
  dstComputeInfo?: MigrationHostInfo;
}

/** Options of {@link liveMigrate}. */
export interface LiveMigrateOptions {
  /** Abort the migration: `liveMigrate` rejects with `ABORTED`, the instance keeps running at the source. */
  signal?: AbortSignal;
  /** Progress of the `liveMigration` step (0 first, 100 last, never decreasing). */
  onProgress?: (progress: ProgressReport) => void;
  /** Told before each step runs (for logs and UIs). */
  onStep?: (step: MigrationStepName) => void;
  /** Correlates the calls of this migration in the drivers' logs. */
  requestId?: string;
}

/** What a successful {@link liveMigrate} used. */
export interface LiveMigrateResult {
  readonly sourceHost: string;
  readonly destinationHost: string;
  /** The data the hosts exchanged, as the source last saw it. */
  readonly migrateData: MigrateData;
}

/**
 * Live-migrate an instance between two drivers, running the whole protocol in
 * the contract's order: destination check, source check (the destination
 * check is cleaned up on every path), `preLiveMigration` at the destination,
 * `liveMigration` at the source (progress, abort), then `postLiveMigration`
 * and `postLiveMigrationAtSource` at the source and
 * `postLiveMigrationAtDestination`. When anything fails before the
 * instance moved, the destination is rolled back (no claim is left there),
 * the instance keeps running at the source, and the step's error is thrown.
 *
 * @throws the failing step's error: `MIGRATION_FAILED` (a check or the
 *   migration failed), `ABORTED` (the signal), `INVALID_STATE` (the instance
 *   is not RUNNING or PAUSED), `INSTANCE_NOT_FOUND`, `NOT_SUPPORTED`. A failure
 *   of a post step comes after the move: the instance runs at the destination
 *   (all three post steps are still attempted; the first error is thrown).
 */
export async function liveMigrate(
  source: LiveMigrationDriver,
  destination: LiveMigrationDriver,
  request: LiveMigrateRequest,
  options: LiveMigrateOptions = {},
): Promise<LiveMigrateResult> {
  const { instance, networkInfo, blockDeviceInfo } = request;
  const { sourceHost, destinationHost, ctx, comp, steps } = startMigration(source, destination, options);

  const destCheckData = await steps.run('checkCanLiveMigrateDestination', () =>
    destination.checkCanLiveMigrateDestination(ctx, {
      instance,
      blockMigration: request.blockMigration,
      diskOverCommit: request.diskOverCommit,
      srcComputeInfo: { host: sourceHost, ...request.srcComputeInfo },
      dstComputeInfo: { host: destinationHost, ...request.dstComputeInfo },
    }),
  );
  let sourceData: MigrateData;
  try {
    sourceData = await steps.run('checkCanLiveMigrateSource', () =>
      source.checkCanLiveMigrateSource(ctx, { instance, destCheckData, blockDeviceInfo }),
    );
  } finally {
    // Always, and without the caller's signal: the check may have reserved something at the destination.
    await steps.cleanup('cleanupLiveMigrationDestinationCheck', () =>
      destination.cleanupLiveMigrationDestinationCheck(comp, { destCheckData }),
    );
  }
  steps.throwIfCleanupFailed();
  const rollback = (): Promise<void> =>
    steps.cleanup('rollbackLiveMigrationAtDestination', () =>
      destination.rollbackLiveMigrationAtDestination(comp, {
        instance,
        networkInfo,
        blockDeviceInfo,
        migrateData: sourceData,
        destroyDisks: !sourceData.isSharedInstancePath,
      }),
    );
  let migrateData: MigrateData;
  try {
    migrateData = await steps.run('preLiveMigration', () =>
      destination.preLiveMigration(ctx, {
        instance,
        blockDeviceInfo,
        networkInfo,
        diskInfo: request.diskInfo,
        migrateData: sourceData,
      }),
    );
    const dest = request.dest ?? destinationHost;
    await steps.run('liveMigration', () =>
      source.liveMigration(
        { ...ctx, onProgress: options.onProgress },
        {
          instance,
          dest,
          blockMigration: request.blockMigration,
          migrateData,
        },
      ),
    );
  } catch (error) {
    // An abort may answer before the source stopped: make sure it has, then undo the destination.
    if (options.signal?.aborted)
      await steps.cleanup('liveMigrationAbort', () => source.liveMigrationAbort(comp, { instance }));
    await rollback();
    throw error;
  }
  await steps.after('postLiveMigration', () =>
    source.postLiveMigration(comp, { instance, blockDeviceInfo, migrateData }),
  );
  await steps.after('postLiveMigrationAtSource', () =>
    source.postLiveMigrationAtSource(comp, { instance, networkInfo }),
  );
  await steps.after('postLiveMigrationAtDestination', () =>
    destination.postLiveMigrationAtDestination(comp, {
      instance,
      networkInfo,
      blockMigration: request.blockMigration,
      blockDeviceInfo,
    }),
  );
  steps.throwIfAfterFailed();
  return { sourceHost, destinationHost, migrateData };
}
