import {
  PowerState,
  withCrashDump,
  withLifecycle,
  withPause,
  withRebuild,
  withRescue,
  withSoftDelete,
  withSuspend,
  type CleanupRequest,
  type DestroyRequest,
  type InstanceOnlyRequest,
  type OperationContext,
  type PauseRequest,
  type PowerOffRequest,
  type PowerOnRequest,
  type RebootRequest,
  type RescueRequest,
  type ResumeRequest,
  type ResumeStateOnHostBootRequest,
  type SetBootableRequest,
  type SpawnRequest,
  type UnrescueRequest,
} from '@virtkit/core';
import { QemuDriverCore } from '../../qemu-driver-core.js';
import { rescue, restore, setBootable, softDelete, triggerCrashDump, unrescue } from './extras.js';
import { spawnMatches } from './idempotent-creates.js';
import { cleanupInstance, deleteInstanceFiles, destroyInstance, spawnInstance } from './instances.js';
import { pause, powerOff, powerOn, reboot, unpause } from './power.js';
import { resume, suspend } from './suspend.js';

/**
 * The QEMU driver's `lifecycle` family: `lifecycle` and `.pause`, `.suspend`, `.rescue`, `.softDelete`, `.rebuild` (the
 * SDK's default: destroy and spawn again), `.crashDump`: a QEMU process per instance, driven over QMP.
 * Its hooks only; the QMP and file work is in the modules next to this file.
 */
export abstract class LifecycleHooks extends withCrashDump(
  withRebuild(withSoftDelete(withRescue(withSuspend(withPause(withLifecycle(QemuDriverCore)))))),
) {
  protected _spawn(_ctx: OperationContext, req: SpawnRequest): Promise<void> {
    return spawnInstance(this.qemu, req);
  }

  protected override async _spawnMatches(_ctx: OperationContext, req: SpawnRequest): Promise<boolean> {
    return spawnMatches(this.qemu, req);
  }

  protected _destroy(_ctx: OperationContext, req: DestroyRequest): Promise<void> {
    return destroyInstance(this.qemu, req);
  }

  protected override _cleanup(_ctx: OperationContext, req: CleanupRequest): Promise<void> {
    return cleanupInstance(this.qemu, req);
  }

  protected override _deleteInstanceFiles(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<boolean> {
    return deleteInstanceFiles(this.qemu, req.instance.uuid);
  }

  protected _reboot(_ctx: OperationContext, req: RebootRequest): Promise<void> {
    return reboot(this.vm(req), req);
  }

  protected _powerOff(_ctx: OperationContext, req: PowerOffRequest): Promise<void> {
    return powerOff(this.vm(req), req);
  }

  protected _powerOn(_ctx: OperationContext, req: PowerOnRequest): Promise<void> {
    return powerOn(this.vm(req));
  }

  /** Start a stopped or crashed instance again after a host reboot; a soft-deleted one stays stopped until restored. */
  protected override async _resumeStateOnHostBoot(
    _ctx: OperationContext,
    req: ResumeStateOnHostBootRequest,
  ): Promise<void> {
    const vm = this.vm(req);
    if (vm.meta.softDeleted) return;
    const state = await vm.powerState();
    if (state === PowerState.SHUTDOWN || state === PowerState.CRASHED) {
      await powerOn(vm);
      // no state rule covers this call: tell the SDK, so listeners get their STARTED event
      this.reportPowerState(req.instance.uuid, PowerState.RUNNING);
    }
  }

  protected _pause(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    return pause(this.vm(req));
  }

  protected _unpause(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    return unpause(this.vm(req));
  }

  protected _suspend(_ctx: OperationContext, req: PauseRequest): Promise<void> {
    return suspend(this.vm(req));
  }

  protected _resume(_ctx: OperationContext, req: ResumeRequest): Promise<void> {
    return resume(this.vm(req));
  }

  protected _rescue(_ctx: OperationContext, req: RescueRequest): Promise<void> {
    return rescue(this.qemu, this.vm(req), req);
  }

  protected _unrescue(_ctx: OperationContext, req: UnrescueRequest): Promise<void> {
    return unrescue(this.vm(req));
  }

  protected _setBootable(_ctx: OperationContext, req: SetBootableRequest): Promise<void> {
    return setBootable(this.vm(req), req.bootable);
  }

  protected _softDelete(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<void> {
    return softDelete(this.vm(req));
  }

  protected _restore(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<void> {
    return restore(this.vm(req));
  }

  protected _triggerCrashDump(_ctx: OperationContext, req: InstanceOnlyRequest): Promise<void> {
    return triggerCrashDump(this.vm(req));
  }
}
