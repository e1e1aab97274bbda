import {
  InvalidStateError, PowerState, rescuesFromOwnImage, type InstanceRequest, type RescueRequest, type SetBootableRequest, type UnrescueRequest,
} from '@virtkit/core';
import { appendLog } from '../model/console-log.js';
import { RecordFlag, type InstanceRecord } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { refuseWhile, refuseWhileHostOff, refuseBootHere } from '../model/state-guards.js';

// lifecycle.pause, .suspend, .rescue, .softDelete and .crashDump: the SDK
// calls these only from the power states its rules allow; the hypervisor's
// own states (rescued, soft-deleted, not bootable) are checked here.

const { RUNNING, PAUSED, SHUTDOWN, SUSPENDED } = PowerState;

/** RUNNING → PAUSED: vCPUs stop, memory stays. */
export function pause(host: MemoryHost, req: InstanceRequest): void {
  change(host, req, PAUSED, 'paused');
}

/** PAUSED → RUNNING. */
export function unpause(host: MemoryHost, req: InstanceRequest): void {
  refuseWhileHostOff(host, 'unpause', req.instance.uuid);
  change(host, req, RUNNING, 'unpaused');
}

/** RUNNING → SUSPENDED: state saved to disk. A rescued guest cannot be saved. */
export function suspend(host: MemoryHost, req: InstanceRequest): void {
  const record = host.store.require(req.instance.uuid);
  refuseWhile(record, 'suspend', RecordFlag.RESCUED);
  change(host, req, SUSPENDED, 'suspended to disk');
}

/** SUSPENDED → RUNNING: state restored. */
export function resume(host: MemoryHost, req: InstanceRequest): void {
  refuseWhileHostOff(host, 'resume', req.instance.uuid);
  change(host, req, RUNNING, 'resumed from disk');
}

/** Boot the rescue image (→ RUNNING, rescued); empty image metadata means the instance's own image. */
export function rescue(host: MemoryHost, req: RescueRequest): void {
  const record = host.store.require(req.instance.uuid);
  refuseWhile(record, 'rescue', RecordFlag.SOFT_DELETED);
  refuseBootHere(host, record, 'rescue');
  record.set(RecordFlag.RESCUED, true);
  record.set(RecordFlag.QUIESCED, false);
  record.reboot();
  const image = rescuesFromOwnImage(req.imageMeta) ? `its own image ${record.image}` : `image ${req.imageMeta.id ?? req.imageMeta.name ?? '(unnamed)'}`;
  log(host, record, `rescue boot from ${image}`);
}

/**
 * Boot the instance's own disks again (→ RUNNING, not rescued). A soft-deleted
 * instance stays stopped until restored, so it is refused (found by the
 * model-based tests of issue "Hardening": it used to boot, soft-deleted and RUNNING).
 */
export function unrescue(host: MemoryHost, req: UnrescueRequest): void {
  const record = host.store.require(req.instance.uuid);
  refuseWhile(record, 'unrescue', RecordFlag.SOFT_DELETED);
  refuseBootHere(host, record, 'unrescue');
  record.set(RecordFlag.RESCUED, false);
  record.reboot();
  log(host, record, 'unrescued: boot from own disks');
}

/** Whether the guest may boot; a non-bootable guest refuses power on, reboot and restore. */
export function setBootable(host: MemoryHost, req: SetBootableRequest): void {
  host.store.require(req.instance.uuid).set(RecordFlag.UNBOOTABLE, !req.bootable);
}

/** Stop the guest and mark it restorable (→ SHUTDOWN, soft-deleted). */
export function softDelete(host: MemoryHost, req: InstanceRequest): void {
  const record = host.store.require(req.instance.uuid);
  record.setState(SHUTDOWN);
  record.set(RecordFlag.SOFT_DELETED, true);
  record.set(RecordFlag.QUIESCED, false);
  log(host, record, 'soft-deleted');
}

/** Clear the mark and start the guest (→ RUNNING). */
export function restore(host: MemoryHost, req: InstanceRequest): void {
  const record = host.store.require(req.instance.uuid);
  refuseWhile(record, 'restore', RecordFlag.UNBOOTABLE);
  refuseBootHere(host, record, 'restore');
  record.set(RecordFlag.SOFT_DELETED, false);
  record.setState(RUNNING);
  log(host, record, 'restored');
}

/** An NMI: the guest writes a crash dump and reboots into itself (stays RUNNING). */
export function triggerCrashDump(host: MemoryHost, req: InstanceRequest): void {
  const record = host.store.require(req.instance.uuid);
  log(host, record, 'NMI received: kernel panic, writing crash dump');
  record.reboot();
  log(host, record, 'boot after crash dump');
}

function change(host: MemoryHost, req: InstanceRequest, state: PowerState, line: string): void {
  const record = host.store.require(req.instance.uuid);
  record.setState(state);
  log(host, record, line);
}

function log(host: MemoryHost, record: InstanceRecord, line: string): void {
  appendLog(record, line, host.config.consoleOutputLimit);
}

/**
 * What a guest does on its own, outside any call: it crashes (→ CRASHED) or
 * shuts itself down (→ SHUTDOWN). Reported to the SDK as one lifecycle event.
 * @throws `INSTANCE_NOT_FOUND`, `INVALID_STATE` (the guest is not live)
 */
export function guestStops(host: MemoryHost, uuid: string, how: 'crash' | 'shutdown'): void {
  const record = host.store.require(uuid);
  if (!record.live) throw new InvalidStateError({ instanceUuid: uuid, operation: `guest ${how}`, state: record.state, detail: 'the guest is not running' });
  const next = how === 'crash' ? PowerState.CRASHED : SHUTDOWN;
  record.setState(next);
  record.set(RecordFlag.QUIESCED, false);
  log(host, record, how === 'crash' ? 'guest crashed' : 'guest shut itself down');
  host.ports.report(uuid, next);
}
