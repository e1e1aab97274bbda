import type { PowerState } from './power-state.js';

/** What a driver reports of one instance (`getInfo`). */
export interface InstanceInfo {
  state: PowerState;
  /** The hypervisor's own id; stays internal to the driver's world. */
  internalId?: string;
  /** True while the instance runs its rescue image. */
  rescued?: boolean;
  /** True while the instance is soft-deleted (restorable). */
  softDeleted?: boolean;
  maxMemKb?: number;
  memKb?: number;
  numCpu?: number;
  cpuTimeNs?: number;
}
