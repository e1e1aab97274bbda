import type { MemoryFabric } from '../fabric/memory-fabric.js';
import type { InstanceRecord } from './instance-record.js';
import type { MemoryHost } from './memory-host.js';

/** What {@link admit} and {@link evict} do besides the store. */
export interface PlacementOptions {
  /** Claim (or release) the record's resources. @defaultValue true */
  resources?: boolean;
  /** Hold (or release) its volumes on the fabric. @defaultValue true */
  volumes?: boolean;
}

/**
 * Put a record on the host, all or nothing: name and uuid free, resources
 * claimed, volumes held on the fabric, image cached.
 * @throws `CONFLICT`, `INSUFFICIENT_RESOURCES`; nothing changed then
 */
export function admit(host: MemoryHost, record: InstanceRecord, options: PlacementOptions = {}): void {
  host.store.checkFree(record.uuid, record.name);
  if (options.resources !== false) host.tracker.claim(record.amounts);
  try {
    if (options.volumes !== false) holdVolumes(host.fabric, record);
  } catch (error) {
    if (options.resources !== false) host.tracker.release(record.amounts);
    throw error;
  }
  host.store.add(record); // checkFree above; claims and holds cannot add records
  useImage(host, record.image, 1);
}

/**
 * Take a record off the host, releasing what {@link admit} took (its volumes stay held with `volumes: false`, for a
 * move). Returns it, or undefined when absent.
 */
export function evict(
  host: MemoryHost,
  uuid: string,
  options: Pick<PlacementOptions, 'volumes'> = {},
): InstanceRecord | undefined {
  const record = host.store.remove(uuid);
  if (record === undefined) return undefined;
  host.tracker.release(record.amounts);
  if (options.volumes !== false) releaseVolumes(host.fabric, record);
  // Stryker disable next-line UnaryOperator: the base-image cache has no read-back (see useImage)
  useImage(host, record.image, -1);
  host.firewall.filtered.delete(uuid);
  return record;
}

/**
 * Count one more (or one less) local instance using a cached base image.
 * An image nobody uses stays cached until `manageImageCache` prunes it.
 */
// Stryker disable all: the base-image cache has no read-back in the contract (see capabilities/image.ts)
export function useImage(host: MemoryHost, image: string, delta: 1 | -1): void {
  if (image === '') return;
  host.imageCache.set(image, Math.max(0, (host.imageCache.get(image) ?? 0) + delta));
}

// Stryker restore all

/**
 * Move a record to another host of the fabric (live migration, maintenance),
 * keeping its volumes held. Checks the destination first, so a refusal leaves
 * the record where it was. `claimed`: the destination already holds its resources.
 * @throws `CONFLICT`, `INSUFFICIENT_RESOURCES`
 */
export function move(from: MemoryHost, to: MemoryHost, record: InstanceRecord, claimed: boolean): void {
  to.store.checkFree(record.uuid, record.name);
  if (!claimed) to.tracker.claim(record.amounts);
  evict(from, record.uuid, { volumes: false });
  record.seq = to.nextSeq();
  admit(to, record, { resources: false, volumes: false });
}

/** Hold every volume of the record, or none. */
function holdVolumes(fabric: MemoryFabric, record: InstanceRecord): void {
  // Stryker disable next-line ArrayDeclaration: equivalent (releasing a volume id nobody holds is a no-op)
  const held: string[] = [];
  try {
    for (const attachment of record.extras?.volumes?.values() ?? []) {
      fabric.volumes.hold(attachment.volumeId, record.uuid, attachment.multiattach);
      held.push(attachment.volumeId);
    }
  } catch (error) {
    for (const volumeId of held) fabric.volumes.release(volumeId, record.uuid);
    throw error;
  }
}

function releaseVolumes(fabric: MemoryFabric, record: InstanceRecord): void {
  // Stryker disable next-line ArrayDeclaration: equivalent (a string's volumeId is undefined: nobody holds it)
  for (const attachment of record.extras?.volumes?.values() ?? [])
    fabric.volumes.release(attachment.volumeId, record.uuid);
}
