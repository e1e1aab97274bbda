import {
  ConflictError, type AttachInterfaceRequest, type DetachInterfaceRequest, type EnsureFilteringRulesForInstanceRequest, type InstanceRequest,
  type PlugVifsRequest, type RefreshSecurityGroupRulesRequest, type UnfilterInstanceRequest, type UnplugVifsRequest,
} from '@virtkit/core';
import { appendLog } from '../model/console-log.js';
import type { MemoryHost } from '../model/memory-host.js';
import { addNic, checkNics, removeNic } from '../model/nics.js';
import { interfaceAttachedAsAsked } from './idempotent-creates.js';

/**
 * Plug every VIF into the instance; a VIF already plugged changes nothing,
 * a conflicting one (same id with another MAC, or a MAC in use) is `CONFLICT`.
 * All or nothing.
 */
export function plugVifs(host: MemoryHost, req: PlugVifsRequest): void {
  const record = host.store.require(req.instance.uuid);
  checkNics(record.nics, req.networkInfo);
  for (const vif of req.networkInfo) addNic(record, vif);
}

/** Unplug the VIFs; those already gone change nothing. @throws `INSTANCE_NOT_FOUND` (the SDK then succeeds) */
export function unplugVifs(host: MemoryHost, req: UnplugVifsRequest): void {
  const record = host.store.require(req.instance.uuid);
  for (const vif of req.networkInfo) removeNic(record, vif.id);
}

/** Hot-plug one interface (the SDK allows RUNNING, PAUSED, SHUTDOWN); the same VIF (id, MAC, tag) again changes nothing, the same id otherwise is `CONFLICT`. */
export function attachInterface(host: MemoryHost, req: AttachInterfaceRequest): void {
  const record = host.store.require(req.instance.uuid);
  if (interfaceAttachedAsAsked(record, req)) return;
  if (record.nics?.includes(req.vif.id)) throw new ConflictError(`interface ${req.vif.id} is already attached with another MAC or tag`);
  if (addNic(record, req.vif)) appendLog(record, `interface ${req.vif.address.toLowerCase()} attached`, host.config.consoleOutputLimit);
}

/** Hot-unplug one interface; one that is not attached changes nothing. */
export function detachInterface(host: MemoryHost, req: DetachInterfaceRequest): void {
  const record = host.store.require(req.instance.uuid);
  if (removeNic(record, req.vif.id)) appendLog(record, `interface ${req.vif.address.toLowerCase()} detached`, host.config.consoleOutputLimit);
}

/** Calls that only need the instance to exist (network resets, injection of network info, ...). */
export function requireInstance(host: MemoryHost, req: InstanceRequest): void {
  host.store.require(req.instance.uuid);
}

// ---- network.firewall (deprecated) ---------------------------------------------------------

/** Count a refresh of the group's rules. */
export function refreshSecurityGroupRules(host: MemoryHost, req: RefreshSecurityGroupRulesRequest): void {
  const groups = host.firewall.groups;
  groups.set(req.securityGroupId, (groups.get(req.securityGroupId) ?? 0) + 1);
}

/** Install the instance's filters; it need not be here yet (a live migration is about to arrive). */
export function ensureFilteringRulesForInstance(host: MemoryHost, req: EnsureFilteringRulesForInstanceRequest): void {
  host.firewall.filtered.add(req.instance.uuid);
}

/** Remove the instance's filters; idempotent. */
export function unfilterInstance(host: MemoryHost, req: UnfilterInstanceRequest): void {
  host.firewall.filtered.delete(req.instance.uuid);
}

/** Batch (`true`) or apply (`false`) rule changes. */
export function deferFilters(host: MemoryHost, deferred: boolean): void {
  host.firewall.deferred = deferred;
}
