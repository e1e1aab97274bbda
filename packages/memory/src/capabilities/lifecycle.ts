import {
  InstanceNotFoundError,
  InsufficientResourcesError,
  PowerState,
  rescuesFromOwnImage,
  withCrashDump,
  withLifecycle,
  withPause,
  withRebuild,
  withRescue,
  withSoftDelete,
  withSuspend,
  type CleanupRequest,
  type DestroyRequest,
  type InstanceRequest,
  type OperationContext as Ctx,
  type PowerOffRequest,
  type PowerOnRequest,
  type RebootRequest,
  type RebuildRequest,
  type RescueRequest,
  type SetBootableRequest,
  type SpawnRequest,
  type UnrescueRequest,
} from '@virtkit/core';
import { attachmentsOf } from '../model/attachments.js';
import { appendLog } from '../model/console-log.js';
import { nowMs } from '../model/clock.js';
import { RecordFlag, type InstanceRecord } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { addNic, checkNics, nicsOf } from '../model/nics.js';
import { evict, useImage } from '../model/placement.js';
import { amountsOf } from '../model/resource-amounts.js';
import { refuseWhile, refuseWhileHostOff, refuseBootHere } from '../model/state-guards.js';
import { MemoryDriverCore } from '../memory-driver-core.js';
import { releaseHold, releaseIncoming } from './incoming-holds.js';
import { createGuest, imageOf, sameVolumes } from './lifecycle-create.js';
import { evacuateHere, swapBlockDevices } from './lifecycle-rebuild.js';

const { RUNNING, PAUSED, SHUTDOWN, SUSPENDED, CRASHED, NOSTATE } = PowerState;
const { RESCUED, SOFT_DELETED, UNBOOTABLE, QUIESCED } = RecordFlag;

/**
 * The memory driver's `lifecycle` family: `lifecycle` itself and `.pause`,
 * `.suspend`, `.rescue`, `.softDelete`, `.rebuild`, `.crashDump`. The SDK
 * calls these only from the power states its rules allow; the hypervisor's
 * own states (rescued, soft-deleted, not bootable) are checked here.
 */
