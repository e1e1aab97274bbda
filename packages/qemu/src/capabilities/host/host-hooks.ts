import { readFile } from 'node:fs/promises';
import { DriverError, withHostStats, type HostCpuStats, type HostUptime } from '@virtkit/core';
import { DiagnosticsHooks } from '../diagnostics/diagnostics-hooks.js';

/** Linux's USER_HZ: /proc/stat counts CPU time in 1/100 s. */
const NS_PER_TICK = 10_000_000;

/**
 * The QEMU driver's `host` family: `host.stats`: this machine's uptime and CPU times, from /proc.
 */
export abstract class HostHooks extends withHostStats(DiagnosticsHooks) {
  /** /proc/uptime and /proc/loadavg. @throws `DRIVER_ERROR` */
  protected async _getHostUptime(): Promise<HostUptime> {
    const uptime = Number.parseFloat((await readProc('/proc/uptime')).split(' ')[0] ?? '');
    if (!Number.isFinite(uptime)) throw new DriverError('getHostUptime', 'cannot parse /proc/uptime');
    const load = (await readProc('/proc/loadavg')).split(' ').slice(0, 3).map(Number) as [number, number, number];
    const hours = Math.floor(uptime / 3600);
    const minutes = String(Math.floor((uptime % 3600) / 60)).padStart(2, '0');
    const loads = load.map((l) => l.toFixed(2)).join(', ');
    const text = `up ${Math.floor(hours / 24)} days, ${hours % 24}:${minutes}, load average: ${loads}`;
    return { uptimeSec: Math.floor(uptime), loadAverage: load, text };
  }

  /**
   * The aggregate `cpu` line of /proc/stat in ns, and the current frequency from /proc/cpuinfo.
   * @throws `DRIVER_ERROR`
   */
  protected async _getHostCpuStats(): Promise<HostCpuStats> {
    const line = (await readProc('/proc/stat')).split('\n').find((l) => l.startsWith('cpu '));
    const f = line?.trim().split(/\s+/).slice(1).map(Number);
    if (!f || f.length < 5 || f.some((n) => !Number.isFinite(n)))
      throw new DriverError('getHostCpuStats', 'cannot parse /proc/stat');
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0] = f;
    return {
      user: (user + nice) * NS_PER_TICK,
      kernel: (system + irq + softirq) * NS_PER_TICK,
      idle: idle * NS_PER_TICK,
      iowait: iowait * NS_PER_TICK,
      frequency: await cpuMhz(),
    };
  }
}

/** The first `cpu MHz` of /proc/cpuinfo, rounded; 0 when the kernel does not say. */
async function cpuMhz(): Promise<number> {
  const match = (await readProc('/proc/cpuinfo').catch(() => '')).match(/^cpu MHz\s*:\s*([\d.]+)/m);
  return match ? Math.round(Number(match[1])) : 0;
}

async function readProc(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new DriverError('host stats', `cannot read ${path}`, { cause: error });
  }
}
