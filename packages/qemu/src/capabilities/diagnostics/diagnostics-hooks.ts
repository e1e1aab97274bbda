import {
  withDiagnostics,
  type DiskDiagnostics,
  type GetInstanceDiagnosticsRequest,
  type InstanceDiagnostics,
  type OperationContext,
} from '@virtkit/core';
import type { TapCounters } from '../../network/tap-counters.js';
import { ConsoleHooks } from '../console/console-hooks.js';
import { processCpuTimeNs } from '../lifecycle/instances.js';
import { countersOfTaps, disksOf, findStats, toCounters, type BlockstatsEntry } from './counters.js';

/**
 * The QEMU driver's `diagnostics` family: `diagnostics`: CPU, memory, disk and NIC figures of one instance
 * (`diagnostics.usage` is `QemuTapDriver`'s: see the package README).
 */
export abstract class DiagnosticsHooks extends withDiagnostics(ConsoleHooks) {
  /**
   * vCPU times (`query-cpus-fast` thread ids, read from /proc), disk counters (`query-blockstats`), NICs (the
   * kernel's counters of their taps, seen from the guest, all read at once; user-mode networking keeps none: zeros),
   * memory and uptime. A stopped instance reports its devices with zero counters.
   */
  protected async _getInstanceDiagnostics(
    _ctx: OperationContext,
    req: GetInstanceDiagnosticsRequest,
  ): Promise<InstanceDiagnostics> {
    const vm = this.vm(req);
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
}
