import { InsufficientResourcesError, InvalidStateError, type RebuildRequest } from '@virtkit/core';
import { plugVolume, unplugVolume } from '../model/attachments.js';
import { appendLog } from '../model/console-log.js';
import { VolumeAttachment } from '../model/instance-extras.js';
import { RecordFlag, type InstanceRecord } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { addNic, checkNics } from '../model/nics.js';
import { evict, useImage } from '../model/placement.js';
import { amountsOf } from '../model/resource-amounts.js';
import { refuseWhile, refuseBootHere } from '../model/state-guards.js';
import { attachmentsOf, checkImageType, spawn } from './lifecycle.js';

/**
 * Re-create the guest in place from `imageMeta`, keeping its identity, and
 * end RUNNING: the orchestrator's detach callback runs before the old guest
 * goes (volumes still attached go with it), the attach callback after, and
 * the volumes it returns (or `blockDeviceInfo`) are plugged into the new guest.
 * Capacity for a new flavor is checked before anything changes.
 */
export async function rebuild(host: MemoryHost, req: RebuildRequest): Promise<void> {
  if (req.recreate && !host.store.has(req.instance.uuid)) return evacuateHere(host, req);
  const record = host.store.require(req.instance.uuid);
  refuseWhile(record, 'rebuild', RecordFlag.RESCUED, RecordFlag.SOFT_DELETED, RecordFlag.UNBOOTABLE);
  refuseBootHere(host, record, 'rebuild');
  const next = amountsOf(req.instance.flavor);
  const short = host.tracker.shortReplacing(record.amounts, next);
  if (short !== undefined) throw new InsufficientResourcesError(short, `not enough ${short} on this node for the new flavor`);
  checkImageType(host, req.imageMeta);
  // null is "no change" like undefined (the SDK drops null optional fields; a direct hook call may not).
  const networkInfo = req.networkInfo ?? undefined;
  checkNics(undefined, networkInfo ?? []);
  // Without an attach callback the new mapping is known now: refuse a bad one before anything changes.
  if (req.attachBlockDevices === undefined) attachmentsOf(req.blockDeviceInfo, 'rebuild');
  host.busy.enter(record.uuid);
  try {
    await req.detachBlockDevices?.();
    requireStill(host, record);
    const old = [...(record.extras?.volumes ?? [])];
    for (const [key] of old) unplugVolume(host, record, key);
    const plugged: string[] = [];
    let claimed = false;
    try {
      const info = (await req.attachBlockDevices?.()) ?? req.blockDeviceInfo;
      requireStill(host, record);
      const wanted = attachmentsOf(info, 'rebuild') ?? new Map<string, VolumeAttachment>();
      host.tracker.replace(record.amounts, next);
      claimed = true;
      // Volumes the attach callback already plugged (through attachVolume) stay; the others are plugged now, all or none.
      for (const [key, attachment] of wanted) {
        if (record.extras?.volumes?.get(key)?.volumeId === attachment.volumeId) continue;
        plugVolume(host, record, key, attachment);
        plugged.push(key);
      }
    } catch (error) {
      if (claimed) host.tracker.replace(next, record.amounts);
      for (const key of plugged) unplugVolume(host, record, key);
      if (host.store.get(record.uuid) === record) restoreVolumes(host, record, old);
      throw error;
    }
  } finally {
    host.busy.leave(record.uuid);
  }
  Object.assign(record, next, { flavor: req.instance.flavor.name });
  const image = req.imageMeta.id ?? req.instance.imageRef ?? req.imageMeta.name ?? record.image;
  useImage(host, record.image, -1);
  useImage(host, image, 1);
  record.image = image;
  if (networkInfo !== undefined) {
    record.nics = undefined;
    if (record.extras) record.extras.nicTags = undefined;
    for (const vif of networkInfo) addNic(record, vif);
  }
  record.set(RecordFlag.QUIESCED, false);
  record.reboot();
  appendLog(record, `rebuilt from image ${record.image || '(unnamed)'}`, host.config.consoleOutputLimit);
}

/** Evacuation: the guest never lived here; create it from the (shared) image and the re-attached volumes. All or nothing. */
async function evacuateHere(host: MemoryHost, req: RebuildRequest): Promise<void> {
  const uuid = req.instance.uuid;
  host.busy.enter(uuid);
  try {
    await req.detachBlockDevices?.();
    const blockDeviceInfo = (await req.attachBlockDevices?.()) ?? req.blockDeviceInfo;
    const existed = host.store.has(uuid);
    try {
      spawn(host, {
        instance: req.instance, imageMeta: req.imageMeta, injectedFiles: req.injectedFiles, adminPassword: req.adminPassword,
        allocations: req.allocations, networkInfo: req.networkInfo, blockDeviceInfo, accelInfo: req.accelInfo, powerOn: true,
      });
    } catch (error) {
      // Like failedSpawnCleanup: nothing of the half-created guest (record, claims, volume holds) stays.
      if (!existed) evict(host, uuid);
      throw error;
    }
  } finally {
    host.busy.leave(uuid);
  }
}

/** The record must still be this host's after an orchestrator callback (maintenance may not move it meanwhile). */
function requireStill(host: MemoryHost, record: InstanceRecord): void {
  if (host.store.get(record.uuid) !== record) {
    throw new InvalidStateError({ instanceUuid: record.uuid, operation: 'rebuild', detail: `the instance left ${host.hostname} during the rebuild` });
  }
}

/** Put back the volumes the rebuild unplugged, where their device and hold are still free. */
function restoreVolumes(host: MemoryHost, record: InstanceRecord, old: [string, VolumeAttachment][]): void {
  for (const [key, attachment] of old) {
    try {
      plugVolume(host, record, key, attachment);
    } catch {
      // The orchestrator's callback took the device or the volume meanwhile: it keeps it.
    }
  }
}
