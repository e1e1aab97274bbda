import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { HostCpuStats } from '../../../model/host.js';
import type { HostStatsCapability } from '../interface.js';
import type { HostUptime } from '../requests.js';

/** Public calls and hooks of `host.stats`. */
export declare abstract class HostStatsShape {
  constructor(...args: any[]);
  protected abstract _getHostUptime(ctx: OperationContext): Promise<HostUptime>;
  /** Cumulative CPU times since boot, in nanoseconds, and the current frequency in MHz. */
  protected abstract _getHostCpuStats(ctx: OperationContext): Promise<HostCpuStats>;
}
export interface HostStatsShape extends Sealed<HostStatsCapability> {}

/** Adds `host.stats` to a driver class. */
export const withHostStats = defineCapability<typeof HostStatsShape>({
  name: 'host.stats',
  methods: {
    getHostUptime: { hook: '_getHostUptime' },
    getHostCpuStats: { hook: '_getHostCpuStats' },
  },
});
