import {
  NotFoundError,
  PowerState,
  withDiagnostics,
  withDiagnosticsUsage,
  type BandwidthCounters,
  type BlockStats,
  type BlockStatsRequest,
  type GetAllBwCountersRequest,
  type GetAllVolumeUsageRequest,
  type InstanceDiagnostics,
  type InstanceRequest,
  type LegacyDiagnostics,
  type OperationContext as Ctx,
  type VolumeUsage,
} from '@virtkit/core';
import { blockCounters, disksOf, nicCounters } from '../model/counters.js';
import { nicsOf } from '../model/nics.js';
import { deviceKey } from '../model/volume-identity.js';
import { ImageHooks } from './image.js';
import { HYPERVISOR_TYPE } from './inventory.js';

/**
 * The memory driver's `diagnostics` family: counters that grow on every read
 * while the guest runs (`diagnostics`), and usage over many instances
 * (`diagnostics.usage`).
 */
export abstract class DiagnosticsHooks extends withDiagnosticsUsage(withDiagnostics(ImageHooks)) {
  /** Diagnostics in any power state; counters grow on every read while the guest runs. */
  protected async _getInstanceDiagnostics(_c: Ctx, r: InstanceRequest): Promise<InstanceDiagnostics> {
    const record = this.hostFor('getInstanceDiagnostics').store.require(r.instance.uuid);
    record.tick();
    const cpuNs = record.cpuTimeNs();
    const nics = nicsOf(record);
    const disks = disksOf(record);
    const resident = record.state === PowerState.RUNNING || record.state === PowerState.PAUSED;
    return {
      state: record.state,
      driver: 'memory',
      hypervisor: HYPERVISOR_TYPE,
      hypervisorOs: 'linux',
      uptimeSec: record.uptimeSec(),
      // Stryker disable next-line BooleanLiteral: the memory guest has no config drive; whether a driver gives one
      // (the orchestrator's or operator's choice) is not something a spawn request the kit makes decides
      configDrive: false,
      numCpus: record.vcpus,
      numNics: nics.length,
      numDisks: disks.length,
      // Stryker disable next-line ArithmeticOperator: how CPU time splits between vCPUs is free (counters >= 0 that
      // do not go back are all the contract asks)
      cpuDetails: Array.from({ length: record.vcpus }, (_, id) => ({ id, timeNs: Math.floor(cpuNs / record.vcpus) })),
      nicDetails: nics.map((nic, i) => ({
        macAddress: nic.mac,
        ...nicCounters(record, i),
        rxErrors: 0,
        rxDrop: 0,
        txErrors: 0,
        txDrop: 0,
      })),
      diskDetails: disks.map((id, i) => {
        const c = blockCounters(record, i);
        const { readBytes, readRequests, writeBytes, writeRequests } = c;
        return { id, readBytes, readRequests, writeBytes, writeRequests, errorsCount: c.errors };
      }),
      memoryDetails: { maximumMb: record.memoryMb, usedMb: resident ? record.memoryMb : 0 },
    };
  }

  /** The five counters of one disk (`vda` is the local root disk, volumes go by device). @throws `NOT_FOUND` */
  protected async _blockStats(_c: Ctx, r: BlockStatsRequest): Promise<BlockStats> {
    const record = this.hostFor('blockStats').store.require(r.instance.uuid);
    const index = disksOf(record).indexOf(deviceKey(r.diskId));
    if (index < 0) throw new NotFoundError('disk', r.diskId);
    record.tick();
    return blockCounters(record, index);
  }

  /** Bandwidth of every NIC of the listed instances that run here; the others are left out. */
  protected async _getAllBwCounters(_c: Ctx, r: GetAllBwCountersRequest): Promise<BandwidthCounters[]> {
    const host = this.hostFor('getAllBwCounters');
    const out: BandwidthCounters[] = [];
    for (const ref of r.instances) {
      const record = host.store.get(ref.uuid);
      if (record === undefined || record.state !== PowerState.RUNNING) continue;
      record.tick();
      nicsOf(record).forEach((nic, i) => {
        const c = nicCounters(record, i);
        out.push({ instanceUuid: record.uuid, macAddress: nic.mac, bwIn: c.rxOctets, bwOut: c.txOctets });
      });
    }
    return out;
  }

  /**
   * Usage of every listed volume that is attached here (matched by device);
   * the others are left out. Entries carry the orchestrator's volume id from
   * the row when it gives one, as the reference does.
   */
  protected async _getAllVolumeUsage(_c: Ctx, r: GetAllVolumeUsageRequest): Promise<VolumeUsage[]> {
    const host = this.hostFor('getAllVolumeUsage');
    const out: VolumeUsage[] = [];
    for (const row of r.instances) {
      const record = host.store.get(row.instance.uuid);
      if (record === undefined) continue;
      const disks = disksOf(record);
      for (const volume of row.volumes) {
        const key = deviceKey(volume.mountDevice);
        const attachment = record.extras?.volumes?.get(key);
        if (attachment === undefined) continue;
        const c = blockCounters(record, disks.indexOf(key));
        out.push({
          volumeId: volume.volumeId ?? attachment.volumeId,
          instanceUuid: record.uuid,
          readRequests: c.readRequests,
          readBytes: c.readBytes,
          writeRequests: c.writeRequests,
          writeBytes: c.writeBytes,
        });
      }
    }
    return out;
  }

  /** The deprecated diagnostics call: the SDK's default derives it from `_getInstanceDiagnostics`. */
  protected override async _getDiagnostics(c: Ctx, r: InstanceRequest): Promise<LegacyDiagnostics> {
    this.hostFor('getDiagnostics');
    return super._getDiagnostics(c, r);
  }
}
