import {
  InstanceNotFoundError, NotSupportedError, PowerState, ValidationError, type BlockDeviceInfo, type CleanupRequest,
  type DestroyRequest, type ImageMeta, type InstanceRequest, type PowerOffRequest, type PowerOnRequest, type RebootRequest,
  type SpawnRequest,
} from '@virtkit/core';
import { appendLog } from '../model/console-log.js';
import { nowMs } from '../model/clock.js';
import { InstanceRecord, RecordFlag } from '../model/instance-record.js';
import { VolumeAttachment } from '../model/instance-extras.js';
import type { MemoryHost } from '../model/memory-host.js';
import { addNic, checkNics } from '../model/nics.js';
import { admit, evict } from '../model/placement.js';
import { amountsOf } from '../model/resource-amounts.js';
import { refuseWhile, refuseWhileHostOff, refuseBootHere } from '../model/state-guards.js';
import { deviceKey, volumeIdOf, volumeSizeOf } from '../model/volume-identity.js';

const { RUNNING, SHUTDOWN, CRASHED, NOSTATE } = PowerState;

/**
 * Create the guest: claim the flavor's resources, plug its NICs, attach the
 * volumes of its block-device mapping, boot it (or leave it SHUTDOWN).
 * All or nothing; the `spawn.boot` failure point fails it after creation,
 * which the SDK's cleanup (→ {@link failedSpawnCleanup}) undoes.
 */
export function spawn(host: MemoryHost, req: SpawnRequest): void {
  const { instance, imageMeta } = req;
  if ((req.accelInfo ?? []).length > 0) throw new NotSupportedError('accelerators', 'spawn');
  refuseWhileHostOff(host, 'spawn', instance.uuid);
  checkImageType(host, imageMeta);
  const amounts = amountsOf(instance.flavor);
  const record = new InstanceRecord({
    vcpus: amounts.vcpus, memoryMb: amounts.memoryMb, diskGb: amounts.diskGb, ephemeralGb: amounts.ephemeralGb, swapMb: amounts.swapMb,
    uuid: instance.uuid, name: instance.name,
    seq: host.nextSeq(), flavor: instance.flavor.name, image: imageMeta.id ?? instance.imageRef ?? imageMeta.name ?? '',
  });
  const vifs = req.networkInfo ?? [];
  checkNics(undefined, vifs);
  for (const vif of vifs) addNic(record, vif);
  const volumes = attachmentsOf(req.blockDeviceInfo, 'spawn');
  if (volumes) record.more().volumes = volumes;
  for (const file of req.injectedFiles ?? []) (record.more().files ??= new Map()).set(file.path, Buffer.from(file.contents, 'base64').length);
  admit(host, record);
  host.ports.failures.check('spawn.boot');
  record.setState(req.powerOn === false ? SHUTDOWN : RUNNING);
}

/** Undo a failed spawn completely (never fails, never injects). */
export function failedSpawnCleanup(host: MemoryHost, req: InstanceRequest): void {
  evict(host, req.instance.uuid);
}

/** Remove the guest and release everything it held. @throws `INSTANCE_NOT_FOUND` (the SDK then succeeds) */
export function destroy(host: MemoryHost, req: DestroyRequest): void {
  const uuid = req.instance.uuid;
  releaseIncoming(host, uuid);
  if (host.fabric.staged(uuid)?.source === host.hostname) host.fabric.unstage(uuid);
  if (evict(host, uuid) === undefined) throw new InstanceNotFoundError(uuid);
}

/** Release what is left here: reservations, filters, and a guest that is not running any more. */
export function cleanup(host: MemoryHost, req: CleanupRequest): void {
  const uuid = req.instance.uuid;
  releaseIncoming(host, uuid);
  host.firewall.filtered.delete(uuid);
  const record = host.store.get(uuid);
  if (record !== undefined && !record.live) {
    evict(host, uuid);
    host.ports.forget(uuid);
  }
}

/** Soft (guest restarts itself, from RUNNING) or hard (reset, from any state) reboot; ends RUNNING. */
export function reboot(host: MemoryHost, req: RebootRequest): void {
  const record = host.store.require(req.instance.uuid);
  refuseWhile(record, 'reboot', RecordFlag.SOFT_DELETED, RecordFlag.RESCUED, RecordFlag.UNBOOTABLE);
  refuseBootHere(host, record, 'reboot');
  record.reboot();
  record.set(RecordFlag.QUIESCED, false);
  appendLog(record, `${req.rebootType.toLowerCase()} reboot`, host.config.consoleOutputLimit);
}

