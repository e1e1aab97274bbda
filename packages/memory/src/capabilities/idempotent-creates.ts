import type { AttachInterfaceRequest, AttachVolumeRequest, SpawnRequest } from '@virtkit/core';
import type { InstanceRecord } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { nicsOf } from '../model/nics.js';
import { amountsOf } from '../model/resource-amounts.js';
import { deviceKey, volumeIdOf } from '../model/volume-identity.js';
import { attachmentsOf } from './lifecycle.js';

// "Same request" for creates (issue #18, docs/caller-guide.md "Retries"): what the request says exists, exists as said.

/**
 * The instance is what `req` would have made: same name (or both default),
 * same flavor resources (vCPUs, memory, root + ephemeral + swap disk), same
 * image, the same NICs (VIF id and MAC) and the same volumes at the same
 * devices. Power state, passwords, files and metadata are not compared.
 */
export function spawnMatches(host: MemoryHost, req: SpawnRequest): boolean {
  const record = host.store.get(req.instance.uuid);
  if (record === undefined) return false;
  const { instance, imageMeta } = req;
  const amounts = amountsOf(instance.flavor);
  if (record.name !== instance.name || record.vcpus !== amounts.vcpus || record.memoryMb !== amounts.memoryMb || record.diskGb !== amounts.diskGb) return false;
  if (record.image !== (imageMeta.id ?? instance.imageRef ?? imageMeta.name ?? '')) return false;
  const nics = nicsOf(record).map((n) => `${n.id}/${n.mac}`).sort();
  const asked = (req.networkInfo ?? []).map((v) => `${v.id}/${v.address.toLowerCase()}`).sort();
  if (nics.join() !== asked.join()) return false;
  return sameVolumes(record, req);
}

function sameVolumes(record: InstanceRecord, req: SpawnRequest): boolean {
  const have = record.extras?.volumes;
  const want = attachmentsOf(req.blockDeviceInfo, 'spawn');
  if ((have?.size ?? 0) !== (want?.size ?? 0)) return false;
  for (const [key, attachment] of want ?? []) if (have?.get(key)?.volumeId !== attachment.volumeId) return false;
  return true;
}

/** The volume is already at `mountpoint` of this instance with the same multiattach mode and tag. */
export function volumeAttachedAsAsked(record: InstanceRecord, req: AttachVolumeRequest): boolean {
  const existing = record.extras?.volumes?.get(deviceKey(req.mountpoint));
  return existing !== undefined && existing.volumeId === volumeIdOf(req.connectionInfo, 'attachVolume')
    && existing.multiattach === (req.multiattach === true) && existing.tag === req.tag;
}

/** The interface is already on this instance with the same MAC and tag. */
export function interfaceAttachedAsAsked(record: InstanceRecord, req: AttachInterfaceRequest): boolean {
  const mac = req.vif.address.toLowerCase();
  return nicsOf(record).some((n) => n.id === req.vif.id && n.mac === mac) && record.extras?.nicTags?.get(req.vif.id) === req.vif.tag;
}
