import {
  InvalidStateError,
  NotFoundError,
  PowerState,
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
  type RebuildRequest,
  type SpawnRequest,
  type Vif,
  type VolumeUsage,
} from '@virtkit/core';
import {
  countersOfTaps,
  disksOf,
  findStats,
  toCounters,
  type BlockstatsEntry,
} from './capabilities/diagnostics/counters.js';
import { qemuData } from './capabilities/migration/migration-destination.js';
import { bareDevice } from './capabilities/volume/volumes.js';
import { volumeDeviceId } from './runtime/qemu-argv.js';
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
  protected override _checkRebuild(ctx: OperationContext, req: RebuildRequest): Promise<void> {
    refuseUserVifs(req.networkInfo, 'networkInfo');
    return super._checkRebuild(ctx, req);
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
  /**
   * For each listed instance of this host that is RUNNING, one entry per NIC with
   * the kernel's byte counters of its tap, from the guest's side (`bwIn`: what the guest received, the
   * tap's transmit; `bwOut`: what it sent). Counters are the kernel's, cumulative since the tap was
   * made (a tap is made again after a cold or live move: the destination's count starts there).
   * Instances that are unknown, gone or not running are left out, and so is a NIC without counters: a
   * user-mode one (QEMU keeps none; `QemuTapDriver` refuses them) or one whose tap vanished.
   * @throws `DRIVER_ERROR` when `ip` cannot read the counters
   */
  protected async _getAllBwCounters(
    _ctx: OperationContext,
    req: GetAllBwCountersRequest,
  ): Promise<BandwidthCounters[]> {
    const out: BandwidthCounters[] = [];
    for (const ref of req.instances) {
      const vm = this.qemu.find(ref.uuid);
      if (!vm?.running || (await vm.powerState()) !== PowerState.RUNNING) continue;
      const taps = await countersOfTaps(vm);
      for (const nic of vm.meta.nics) {
        const c = nic.tap === undefined ? undefined : taps.get(nic.tap);
        if (c) out.push({ instanceUuid: vm.uuid, macAddress: nic.mac, bwIn: c.rxBytes, bwOut: c.txBytes });
      }
    }
    return out;
  }

  /**
   * QEMU's counters (`query-blockstats`) of every listed volume that is attached
   * (by its mount device) to a listed instance whose QEMU runs here; entries carry the caller's volume
   * id when the row gives one, else the one recorded at attach. Volumes not attached, and instances
   * without a process (QEMU keeps the counters only while it runs), are left out.
   */
  protected async _getAllVolumeUsage(_ctx: OperationContext, req: GetAllVolumeUsageRequest): Promise<VolumeUsage[]> {
    const out: VolumeUsage[] = [];
    for (const row of req.instances) {
      const vm = this.qemu.find(row.instance.uuid);
      const proc = vm?.running ? vm.proc : undefined;
      if (!vm || !proc) continue;
      const attached = row.volumes.flatMap((v) => {
        const spec = vm.meta.volumes.find((a) => a.device === bareDevice(v.mountDevice));
        return spec ? [{ row: v, spec }] : [];
      });
      if (attached.length === 0) continue;
      const stats = await proc.execute<BlockstatsEntry[]>('query-blockstats');
      for (const { row: v, spec } of attached) {
        const c = toCounters(findStats(stats, volumeDeviceId(spec)));
        out.push({
          volumeId: v.volumeId ?? spec.volumeId ?? spec.device,
          instanceUuid: vm.uuid,
          readRequests: c.readRequests,
          readBytes: c.readBytes,
          writeRequests: c.writeRequests,
          writeBytes: c.writeBytes,
        });
      }
    }
    return out;
  }

  /**
   * QEMU's five counters of one disk of the instance (the root disk `vda`/`sda`, or an
   * attached volume by device name), while its process runs.
   * @throws `NOT_FOUND` (no such disk), `INVALID_STATE` (no QEMU process: no counters kept)
   */
  protected async _blockStats(_ctx: OperationContext, req: BlockStatsRequest): Promise<BlockStats> {
    const vm = this.vm(req);
    const disk = disksOf(vm).find((d) => d.id === bareDevice(req.diskId));
    if (!disk) throw new NotFoundError('disk', req.diskId);
    const proc = vm.running ? vm.proc : undefined;
    if (!proc) {
      throw new InvalidStateError({
        instanceUuid: vm.uuid,
        operation: 'blockStats',
        state: await vm.powerState(),
        detail: 'QEMU keeps disk counters only while its process runs',
      });
    }
    const c = toCounters(findStats(await proc.execute<BlockstatsEntry[]>('query-blockstats'), disk.deviceId));
    return {
      readRequests: c.readRequests,
      readBytes: c.readBytes,
      writeRequests: c.writeRequests,
      writeBytes: c.writeBytes,
      errors: c.errorsCount,
    };
  }
}
