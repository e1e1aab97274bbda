import {
  MigrationError,
  PowerState,
  withHostAggregates,
  withHostMaintenance,
  withHostPower,
  withHostStats,
  type AddToAggregateRequest,
  type HostCpuStats,
  type HostMaintenanceModeRequest,
  type HostPowerActionRequest,
  type HostUptime,
  type OperationContext as Ctx,
  type RemoveFromAggregateRequest,
  type SetHostEnabledRequest,
  type UndoAggregateOperationRequest,
} from '@virtkit/core';
import { nowMs } from '../model/clock.js';
import { appendLog } from '../model/console-log.js';
import type { InstanceRecord } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { move } from '../model/placement.js';
import { InventoryHooks } from './inventory.js';

const FREQUENCY_MHZ = 2400;

/**
 * The memory driver's `host` family: power (`host.power`), maintenance that
 * moves every instance to other hosts of the fabric (`.maintenance`), uptime
 * and CPU counters (`.stats`), aggregate membership (`.aggregates`).
 */
export abstract class HostHooks extends withHostAggregates(
  withHostStats(withHostMaintenance(withHostPower(InventoryHooks))),
) {
  /**
   * Shut down or reboot the host: every live guest stops (one event each) and
   * live migrations leaving it are aborted; a (re)boot restarts the uptime and
   * CPU counters. Startup of a running host changes nothing.
   */
  protected async _hostPowerAction(_c: Ctx, r: HostPowerActionRequest): Promise<void> {
    const host = this.hostFor('hostPowerAction');
    if (r.action === 'startup') {
      if (!host.poweredOn) boot(host);
      return;
    }
    for (const run of host.liveMigrations.values()) run.abort('the host is going down');
    for (const record of host.store.values()) {
      // Stryker disable next-line ConditionalExpression: differs only for a CRASHED guest, which no kit test can make
      if (!record.live) continue;
      record.setState(PowerState.SHUTDOWN);
      appendLog(record, `host ${r.action}: guest stopped`, host.config.consoleOutputLimit);
      host.ports.report(record.uuid, PowerState.SHUTDOWN);
    }
    if (r.action === 'reboot') boot(host);
    else host.poweredOn = false;
  }

  /** Accept new instances, or stop accepting them (the node then carries `COMPUTE_STATUS_DISABLED`). */
  protected async _setHostEnabled(_c: Ctx, r: SetHostEnabledRequest): Promise<void> {
    this.hostFor('setHostEnabled').enabled = r.enabled;
  }

  /**
   * Enter maintenance (moving every instance to other hosts of the fabric) or
   * leave it. Idempotent. Entering is all or nothing: when some instance has no
   * host to go to, nothing moves and the call fails with `MIGRATION_FAILED`.
   */
  protected async _hostMaintenanceMode(_c: Ctx, r: HostMaintenanceModeRequest): Promise<void> {
    const host = this.hostFor('hostMaintenanceMode');
    if (!r.mode || host.maintenance) {
      host.maintenance = r.mode;
      return;
    }
    const plan = placeElsewhere(host);
    for (const [record, peer] of plan) {
      move(host, peer, record, true);
      host.ports.forget(record.uuid);
      peer.ports.report(record.uuid, record.state);
    }
    host.maintenance = true;
  }

  /** Seconds since the host booted; load follows the vCPUs instances claim. */
  protected async _getHostUptime(): Promise<HostUptime> {
    const host = this.hostFor('getHostUptime');
    // Mutation testing: the load and the text are the driver's to compute (the contract fixes their shape only).
    const uptimeSec = Math.floor((nowMs() - host.bootedAt) / 1000);
    // Stryker disable next-line all: load average is free within its shape (three numbers >= 0)
    const load = Number((host.tracker.used.vcpus / host.tracker.sizes.vcpus).toFixed(2));
    // Stryker disable next-line all: the uptime text is free-form
    const clock = new Date().toISOString().slice(11, 19);
    // Stryker disable next-line all: the uptime text is free-form
    const average = `${load.toFixed(2)}, ${load.toFixed(2)}, ${load.toFixed(2)}`;
    // Stryker disable next-line all: the uptime text is free-form
    const text = ` ${clock} up ${Math.floor(uptimeSec / 60)} min,  0 users,  load average: ${average}`;
    return { uptimeSec, loadAverage: [load, load, load], text };
  }

  /** Cumulative CPU times since boot (never decreasing), split by how busy the claimed vCPUs keep the host. */
  protected async _getHostCpuStats(): Promise<HostCpuStats> {
    const host = this.hostFor('getHostCpuStats');
    // How the CPU times split is the driver's choice: the contract asks counters that never go backwards (checked).
    // Stryker disable all: the split of CPU time between the counters is free
    const account = host.cpu;
    const now = nowMs();
    const ns = (now - account.at) * 1_000_000 * host.tracker.sizes.vcpus;
    const busy = Math.min(1, host.tracker.used.vcpus / host.tracker.sizes.vcpus);
    account.user += Math.round(ns * 0.9 * busy);
    account.kernel += Math.round(ns * 0.02);
    account.iowait += Math.round(ns * 0.01);
    account.idle += Math.round(ns * (0.97 - 0.9 * busy));
    // Stryker restore all
    account.at = now;
    const { kernel, idle, user, iowait } = account;
    return { kernel, idle, user, iowait, frequency: FREQUENCY_MHZ };
  }

  // Aggregate membership is memory-only state: no call of the contract reads it back (only that calls succeed).
  // Stryker disable all: aggregate membership has no read-back in the contract
  /** `r.host` joins the aggregate; already a member: nothing changes (a retry is safe). */
  protected async _addToAggregate(_c: Ctx, r: AddToAggregateRequest): Promise<void> {
    const host = this.hostFor('addToAggregate');
    const members = host.aggregates.get(r.aggregate.id) ?? new Set<string>();
    members.add(r.host);
    host.aggregates.set(r.aggregate.id, members);
  }

  /** `r.host` leaves the aggregate; not a member: nothing changes (a retry is safe). */
  protected async _removeFromAggregate(_c: Ctx, r: RemoveFromAggregateRequest): Promise<void> {
    const host = this.hostFor('removeFromAggregate');
    const members = host.aggregates.get(r.aggregate.id);
    if (!members) return;
    members.delete(r.host);
    if (members.size === 0) host.aggregates.delete(r.aggregate.id);
  }

  /** Undo the membership change that failed, then let the orchestrator revert its record. */
  protected async _undoAggregateOperation(_c: Ctx, r: UndoAggregateOperationRequest): Promise<void> {
    const host = this.hostFor('undoAggregateOperation');
    const members = host.aggregates.get(r.aggregate.id) ?? new Set<string>();
    if (r.operation === 'add') members.delete(r.host);
    else members.add(r.host);
    if (members.size === 0) host.aggregates.delete(r.aggregate.id);
    else host.aggregates.set(r.aggregate.id, members);
    await r.revert();
  }
}
// Stryker restore all

