import type { DiskDiagnostics } from '@virtkit/core';
import { volumeDeviceId } from '../../runtime/qemu-argv.js';
import type { Vm } from '../../runtime/vm.js';
import { readTapCounters, type TapCounters } from '../../network/tap-counters.js';

// The counters QEMU and the kernel keep of an instance's disks and taps, read by the `diagnostics` hooks and by
// `QemuTapDriver`'s `diagnostics.usage` hooks.

/** One entry of `query-blockstats`. */
export interface BlockstatsEntry {
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

/** The `query-blockstats` entry of a QEMU device (or of a node below it). */
export function findStats(entries: BlockstatsEntry[], deviceId: string): BlockstatsEntry | undefined {
  const path = `/machine/peripheral/${deviceId}`;
  return entries.find((e) => e.qdev === path || e.qdev?.startsWith(`${path}/`));
}

/** The disk counters of a `query-blockstats` entry; zeros for none. */
export function toCounters(e: BlockstatsEntry | undefined): Omit<DiskDiagnostics, 'id'> {
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
export function countersOfTaps(vm: Vm): Promise<Map<string, TapCounters>> {
  const taps = vm.meta.nics.flatMap((n) => (n.tap === undefined ? [] : [n.tap]));
  return readTapCounters(vm.config.netns, vm.uuid, taps);
}