export abstract class LifecycleHooks extends withCrashDump(
  withRebuild(withSoftDelete(withRescue(withSuspend(withPause(withLifecycle(MemoryDriverCore)))))),
) {
  /**
   * Create the guest: claim the flavor's resources, plug its NICs, attach the
   * volumes of its block-device mapping, boot it (or leave it SHUTDOWN).
   * All or nothing; the `spawn.boot` failure point fails it after creation,
   * which the SDK's cleanup (→ `_failedSpawnCleanup`) undoes.
   */
  protected async _spawn(_c: Ctx, r: SpawnRequest): Promise<void> {
    createGuest(this.hostFor('spawn'), r);
  }

  /**
   * The instance is what `r` would have made ("same request" for creates,
   * docs/caller-guide.md "Retries"): same name (or both default), same flavor
   * resources, same image, the same NICs (VIF id and MAC) and the same
   * volumes at the same devices. Power state, passwords, files and metadata
   * are not compared.
   */
  protected override async _spawnMatches(_c: Ctx, r: SpawnRequest): Promise<boolean> {
    const record = this.hostFor(null).store.get(r.instance.uuid);
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: the SDK asks only after _instanceExists found it
    if (record === undefined) return false;
    const { instance, imageMeta } = r;
    const amounts = amountsOf(instance.flavor);
    if (record.name !== instance.name || record.vcpus !== amounts.vcpus) return false;
    if (record.memoryMb !== amounts.memoryMb || record.diskGb !== amounts.diskGb) return false;
    if (record.image !== (imageOf(instance, imageMeta) ?? '')) return false;
    const nics = nicsOf(record)
      .map((n) => `${n.id}/${n.mac}`)
      .sort();
    const asked = (r.networkInfo ?? []).map((v) => `${v.id}/${v.address.toLowerCase()}`).sort();
    if (nics.join() !== asked.join()) return false;
    return sameVolumes(record, r);
  }

  /** Undo a failed spawn completely (never fails, never injects). */
  protected override async _failedSpawnCleanup(_c: Ctx, r: SpawnRequest): Promise<void> {
    evict(this.hostFor(null), r.instance.uuid);
  }

  /** Remove the guest and release everything it held. @throws `INSTANCE_NOT_FOUND` (the SDK then succeeds) */
  protected async _destroy(_c: Ctx, r: DestroyRequest): Promise<void> {
    const host = this.hostFor('destroy');
    const uuid = r.instance.uuid;
    releaseIncoming(host, uuid);
    if (host.fabric.staged(uuid)?.source === host.hostname) host.fabric.unstage(uuid);
    if (evict(host, uuid) === undefined) throw new InstanceNotFoundError(uuid);
  }

  /** Release what is left here: reservations, filters, and a guest that is not running any more. */
  // Contract latitude: "release what remains after destroy or migration". Every path the contract orders releases it
  // first (destroy, rollbackLiveMigrationAtDestination), the SDK's default cleanup does nothing, and the QEMU driver's
  // keeps an incoming guest: no kit test can ask cleanup for more than success.
  // Stryker disable all: what cleanup releases is released before it on every path the contract orders (above)
  protected override async _cleanup(_c: Ctx, r: CleanupRequest): Promise<void> {
    const host = this.hostFor('cleanup');
    const uuid = r.instance.uuid;
    releaseHold(host, uuid);
    const record = host.store.get(uuid);
    if (record !== undefined && !record.live) {
      evict(host, uuid);
      host.ports.forget(uuid);
    }
  }
  // Stryker restore all

  /** Soft (guest restarts itself, from RUNNING) or hard (reset, from any state) reboot; ends RUNNING. */
  protected async _reboot(_c: Ctx, r: RebootRequest): Promise<void> {
    const host = this.hostFor('reboot');
    const record = host.store.require(r.instance.uuid);
    refuseWhile(record, 'reboot', SOFT_DELETED, RESCUED, UNBOOTABLE);
    refuseBootHere(host, record, 'reboot');
    record.reboot();
    // Stryker disable next-line BooleanLiteral: memory-only state (the quiesce flag has no read-back in the contract)
    record.set(QUIESCED, false);
    appendLog(record, `${r.rebootType.toLowerCase()} reboot`, host.config.consoleOutputLimit);
  }

  /** Stop the guest (a suspended one loses its saved state); ends SHUTDOWN. Synchronous: no I/O, no `await`. */
  protected _powerOff(_c: Ctx, r: PowerOffRequest): void | Promise<void> {
    const host = this.hostFor('powerOff');
    const record = host.store.require(r.instance.uuid);
    const now = nowMs();
    record.setState(SHUTDOWN, now);
    // Stryker disable next-line BooleanLiteral: memory-only state (the quiesce flag has no read-back in the contract)
    record.set(QUIESCED, false);
    appendLog(record, r.timeoutSec ? 'ACPI shutdown' : 'power off', host.config.consoleOutputLimit, now);
  }

  /** Start a stopped or crashed guest; ends RUNNING. Synchronous, like `_powerOff`. */
  protected _powerOn(_c: Ctx, r: PowerOnRequest): void | Promise<void> {
    const host = this.hostFor('powerOn');
    const record = host.store.require(r.instance.uuid);
    refuseWhile(record, 'powerOn', SOFT_DELETED, UNBOOTABLE);
    refuseBootHere(host, record, 'powerOn');
    const now = nowMs();
    record.setState(RUNNING, now);
    appendLog(record, 'boot', host.config.consoleOutputLimit, now);
  }

  /** True when nothing of the instance is left here. */
  protected override async _deleteInstanceFiles(_c: Ctx, r: InstanceRequest): Promise<boolean> {
    return !this.hostFor('deleteInstanceFiles').store.has(r.instance.uuid);
  }

  /** True when the instance's disks are reachable from here: local, or on shared storage on another host. */
  protected override async _instanceOnDisk(_c: Ctx, r: InstanceRequest): Promise<boolean> {
    const host = this.hostFor('instanceOnDisk');
    const uuid = r.instance.uuid;
    return host.store.has(uuid) || (host.fabric.sharedStorage && host.fabric.locate(uuid) !== undefined);
  }

  /** After a host boot: start a guest that is stopped (and may start); report the change. */
  protected override async _resumeStateOnHostBoot(_c: Ctx, r: InstanceRequest): Promise<void> {
    const host = this.hostFor('resumeStateOnHostBoot');
    const record = host.store.require(r.instance.uuid);
    // Stryker disable next-line ConditionalExpression: the SDK applies the host-boot rule before this hook
    const stopped = record.state === SHUTDOWN || record.state === CRASHED || record.state === NOSTATE;
    if (!stopped || record.has(SOFT_DELETED) || record.has(UNBOOTABLE)) return;
    refuseBootHere(host, record, 'resumeStateOnHostBoot');
    record.setState(RUNNING);
    appendLog(record, 'boot (host restarted)', host.config.consoleOutputLimit);
    host.ports.report(record.uuid, RUNNING);
  }

  /** Nothing: a memory guest never gets stuck rebooting. */
  // Stryker disable next-line BlockStatement: nothing to poll (the host lookup only fails for a closed driver)
  protected override async _pollRebootingInstances(): Promise<void> {
    this.hostFor('pollRebootingInstances');
  }

  // ---- lifecycle.pause, .suspend -------------------------------------------------------------

  /** RUNNING → PAUSED: vCPUs stop, memory stays. */
  protected async _pause(_c: Ctx, r: InstanceRequest): Promise<void> {
    change(this.hostFor('pause'), r, PAUSED, 'paused');
  }

  /** PAUSED → RUNNING. */
  protected async _unpause(_c: Ctx, r: InstanceRequest): Promise<void> {
    // Stryker disable next-line StringLiteral: the call name is error wording, the line console log content
    wake(this.hostFor('unpause'), 'unpause', r, 'unpaused');
  }

  /** RUNNING → SUSPENDED: state saved to disk. A rescued guest cannot be saved. */
  protected async _suspend(_c: Ctx, r: InstanceRequest): Promise<void> {
    const host = this.hostFor('suspend');
    refuseWhile(host.store.require(r.instance.uuid), 'suspend', RESCUED);
    change(host, r, SUSPENDED, 'suspended to disk');
  }

  /** SUSPENDED → RUNNING: state restored. */
  protected async _resume(_c: Ctx, r: InstanceRequest): Promise<void> {
    // Stryker disable next-line StringLiteral: the call name is error wording, the line console log content
    wake(this.hostFor('resume'), 'resume', r, 'resumed from disk');
  }

  // ---- lifecycle.rescue ----------------------------------------------------------------------

  /** Boot the rescue image (→ RUNNING, rescued); empty image metadata means the instance's own image. */
  protected async _rescue(_c: Ctx, r: RescueRequest): Promise<void> {
    const host = this.hostFor('rescue');
    const record = host.store.require(r.instance.uuid);
    refuseWhile(record, 'rescue', SOFT_DELETED);
    refuseBootHere(host, record, 'rescue');
    record.set(RESCUED, true);
    // Stryker disable next-line BooleanLiteral: memory-only state (the quiesce flag has no read-back in the contract)
    record.set(QUIESCED, false);
    record.reboot();
    const own = rescuesFromOwnImage(r.imageMeta);
    // Stryker disable next-line all: console log content is not fixed by the contract
    const image = own ? `its own image ${record.image}` : `image ${r.imageMeta.id ?? r.imageMeta.name ?? '(unnamed)'}`;
    log(host, record, `rescue boot from ${image}`);
  }

  /**
   * Boot the instance's own disks again (→ RUNNING, not rescued). A soft-deleted
   * instance stays stopped until restored, so it is refused (found by the
   * model-based tests of issue "Hardening": it used to boot, soft-deleted and RUNNING).
   */
  protected async _unrescue(_c: Ctx, r: UnrescueRequest): Promise<void> {
    const host = this.hostFor('unrescue');
    const record = host.store.require(r.instance.uuid);
    refuseWhile(record, 'unrescue', SOFT_DELETED);
    refuseBootHere(host, record, 'unrescue');
    record.set(RESCUED, false);
    record.reboot();
    log(host, record, 'unrescued: boot from own disks');
  }

  /** Whether the guest may boot; a non-bootable guest refuses power on, reboot and restore. */
  // Stryker disable all: memory-only state (no call of the contract reads `bootable` back, and the kit never sets it)
  protected async _setBootable(_c: Ctx, r: SetBootableRequest): Promise<void> {
    this.hostFor('setBootable').store.require(r.instance.uuid).set(UNBOOTABLE, !r.bootable);
  }
  // Stryker restore all

  // ---- lifecycle.softDelete ------------------------------------------------------------------

  /** Stop the guest and mark it restorable (→ SHUTDOWN, soft-deleted). */
  protected async _softDelete(_c: Ctx, r: InstanceRequest): Promise<void> {
    const host = this.hostFor('softDelete');
    const record = host.store.require(r.instance.uuid);
    record.setState(SHUTDOWN);
    record.set(SOFT_DELETED, true);
    // Stryker disable next-line BooleanLiteral: memory-only state (the quiesce flag has no read-back in the contract)
    record.set(QUIESCED, false);
    log(host, record, 'soft-deleted');
  }

  /** Clear the mark and start the guest (→ RUNNING). */
  protected async _restore(_c: Ctx, r: InstanceRequest): Promise<void> {
    const host = this.hostFor('restore');
    const record = host.store.require(r.instance.uuid);
    refuseWhile(record, 'restore', UNBOOTABLE);
    refuseBootHere(host, record, 'restore');
    record.set(SOFT_DELETED, false);
    record.setState(RUNNING);
    log(host, record, 'restored');
  }

  // ---- lifecycle.rebuild, .crashDump ---------------------------------------------------------

  /**
   * Re-create the guest in place from `imageMeta`, keeping its identity, and
   * end RUNNING: the orchestrator's detach callback runs before the old guest
   * goes (volumes still attached go with it), the attach callback after, and
   * the volumes it returns (or `blockDeviceInfo`) are plugged into the new guest.
   * Capacity for a new flavor is checked before anything changes. With
   * `recreate` and no guest here, it is an evacuation (see {@link evacuateHere}).
   */
  protected override async _rebuild(_c: Ctx, r: RebuildRequest): Promise<void> {
    const host = this.hostFor('rebuild');
    if (r.recreate && !host.store.has(r.instance.uuid)) return evacuateHere(host, r);
    const record = host.store.require(r.instance.uuid);
    refuseWhile(record, 'rebuild', RESCUED, SOFT_DELETED, UNBOOTABLE);
    refuseBootHere(host, record, 'rebuild');
    const next = amountsOf(r.instance.flavor);
    const short = host.tracker.shortReplacing(record.amounts, next);
    if (short !== undefined) {
      throw new InsufficientResourcesError(short, `not enough ${short} on this node for the new flavor`);
    }
    // The image's format was checked by the SDK's rebuild guard (imageTypes) before this hook.
    // null is "no change" like undefined (the SDK drops null optional fields; a direct hook call may not).
    const networkInfo = r.networkInfo ?? undefined;
    // Stryker disable next-line ArrayDeclaration: without networkInfo there are no NICs to check (a string is none)
    checkNics(undefined, networkInfo ?? []);
    // Without an attach callback the new mapping is known now: refuse a bad one before anything changes.
    if (r.attachBlockDevices === undefined) attachmentsOf(r.blockDeviceInfo, 'rebuild');
    await swapBlockDevices(host, record, r, next);
    // Stryker disable next-line ObjectLiteral: the flavor's name is console log content; no call reads it back
    Object.assign(record, next, { flavor: r.instance.flavor.name });
    const image = imageOf(r.instance, r.imageMeta) ?? record.image;
    // Stryker disable next-line all: the image cache's use counts have no read-back (manageImageCache reports nothing)
    useImage(host, record.image, -1);
    // Stryker disable next-line all: as above
    useImage(host, image, 1);
    record.image = image;
    if (networkInfo !== undefined) {
      record.nics = undefined;
      if (record.extras) record.extras.nicTags = undefined;
      for (const vif of networkInfo) addNic(record, vif);
    }
    // Stryker disable next-line BooleanLiteral: memory-only state (the quiesce flag has no read-back in the contract)
    record.set(QUIESCED, false);
    record.reboot();
    log(host, record, `rebuilt from image ${record.image || '(unnamed)'}`);
  }

  /** An NMI: the guest writes a crash dump and reboots into itself (stays RUNNING). */
  // Stryker disable next-line BlockStatement: the dump is console log content; the guest stays RUNNING (no read-back)
  protected async _triggerCrashDump(_c: Ctx, r: InstanceRequest): Promise<void> {
    const host = this.hostFor('triggerCrashDump');
    const record = host.store.require(r.instance.uuid);
    log(host, record, 'NMI received: kernel panic, writing crash dump');
    record.reboot();
    log(host, record, 'boot after crash dump');
  }
}

function change(host: MemoryHost, req: InstanceRequest, state: PowerState, line: string): void {
  const record = host.store.require(req.instance.uuid);
  record.setState(state);
  log(host, record, line);
}

/** Back to RUNNING from a state that kept the guest's memory (PAUSED, SUSPENDED); not while the host is off. */
function wake(host: MemoryHost, call: 'unpause' | 'resume', req: InstanceRequest, line: string): void {
  refuseWhileHostOff(host, call, req.instance.uuid);
  change(host, req, RUNNING, line);
}

// Stryker disable next-line BlockStatement: console log content is not fixed by the contract
function log(host: MemoryHost, record: InstanceRecord, line: string): void {
  appendLog(record, line, host.config.consoleOutputLimit);
}
