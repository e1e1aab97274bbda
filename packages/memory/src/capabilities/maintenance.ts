import { MigrationError, type HostMaintenanceModeRequest } from '@virtkit/core';
import type { InstanceRecord } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { move } from '../model/placement.js';

/**
 * Enter maintenance (moving every instance to other hosts of the fabric) or
 * leave it. Idempotent. Entering is all or nothing: when some instance has no
 * host to go to, nothing moves and the call fails with `MIGRATION_FAILED`.
 */
export function hostMaintenanceMode(host: MemoryHost, req: HostMaintenanceModeRequest): void {
  if (!req.mode || host.maintenance) {
    host.maintenance = req.mode;
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

/** A peer for every instance, with its resources already claimed there; or nothing claimed and an error. */
function placeElsewhere(host: MemoryHost): [InstanceRecord, MemoryHost][] {
  if (host.store.size === 0) return [];
  const peers = host.fabric.hosts.filter((h) => h !== host && h.enabled && !h.maintenance && h.poweredOn);
  const plan: [InstanceRecord, MemoryHost][] = [];
  try {
    for (const record of host.store.values()) {
      if (host.liveMigrations.has(record.uuid) || host.fabric.staged(record.uuid)) {
        throw new MigrationError(`instance ${record.uuid} is being migrated`);
      }
      if (host.busy.has(record.uuid)) throw new MigrationError(`instance ${record.uuid} has a call in flight (rebuild, snapshot)`);
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

function canTake(peer: MemoryHost, record: InstanceRecord): boolean {
  const nameFree = record.name === undefined || peer.store.byName(record.name) === undefined;
  return !peer.store.has(record.uuid) && nameFree && peer.tracker.shortOf(record.amounts) === undefined;
}