/** Stop the guest (a suspended one loses its saved state); ends SHUTDOWN. */
export function powerOff(host: MemoryHost, req: PowerOffRequest): void {
  const record = host.store.require(req.instance.uuid);
  const now = nowMs();
  record.setState(SHUTDOWN, now);
  record.set(RecordFlag.QUIESCED, false);
  appendLog(record, req.timeoutSec ? 'ACPI shutdown' : 'power off', host.config.consoleOutputLimit, now);
}

/** Start a stopped or crashed guest; ends RUNNING. */
export function powerOn(host: MemoryHost, req: PowerOnRequest): void {
  const record = host.store.require(req.instance.uuid);
  refuseWhile(record, 'powerOn', RecordFlag.SOFT_DELETED, RecordFlag.UNBOOTABLE);
  refuseBootHere(host, record, 'powerOn');
  const now = nowMs();
  record.setState(RUNNING, now);
  appendLog(record, 'boot', host.config.consoleOutputLimit, now);
}

/** After a host boot: start a guest that is stopped (and may start); report the change. */
export function resumeStateOnHostBoot(host: MemoryHost, req: InstanceRequest): void {
  const record = host.store.require(req.instance.uuid);
  const stopped = record.state === SHUTDOWN || record.state === CRASHED || record.state === NOSTATE;
  if (!stopped || record.has(RecordFlag.SOFT_DELETED) || record.has(RecordFlag.UNBOOTABLE)) return;
  refuseBootHere(host, record, 'resumeStateOnHostBoot');
  record.setState(RUNNING);
  appendLog(record, 'boot (host restarted)', host.config.consoleOutputLimit);
  host.ports.report(record.uuid, RUNNING);
}

/** True when nothing of the instance is left here. */
export function deleteInstanceFiles(host: MemoryHost, req: InstanceRequest): boolean {
  return !host.store.has(req.instance.uuid);
}

/** True when the instance's disks are reachable from here: local, or on shared storage on another host. */
export function instanceOnDisk(host: MemoryHost, req: InstanceRequest): boolean {
  const uuid = req.instance.uuid;
  return host.store.has(uuid) || (host.fabric.sharedStorage && host.fabric.locate(uuid) !== undefined);
}

/**
 * The volume attachments a block-device mapping describes, by device (for a
 * record that is not on the host yet: {@link admit} then holds them).
 * @throws `VALIDATION_FAILED` (a device used twice, a volume without id)
 */
export function attachmentsOf(info: BlockDeviceInfo | undefined, op: string): Map<string, VolumeAttachment> | undefined {
  const mapping = info?.blockDeviceMapping ?? [];
  if (mapping.length === 0) return undefined;
  const volumes = new Map<string, VolumeAttachment>();
  for (const [i, bdm] of mapping.entries()) {
    const path = `blockDeviceInfo.blockDeviceMapping[${i}]`;
    const key = deviceKey(bdm.mountDevice);
    if (volumes.has(key)) throw new ValidationError(op, [{ path: `${path}.mountDevice`, messages: [`device ${key} is used twice`] }]);
    const volumeId = bdm.volumeId ?? volumeIdOf(bdm.connectionInfo, op, `${path}.connectionInfo`);
    const multiattach = bdm.connectionInfo.data?.multiattach === true;
    volumes.set(key, new VolumeAttachment(volumeId, volumeSizeOf(bdm.connectionInfo), multiattach, bdm.tag));
  }
  return volumes;
}

/** The image's format must be one the driver declares it boots. @throws `VALIDATION_FAILED` */
export function checkImageType(host: MemoryHost, imageMeta: ImageMeta): void {
  const format = imageMeta.diskFormat;
  if (format !== undefined && !host.ports.capabilities.imageTypes.includes(format)) {
    throw new ValidationError('spawn', [{ path: 'imageMeta.diskFormat', messages: [`the memory driver does not boot ${format} images`] }]);
  }
}

function releaseIncoming(host: MemoryHost, uuid: string): void {
  const reserved = host.incoming.get(uuid);
  if (reserved === undefined) return;
  host.incoming.delete(uuid);
  host.tracker.release(reserved);
}
