import type { DiskDiagnostics, InstanceDiagnostics } from '@virtkit/core';
import { volumeDeviceId } from '../runtime/qemu-argv.js';
import type { Vm } from '../runtime/vm.js';
import { processCpuTimeNs } from './lifecycle/instances.js';
import { tapCounters } from '../network/tap-devices.js';

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
 * from the guest; user-mode networking keeps none: zeros), memory and uptime. A stopped
 * instance reports its devices with zero counters.
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
  const nicDetails = await Promise.all(
    vm.meta.nics.map(async (n) => {
      const c = n.tap === undefined ? undefined : await tapCounters(vm.config.netns, n.tap);
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
    }),
  );
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
