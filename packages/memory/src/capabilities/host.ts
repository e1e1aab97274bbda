import {
  PowerState, type AddToAggregateRequest, type HostCpuStats, type HostPowerActionRequest,
  type HostUptime, type RemoveFromAggregateRequest, type SetHostEnabledRequest, type UndoAggregateOperationRequest,
} from '@virtkit/core';
import { nowMs } from '../model/clock.js';
import { appendLog } from '../model/console-log.js';
import type { MemoryHost } from '../model/memory-host.js';

const FREQUENCY_MHZ = 2400;

/**
 * Shut down or reboot the host: every live guest stops (one event each) and
 * live migrations leaving it are aborted; a (re)boot restarts the uptime and
 * CPU counters. Startup of a running host changes nothing.
 */
export function hostPowerAction(host: MemoryHost, req: HostPowerActionRequest): void {
  if (req.action === 'startup') {
    if (!host.poweredOn) boot(host);
    return;
  }
  for (const run of host.liveMigrations.values()) run.abort('the host is going down');
  for (const record of host.store.values()) {
    if (!record.live) continue;
    record.setState(PowerState.SHUTDOWN);
    appendLog(record, `host ${req.action}: guest stopped`, host.config.consoleOutputLimit);
    host.ports.report(record.uuid, PowerState.SHUTDOWN);
  }
  if (req.action === 'reboot') boot(host);
  else host.poweredOn = false;
}

/** Accept new instances, or stop accepting them (the node then carries `COMPUTE_STATUS_DISABLED`). */
export function setHostEnabled(host: MemoryHost, req: SetHostEnabledRequest): void {
  host.enabled = req.enabled;
}

/** Seconds since the host booted; load follows the vCPUs instances claim. */
export function getHostUptime(host: MemoryHost): HostUptime {
  const uptimeSec = Math.floor((nowMs() - host.bootedAt) / 1000);
  const load = Number((host.tracker.used.vcpus / host.tracker.sizes.vcpus).toFixed(2));
  const clock = new Date().toISOString().slice(11, 19);
  const text = ` ${clock} up ${Math.floor(uptimeSec / 60)} min,  0 users,  load average: ${load.toFixed(2)}, ${load.toFixed(2)}, ${load.toFixed(2)}`;
  return { uptimeSec, loadAverage: [load, load, load], text };
}

/** Cumulative CPU times since boot (never decreasing), split by how busy the claimed vCPUs keep the host. */
export function getHostCpuStats(host: MemoryHost): HostCpuStats {
  const account = host.cpu;
  const now = nowMs();
  const ns = (now - account.at) * 1_000_000 * host.tracker.sizes.vcpus;
  const busy = Math.min(1, host.tracker.used.vcpus / host.tracker.sizes.vcpus);
  account.user += Math.round(ns * 0.9 * busy);
  account.kernel += Math.round(ns * 0.02);
  account.iowait += Math.round(ns * 0.01);
  account.idle += Math.round(ns * (0.97 - 0.9 * busy));
  account.at = now;
  return { kernel: account.kernel, idle: account.idle, user: account.user, iowait: account.iowait, frequency: FREQUENCY_MHZ };
}

/** `req.host` joins the aggregate; already a member: nothing changes (a retry is safe). */
export function addToAggregate(host: MemoryHost, req: AddToAggregateRequest): void {
  const members = host.aggregates.get(req.aggregate.id) ?? new Set<string>();
  members.add(req.host);
  host.aggregates.set(req.aggregate.id, members);
}

/** `req.host` leaves the aggregate; not a member: nothing changes (a retry is safe). */
export function removeFromAggregate(host: MemoryHost, req: RemoveFromAggregateRequest): void {
  const members = host.aggregates.get(req.aggregate.id);
  if (!members) return;
  members.delete(req.host);
  if (members.size === 0) host.aggregates.delete(req.aggregate.id);
}

/** Undo the membership change that failed, then let the orchestrator revert its record. */
export async function undoAggregateOperation(host: MemoryHost, req: UndoAggregateOperationRequest): Promise<void> {
  const members = host.aggregates.get(req.aggregate.id) ?? new Set<string>();
  if (req.operation === 'add') members.delete(req.host);
  else members.add(req.host);
  if (members.size === 0) host.aggregates.delete(req.aggregate.id);
  else host.aggregates.set(req.aggregate.id, members);
  await req.revert();
}

function boot(host: MemoryHost): void {
  host.poweredOn = true;
  host.bootedAt = nowMs();
  Object.assign(host.cpu, { at: host.bootedAt, user: 0, kernel: 0, idle: 0, iowait: 0 });
}