function boot(host: MemoryHost): void {
  host.poweredOn = true;
  host.bootedAt = nowMs();
  // Stryker disable next-line ObjectLiteral: CPU counters may restart at a boot or not (they only must not go back)
  Object.assign(host.cpu, { at: host.bootedAt, user: 0, kernel: 0, idle: 0, iowait: 0 });
}

/** A peer for every instance, with its resources already claimed there; or nothing claimed and an error. */
function placeElsewhere(host: MemoryHost): [InstanceRecord, MemoryHost][] {
  // Stryker disable next-line ConditionalExpression: equivalent (an empty host plans nothing either way)
  if (host.store.size === 0) return [];
  // Stryker disable next-line ConditionalExpression: equivalent (the host holds the instance, so canTake refuses it)
  const peers = host.fabric.hosts.filter((h) => h !== host && h.enabled && !h.maintenance && h.poweredOn);
  const plan: [InstanceRecord, MemoryHost][] = [];
  try {
    for (const record of host.store.values()) {
      // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: a choice the contract leaves
      // open: moving the instance anyway (its migration then fails and is rolled back) ends as the kit checks it (one
      // host, running, usage agreeing); refusing is this driver's choice
      if (host.liveMigrations.has(record.uuid) || host.fabric.staged(record.uuid)) {
        throw new MigrationError(`instance ${record.uuid} is being migrated`);
      }
      if (host.busy.has(record.uuid)) {
        throw new MigrationError(`instance ${record.uuid} has a call in flight (rebuild, snapshot)`);
      }
      const peer = peers.find((p) => canTake(p, record));
      if (peer === undefined) throw new MigrationError(`no other host on the fabric can take instance ${record.uuid}`);
      peer.tracker.claim(record.amounts);
      plan.push([record, peer]);
    }
  } catch (error) {
    for (const [record, peer] of plan) peer.tracker.release(record.amounts);
    throw error;
  }
  return plan;
}

// Stryker disable all: these differ only for a peer without room, or already holding the uuid or the name: a uuid
// lives on one host, the kit's instance names are unique, and the kit cannot fill a real host
function canTake(peer: MemoryHost, record: InstanceRecord): boolean {
  const nameFree = record.name === undefined || peer.store.byName(record.name) === undefined;
  return !peer.store.has(record.uuid) && nameFree && peer.tracker.shortOf(record.amounts) === undefined;
}
