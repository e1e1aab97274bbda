import {
  ConflictError, NotFoundError, ValidationError, type AttachVolumeRequest, type DetachVolumeRequest, type ExtendVolumeRequest,
  type GetVolumeConnectorRequest, type IsSupportedFsFormatRequest, type SwapVolumeRequest, type VolumeConnector,
  type VolumeSnapshotCreateRequest, type VolumeSnapshotDeleteRequest,
} from '@virtkit/core';
import { findVolume, plugVolume, unplugVolume } from '../model/attachments.js';
import { VolumeAttachment } from '../model/instance-extras.js';
import type { InstanceRecord } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { deviceKey, volumeIdOf, volumeSizeOf } from '../model/volume-identity.js';
import { volumeAttachedAsAsked } from './idempotent-creates.js';

const GIB = 1024 ** 3;
/** File systems the memory host formats local disks with. */
const FS_FORMATS: ReadonlySet<string> = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'vfat', 'swap']);

/**
 * Plug the volume at `mountpoint`. The same attachment again (same device,
 * volume, multiattach mode and tag) changes nothing; any other overlap (device
 * taken, the volume at another device, held by another instance) is
 * `CONFLICT`, unless both attachments are multiattach.
 */
export function attachVolume(host: MemoryHost, req: AttachVolumeRequest): void {
  const record = host.store.require(req.instance.uuid);
  // Already attached exactly as asked: a retry, success with no change (#18).
  if (volumeAttachedAsAsked(record, req)) return;
  const volumeId = volumeIdOf(req.connectionInfo, 'attachVolume');
  const attachment = new VolumeAttachment(volumeId, volumeSizeOf(req.connectionInfo), req.multiattach === true, req.tag);
  plugVolume(host, record, deviceKey(req.mountpoint), attachment);
}

/** Unplug the volume at `mountpoint`. @throws `NOT_FOUND` when it is not there (the SDK then succeeds) */
export function detachVolume(host: MemoryHost, req: DetachVolumeRequest): void {
  const record = host.store.require(req.instance.uuid);
  const key = deviceKey(req.mountpoint);
  const volumeId = volumeIdOf(req.connectionInfo, 'detachVolume');
  if (record.extras?.volumes?.get(key)?.volumeId !== volumeId) throw new NotFoundError('volume attachment', `${volumeId} at ${key}`);
  unplugVolume(host, record, key);
}

/** This host as a storage client (at its block-storage address); the instance need not exist yet. */
export function getVolumeConnector(host: MemoryHost, _req: GetVolumeConnectorRequest): VolumeConnector {
  return {
    ip: host.config.blockStorageIp, host: host.hostname, initiator: `iqn.2026-01.io.virtkit.memory:${host.hostname}`,
    multipath: false, platform: 'x86_64', osType: 'linux2',
  };
}

/** Replace the volume at `mountpoint` by the new one, keeping device and tag; grows it to `resizeToGb` when larger. */
export function swapVolume(host: MemoryHost, req: SwapVolumeRequest): void {
  const record = host.store.require(req.instance.uuid);
  const key = deviceKey(req.mountpoint);
  const oldId = volumeIdOf(req.oldConnectionInfo, 'swapVolume', 'oldConnectionInfo');
  const newId = volumeIdOf(req.newConnectionInfo, 'swapVolume', 'newConnectionInfo');
  const old = record.extras?.volumes?.get(key);
  if (old === undefined || old.volumeId !== oldId) throw new NotFoundError('volume attachment', `${oldId} at ${key}`);
  if (newId === oldId) return;
  const elsewhere = findVolume(record, newId);
  if (elsewhere !== undefined) throw new ConflictError(`volume ${newId} is already attached to this instance at ${elsewhere[0]}`);
  host.fabric.volumes.check(newId, record.uuid, old.multiattach);
  const size = Math.max(volumeSizeOf(req.newConnectionInfo), (req.resizeToGb ?? 0) * GIB);
  unplugVolume(host, record, key);
  plugVolume(host, record, key, new VolumeAttachment(newId, size, old.multiattach, old.tag));
}

/** The guest sees the volume's new size. Shrinking is `VALIDATION_FAILED`. */
export function extendVolume(host: MemoryHost, req: ExtendVolumeRequest): void {
  const attachment = attached(host.store.require(req.instance.uuid), volumeIdOf(req.connectionInfo, 'extendVolume'));
  if (req.newSizeBytes < attachment.sizeBytes) {
    throw new ValidationError('extendVolume', [{ path: 'newSizeBytes', messages: [`must not be below the current ${attachment.sizeBytes} bytes`] }]);
  }
  attachment.sizeBytes = req.newSizeBytes;
}

/** Record a snapshot of an attached volume. A snapshot id taken twice is `CONFLICT`. */
export function volumeSnapshotCreate(host: MemoryHost, req: VolumeSnapshotCreateRequest): void {
  const attachment = attached(host.store.require(req.instance.uuid), req.volumeId);
  const { snapshotId, newFile } = req.createInfo;
  if (attachment.snapshots?.has(snapshotId)) throw new ConflictError(`volume ${req.volumeId} already has snapshot ${snapshotId}`);
  (attachment.snapshots ??= new Map()).set(snapshotId, newFile ?? `${req.volumeId}.${snapshotId}`);
}

/** Merge a snapshot away. @throws `NOT_FOUND` (volume not attached, or no such snapshot) */
export function volumeSnapshotDelete(host: MemoryHost, req: VolumeSnapshotDeleteRequest): void {
  const attachment = attached(host.store.require(req.instance.uuid), req.volumeId);
  if (!attachment.snapshots?.delete(req.snapshotId)) throw new NotFoundError('volume snapshot', req.snapshotId);
  if (attachment.snapshots.size === 0) attachment.snapshots = undefined;
}

/** The file systems the memory host can create. */
export function isSupportedFsFormat(_host: MemoryHost, req: IsSupportedFsFormatRequest): boolean {
  return FS_FORMATS.has(req.fsType);
}

function attached(record: InstanceRecord, volumeId: string): VolumeAttachment {
  const found = findVolume(record, volumeId);
  if (found === undefined) throw new NotFoundError('volume attachment', `${volumeId} on instance ${record.uuid}`);
  return found[1];
}
