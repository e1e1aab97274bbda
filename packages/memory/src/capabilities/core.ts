import { PowerState, type InstanceInfo, type InstanceRequest, type InstanceSummary } from '@virtkit/core';
import type { MemoryHost } from '../model/memory-host.js';
import { RecordFlag } from '../model/instance-record.js';

// Calls every driver has.

/** Start serving: the host rejoins its fabric (after a cleanupHost) and counts as booted. */
export function initHost(host: MemoryHost): void {
  host.fabric.register(host);
  host.poweredOn = true;
}

/** Stop serving: the host leaves its fabric, so nothing migrates to it any more. */
export function cleanupHost(host: MemoryHost): void {
  host.fabric.unregister(host);
}

/** What `getInfo` reports: the record, truthfully. @throws `INSTANCE_NOT_FOUND` */
export function getInfo(host: MemoryHost, req: InstanceRequest): InstanceInfo {
  const record = host.store.require(req.instance.uuid);
  const maxMemKb = record.memoryMb * 1024;
  const resident = record.state === PowerState.RUNNING || record.state === PowerState.PAUSED;
  return {
    state: record.state,
    rescued: record.has(RecordFlag.RESCUED),
    softDeleted: record.has(RecordFlag.SOFT_DELETED),
    numCpu: record.vcpus,
    maxMemKb,
    memKb: resident ? maxMemKb : 0,
    cpuTimeNs: record.cpuTimeNs(),
    internalId: record.internalId,
  };
}

/** Every instance (a listing: the one place that walks the store). */
export function listInstances(host: MemoryHost): InstanceSummary[] {
  const out: InstanceSummary[] = [];
  for (const record of host.store.values()) out.push({ uuid: record.uuid, name: record.displayName });
  return out;
}

/** The one node of a memory host: its host name. */
export function getAvailableNodes(host: MemoryHost): string[] {
  return [host.hostname];
}

/** The configured host IP (loopback by default). */
export function getHostIp(host: MemoryHost): string {
  return host.config.hostIp;
}
