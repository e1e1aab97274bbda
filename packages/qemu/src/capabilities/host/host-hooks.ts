import { withHostStats, type HostCpuStats, type HostUptime } from '@virtkit/core';
import { DiagnosticsHooks } from '../diagnostics/diagnostics-hooks.js';
import { hostCpuStats, hostUptime } from './host-stats.js';

/**
 * The QEMU driver's `host` family: `host.stats`: this machine's uptime and CPU times, from /proc.
 * Its hooks only; the QMP and file work is in the modules next to this file.
 */
export abstract class HostHooks extends withHostStats(DiagnosticsHooks) {
  protected _getHostUptime(): Promise<HostUptime> {
    return hostUptime();
  }

  protected _getHostCpuStats(): Promise<HostCpuStats> {
    return hostCpuStats();
  }
}
