import {
  InstanceNotFoundError, MigrationError, PowerState, type ConfirmMigrationRequest, type FinishMigrationRequest,
  type FinishRevertMigrationRequest, type InstanceDiskInfo, type InstanceRequest, type MigrateDiskAndPowerOffRequest,
} from '@virtkit/core';
import { appendLog } from '../model/console-log.js';
import { InstanceRecord, RecordFlag } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { addNic, checkNics } from '../model/nics.js';
import { admit, evict } from '../model/placement.js';
import { amountsOf } from '../model/resource-amounts.js';
import { refuseWhile, refuseWhileHostOff } from '../model/state-guards.js';
import { attachmentsOf } from './lifecycle.js';
import { diskInfoOf } from './migration-support.js';

const { RUNNING, SHUTDOWN } = PowerState;

/**
 * Source: stop the guest and stage its disks for `dest` (this host for a
 * resize in place). The disk cannot shrink. Returns the disks to hand to
 * `finishMigration`.
 */
export function migrateDiskAndPowerOff(host: MemoryHost, req: MigrateDiskAndPowerOffRequest): InstanceDiskInfo[] {
  const record = host.store.require(req.instance.uuid);
  refuseWhile(record, 'migrateDiskAndPowerOff', RecordFlag.RESCUED, RecordFlag.SOFT_DELETED);
  // A second migration while one is staged: the fabric refuses it (CONFLICT) before anything changes.
  const dest = req.dest === host.hostname ? host : host.fabric.resolve(req.dest);
  if (dest === undefined) throw new MigrationError(`no memory host named '${req.dest}' on this fabric`);
  const to = amountsOf(req.flavor);
  if (to.diskGb < record.diskGb) throw new MigrationError(`the disk of instance ${record.uuid} cannot shrink from ${record.diskGb} to ${to.diskGb} GiB`);
  host.fabric.stage(record.uuid, {
    source: host.hostname, dest: dest.hostname, record, from: record.amounts, to, previousFlavor: record.flavor, flavor: req.flavor.name, finished: false,
  });
  record.setState(SHUTDOWN);
  record.set(RecordFlag.QUIESCED, false);
  appendLog(record, `disks copied to ${dest.hostname}; powered off for migration`, host.config.consoleOutputLimit);
  return diskInfoOf(host, record);
}

/**
 * Destination: build the instance from the staged disks with its new size
 * (in place for a same-host resize), RUNNING unless `powerOn` is false.
 * @throws `INSUFFICIENT_RESOURCES`, `MIGRATION_FAILED`
 */
export function finishMigration(host: MemoryHost, req: FinishMigrationRequest): void {
  const uuid = req.instance.uuid;
  if (req.powerOn !== false) refuseWhileHostOff(host, 'finishMigration', uuid);
  const staged = host.fabric.staged(uuid);
  const local = host.store.get(uuid);
  let record: InstanceRecord;
  if (local !== undefined && staged !== undefined && staged.dest === host.hostname && staged.source !== host.hostname && staged.finished
    && staged.arrived === local) {
    // A retry of the call that already built the instance here: only the requested power state is applied.
    local.setState(req.powerOn === false ? SHUTDOWN : RUNNING);
    return;
  }
  if (local !== undefined) {
    if (staged?.source !== host.hostname) throw new MigrationError(`instance ${uuid} is already on ${host.hostname}`);
    if (!staged.finished) host.tracker.replace(staged.from, staged.to);
    record = Object.assign(local, staged.to, { flavor: staged.flavor });
  } else {
    record = staged ? Object.assign(staged.record.cloneAs(host.nextSeq()), staged.to, { flavor: staged.flavor }) : fromRequest(host, req);
    if (req.networkInfo !== undefined) {
      checkNics(undefined, req.networkInfo);
      record.nics = undefined;
      for (const vif of req.networkInfo) addNic(record, vif);
    }
    admit(host, record);
    if (staged) staged.arrived = record;
  }
  if (staged) staged.finished = true;
  record.setState(req.powerOn === false ? SHUTDOWN : RUNNING);
  appendLog(record, `migrated in from ${staged?.source ?? 'another host'}`, host.config.consoleOutputLimit);
}

/** Source: the move is accepted; drop the source copy (nothing to drop for a same-host resize). */
export function confirmMigration(host: MemoryHost, req: ConfirmMigrationRequest): void {
  const uuid = req.instance.uuid;
  const staged = host.fabric.staged(uuid);
  if (staged?.source === host.hostname) host.fabric.unstage(uuid);
  const sameHost = staged ? staged.dest === staged.source : req.migration.sourceCompute === req.migration.destCompute;
  if (sameHost) {
    host.store.require(uuid);
    return;
  }
  if (evict(host, uuid) === undefined) throw new InstanceNotFoundError(uuid);
}

/** Source: the move is undone; the source copy (back at its old size) starts again unless `powerOn` is false. */
export function finishRevertMigration(host: MemoryHost, req: FinishRevertMigrationRequest): void {
  const record = host.store.require(req.instance.uuid);
  if (req.powerOn !== false) {
    refuseWhile(record, 'finishRevertMigration', RecordFlag.UNBOOTABLE);
    refuseWhileHostOff(host, 'finishRevertMigration', record.uuid);
  }
  const staged = host.fabric.staged(record.uuid);
  if (staged?.source === host.hostname) {
    if (staged.dest === host.hostname && staged.finished) {
      host.tracker.replace(staged.to, staged.from);
      Object.assign(record, staged.from, { flavor: staged.previousFlavor });
    }
    host.fabric.unstage(record.uuid);
  }
  record.setState(req.powerOn === false ? SHUTDOWN : RUNNING);
  appendLog(record, 'migration reverted', host.config.consoleOutputLimit);
}

/** The instance's local disks. */
export function getInstanceDiskInfo(host: MemoryHost, req: InstanceRequest): InstanceDiskInfo[] {
  return diskInfoOf(host, host.store.require(req.instance.uuid));
}

/** A destination record when nothing was staged (the source is not on this fabric): from the orchestrator's view. */
function fromRequest(host: MemoryHost, req: FinishMigrationRequest): InstanceRecord {
  const { instance } = req;
  if (instance.flavor === undefined) throw new MigrationError(`instance ${instance.uuid}: no staged disks and no flavor to build it from`);
  const record = new InstanceRecord({
    ...amountsOf(instance.flavor), uuid: instance.uuid, name: instance.name, seq: host.nextSeq(), flavor: instance.flavor.name,
    image: req.imageMeta.id ?? instance.imageRef ?? req.imageMeta.name ?? '',
  });
  const volumes = attachmentsOf(req.blockDeviceInfo, 'finishMigration');
  if (volumes) record.more().volumes = volumes;
  return record;
}
