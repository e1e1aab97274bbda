import {
  InvalidStateError,
  NotFoundError,
  PowerState,
  type BandwidthCounters,
  type BlockStats,
  type BlockStatsRequest,
  type DiskDiagnostics,
  type GetAllBwCountersRequest,
  type GetAllVolumeUsageRequest,
  type InstanceDiagnostics,
  type VolumeUsage,
} from '@virtkit/core';
import { volumeDeviceId } from '../../runtime/qemu-argv.js';
import type { QemuHost } from '../../runtime/qemu-host.js';
import type { Vm } from '../../runtime/vm.js';
import { processCpuTimeNs } from '../lifecycle/instances.js';
import { readTapCounters, type TapCounters } from '../../network/tap-counters.js';

/** One entry of `query-blockstats`. */
interface BlockstatsEntry {
  qdev?: string;
  stats: {
    rd_bytes: number;
    wr_bytes: number;
    rd_operations: number;
    wr_operations: number;
    failed_rd_operations?: number;
    failed_wr_operations?: number;
  };
}

/** The instance's disks: guest name and QEMU device id, root disk first. */
export function disksOf(vm: Vm): { id: string; deviceId: string }[] {
  const root = { id: vm.meta.diskBus === 'scsi' ? 'sda' : 'vda', deviceId: 'disk-root' };
  return [root, ...vm.meta.volumes.map((v) => ({ id: v.device, deviceId: volumeDeviceId(v) }))];
}

/**
 * `_getInstanceDiagnostics`: vCPU times (`query-cpus-fast` thread ids, read
 * from /proc), disk counters (`query-blockstats`), NICs (the kernel's counters of their taps, seen
 * from the guest, all read at once; user-mode networking keeps none: zeros), memory and uptime. A
 * stopped instance reports its devices with zero counters.
 */
export async function instanceDiagnostics(vm: Vm): Promise<InstanceDiagnostics> {
  const state = await vm.powerState();
  const proc = vm.running ? vm.proc : undefined;
  const cpus = proc ? await proc.execute<{ 'cpu-index': number; 'thread-id': number }[]>('query-cpus-fast') : [];
  const stats = proc ? await proc.execute<BlockstatsEntry[]>('query-blockstats') : [];
  const cpuDetails = proc
    ? cpus.map((c) => ({ id: c['cpu-index'], timeNs: processCpuTimeNs(proc.pid, c['thread-id']) }))
    : Array.from({ length: vm.meta.vcpus }, (_, id) => ({ id, timeNs: 0 }));
  const diskDetails: DiskDiagnostics[] = disksOf(vm).map((d) => ({
    id: d.id,
    ...toCounters(findStats(stats, d.deviceId)),
  }));
  const taps = proc ? await countersOfTaps(vm) : new Map<string, TapCounters>();
  const nicDetails = vm.meta.nics.map((n) => {
    const c = n.tap === undefined ? undefined : taps.get(n.tap);
    return {
      macAddress: n.mac,
      rxOctets: c?.rxBytes ?? 0,
      rxPackets: c?.rxPackets ?? 0,
      rxErrors: c?.rxErrors ?? 0,
      rxDrop: c?.rxDropped ?? 0,
      txOctets: c?.txBytes ?? 0,
      txPackets: c?.txPackets ?? 0,
      txErrors: c?.txErrors ?? 0,
      txDrop: c?.txDropped ?? 0,
    };
  });
  return {
    state,
    driver: 'qemu',
    hypervisor: 'qemu',
    hypervisorOs: 'linux',
    uptimeSec: proc && vm.meta.startedAt ? Math.floor((Date.now() - vm.meta.startedAt) / 1000) : 0,
    configDrive: false,
    numCpus: vm.meta.vcpus,
    numNics: nicDetails.length,
    numDisks: diskDetails.length,
    cpuDetails,
    nicDetails,
    diskDetails,
    memoryDetails: { maximumMb: vm.meta.memoryMb, usedMb: proc ? vm.meta.memoryMb : 0 },
  };
}

function findStats(entries: BlockstatsEntry[], deviceId: string): BlockstatsEntry | undefined {
  const path = `/machine/peripheral/${deviceId}`;
  return entries.find((e) => e.qdev === path || e.qdev?.startsWith(`${path}/`));
}

function toCounters(e: BlockstatsEntry | undefined): Omit<DiskDiagnostics, 'id'> {
  const s = e?.stats;
  return {
    readBytes: s?.rd_bytes ?? 0,
    readRequests: s?.rd_operations ?? 0,
    writeBytes: s?.wr_bytes ?? 0,
    writeRequests: s?.wr_operations ?? 0,
    errorsCount: (s?.failed_rd_operations ?? 0) + (s?.failed_wr_operations ?? 0),
  };
}

/** The kernel counters of the instance's taps (one `ip` for all of them), by tap name. */
function countersOfTaps(vm: Vm): Promise<Map<string, TapCounters>> {
  const taps = vm.meta.nics.flatMap((n) => (n.tap === undefined ? [] : [n.tap]));
  return readTapCounters(vm.config.netns, vm.uuid, taps);
}

/**
 * `_getAllBwCounters`: for each listed instance of this host that is RUNNING, one entry per NIC with
 * the kernel's byte counters of its tap, from the guest's side (`bwIn`: what the guest received, the
 * tap's transmit; `bwOut`: what it sent). Counters are the kernel's, cumulative since the tap was
 * made (a tap is made again after a cold or live move: the destination's count starts there).
 * Instances that are unknown, gone or not running are left out, and so is a NIC without counters: a
 * user-mode one (QEMU keeps none; `QemuTapDriver` refuses them) or one whose tap vanished.
 * @throws `DRIVER_ERROR` when `ip` cannot read the counters
 */
export async function bandwidthCounters(host: QemuHost, req: GetAllBwCountersRequest): Promise<BandwidthCounters[]> {
  const out: BandwidthCounters[] = [];
  for (const ref of req.instances) {
    const vm = host.find(ref.uuid);
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
 * `_getAllVolumeUsage`: QEMU's counters (`query-blockstats`) of every listed volume that is attached
 * (by its mount device) to a listed instance whose QEMU runs here; entries carry the caller's volume
 * id when the row gives one, else the one recorded at attach. Volumes not attached, and instances
 * without a process (QEMU keeps the counters only while it runs), are left out.
 */
export async function volumeUsage(host: QemuHost, req: GetAllVolumeUsageRequest): Promise<VolumeUsage[]> {
  const out: VolumeUsage[] = [];
  for (const row of req.instances) {
    const vm = host.find(row.instance.uuid);
    const proc = vm?.running ? vm.proc : undefined;
    if (!vm || !proc) continue;
    const attached = row.volumes.flatMap((v) => {
      const spec = vm.meta.volumes.find((a) => a.device === deviceName(v.mountDevice));
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
 * `_blockStats`: QEMU's five counters of one disk of the instance (the root disk `vda`/`sda`, or an
 * attached volume by device name), while its process runs.
 * @throws `NOT_FOUND` (no such disk), `INVALID_STATE` (no QEMU process: no counters kept)
 */
export async function blockStats(vm: Vm, req: BlockStatsRequest): Promise<BlockStats> {
  const disk = disksOf(vm).find((d) => d.id === deviceName(req.diskId));
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

/** `vdb` from `vdb` or `/dev/vdb`. */
function deviceName(device: string): string {
  return device.replace(/^\/dev\//, '');
}
