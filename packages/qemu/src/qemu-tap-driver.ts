import {
  withDiagnosticsUsage,
  type AttachInterfaceRequest,
  type BandwidthCounters,
  type BlockStats,
  type BlockStatsRequest,
  type FinishMigrationRequest,
  type GetAllBwCountersRequest,
  type GetAllVolumeUsageRequest,
  type MigrateData,
  type OperationContext,
  type PlugVifsRequest,
  type PreLiveMigrationRequest,
  type SpawnRequest,
  type Vif,
  type VolumeUsage,
} from '@virtkit/core';
import { bandwidthCounters, blockStats, volumeUsage } from './capabilities/diagnostics/counters.js';
import { qemuData } from './capabilities/migration/migration-destination.js';
import { invalid } from './runtime/safe-values.js';
import { QemuDriver } from './qemu-driver.js';

/** Why a `user` VIF is refused here (QEMU keeps no traffic counters for user-mode networking). */
const USER_REFUSED =
  'QemuTapDriver meters every interface from its host tap and refuses user-mode (`user`) VIFs, which have no ' +
  'counters: use bridge or tap VIFs, or QemuDriver';

/** @throws `VALIDATION_FAILED` at the first `user` VIF. */
function refuseUserVifs(vifs: readonly Vif[] | undefined, path: string): void {
  vifs?.forEach((vif, i) => {
    if (vif.type === 'user') throw invalid(`${path}[${i}].type`, USER_REFUSED);
  });
}

/**
 * {@link QemuDriver} for hosts whose guests are all networked through host taps (`bridge` and `tap`
 * VIFs), with `diagnostics.usage` on top: bandwidth from the kernel's counters of each instance's taps
 * (read in the driver's network namespace, see `options.netns`), volume usage and block stats from
 * QEMU's `query-blockstats`. Because user-mode networking keeps no counters anywhere, this class
 * refuses `user` VIFs (`VALIDATION_FAILED`) at spawn, plug, attach and arrival, so every interface it
 * reports on has real counters; `QemuDriver` itself keeps accepting them and does not advertise
 * `diagnostics.usage` (the capability map is the class's: it cannot depend on which VIFs arrive).
 *
 * @example
 * ```ts
 * const driver = new QemuTapDriver({ hostname: 'node1', options: { netns: 'host1', hostIp: '198.18.42.1' } });
 * const usage = await driver.getAllBwCounters({}, { instances: [{ uuid }] }); // [{ macAddress, bwIn, bwOut, ... }]
 * ```
 */
export class QemuTapDriver extends withDiagnosticsUsage(QemuDriver) {
  protected override _spawn(ctx: OperationContext, req: SpawnRequest): Promise<void> {
    refuseUserVifs(req.networkInfo, 'networkInfo');
    return super._spawn(ctx, req);
  }
  protected override _plugVifs(ctx: OperationContext, req: PlugVifsRequest): Promise<void> {
    refuseUserVifs(req.networkInfo, 'networkInfo');
    return super._plugVifs(ctx, req);
  }
  protected override _attachInterface(ctx: OperationContext, req: AttachInterfaceRequest): Promise<void> {
    if (req.vif.type === 'user') throw invalid('vif.type', USER_REFUSED);
    return super._attachInterface(ctx, req);
  }
  /** An instance arriving from a host that allowed user-mode NICs is refused before anything is made here. */
  protected override _preLiveMigration(ctx: OperationContext, req: PreLiveMigrationRequest): Promise<MigrateData> {
    refuseUserVifs(req.networkInfo, 'networkInfo');
    const meta = qemuData(req.migrateData).meta as { nics?: unknown } | null | undefined;
    const nics: unknown[] = Array.isArray(meta?.nics) ? meta.nics : [];
    nics.forEach((nic, i) => {
      // the importer checks the rest of the source's configuration; here only: no NIC without a tap
      if ((nic as { tap?: unknown } | null)?.tap === undefined)
        throw invalid(`migrateData.driverData.qemu.meta.nics[${i}].tap`, USER_REFUSED);
    });
    return super._preLiveMigration(ctx, req);
  }
  protected override _finishMigration(ctx: OperationContext, req: FinishMigrationRequest): Promise<void> {
    refuseUserVifs(req.networkInfo, 'networkInfo');
    return super._finishMigration(ctx, req);
  }

  // ---- diagnostics.usage ---------------------------------------------------------------------
  protected _getAllBwCounters(_ctx: OperationContext, req: GetAllBwCountersRequest): Promise<BandwidthCounters[]> {
    return bandwidthCounters(this.qemu, req);
  }
  protected _getAllVolumeUsage(_ctx: OperationContext, req: GetAllVolumeUsageRequest): Promise<VolumeUsage[]> {
    return volumeUsage(this.qemu, req);
  }
  protected _blockStats(_ctx: OperationContext, req: BlockStatsRequest): Promise<BlockStats> {
    return blockStats(this.vm(req), req);
  }
}
