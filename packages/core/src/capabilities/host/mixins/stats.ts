import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { HostCpuStats } from '../../../model/host.js';
import type { HostStatsCapability } from '../interface.js';
import type { HostUptime } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `host.stats`. */
export declare abstract class HostStatsShape {
  constructor(...args: MixinArgs);
  protected abstract _getHostUptime(ctx: OperationContext): Promise<HostUptime>;
  /** Cumulative CPU times since boot, in nanoseconds, and the current frequency in MHz. */
  protected abstract _getHostCpuStats(ctx: OperationContext): Promise<HostCpuStats>;
}
export interface HostStatsShape extends Sealed<HostStatsCapability> {}

/** The declaration of `host.stats`: its calls, hooks, rules and place in the contract. */
export const HOST_STATS_CAPABILITY = declareCapability<HostStatsCapability>()({
  name: 'host.stats',
  family: 'host',
  description: 'host-level counters.',
  status: 'optional',
  methods: {
    getHostUptime: { hook: '_getHostUptime' },
    getHostCpuStats: { hook: '_getHostCpuStats' },
  },
  calls: [
    {
      referenceName: 'get_host_uptime',
      method: 'getHostUptime',
      kind: 'required',
      summary: 'Report how long the host has been up, and its load.',
    },
    {
      referenceName: 'get_host_cpu_stats',
      method: 'getHostCpuStats',
      kind: 'required',
      summary: "Report the host's CPU time counters (kernel, user, idle, iowait) and frequency.",
    },
  ],
});

/** Adds `host.stats` to a driver class. */
export const withHostStats = defineCapability<typeof HostStatsShape>(HOST_STATS_CAPABILITY);
