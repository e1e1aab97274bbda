import { InsufficientResourcesError, type RebuildRequest } from '@virtkit/core';
import { plugVolume, unplugVolume } from '../model/attachments.js';
import { appendLog } from '../model/console-log.js';
import { RecordFlag } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { addNic, checkNics } from '../model/nics.js';
import { useImage } from '../model/placement.js';
import { amountsOf } from '../model/resource-amounts.js';
import { refuseWhile } from '../model/state-guards.js';
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
  const next = amountsOf(req.instance.flavor);
  const short = host.tracker.shortReplacing(record.amounts, next);
  if (short !== undefined) throw new InsufficientResourcesError(short, `not enough ${short} on this node for the new flavor`);
  checkImageType(host, req.imageMeta);
  checkNics(undefined, req.networkInfo ?? []);
  await req.detachBlockDevices?.();
  for (const key of [...(record.extras?.volumes?.keys() ?? [])]) unplugVolume(host, record, key);
  const info = (await req.attachBlockDevices?.()) ?? req.blockDeviceInfo;
  // Volumes the attach callback already plugged (through attachVolume) stay; the others are plugged now.
  for (const [key, attachment] of attachmentsOf(info, 'rebuild') ?? []) {
    if (record.extras?.volumes?.get(key)?.volumeId !== attachment.volumeId) plugVolume(host, record, key, attachment);
  }
  host.tracker.replace(record.amounts, next);
  Object.assign(record, next, { flavor: req.instance.flavor.name });
  const image = req.imageMeta.id ?? req.instance.imageRef ?? req.imageMeta.name ?? record.image;
  useImage(host, record.image, -1);
  useImage(host, image, 1);
  record.image = image;
  if (req.networkInfo !== undefined) {
    record.nics = undefined;
    if (record.extras) record.extras.nicTags = undefined;
    for (const vif of req.networkInfo) addNic(record, vif);
  }
  record.set(RecordFlag.QUIESCED, false);
  record.reboot();
  appendLog(record, `rebuilt from image ${record.image || '(unnamed)'}`, host.config.consoleOutputLimit);
}

/** Evacuation: the guest never lived here; create it from the (shared) image and the re-attached volumes. */
async function evacuateHere(host: MemoryHost, req: RebuildRequest): Promise<void> {
  await req.detachBlockDevices?.();
  const blockDeviceInfo = (await req.attachBlockDevices?.()) ?? req.blockDeviceInfo;
  spawn(host, {
    instance: req.instance, imageMeta: req.imageMeta, injectedFiles: req.injectedFiles, adminPassword: req.adminPassword,
    allocations: req.allocations, networkInfo: req.networkInfo, blockDeviceInfo, accelInfo: req.accelInfo, powerOn: true,
  });
}
