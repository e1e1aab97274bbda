import type { OperationContext } from '../../context/operation-context.js';
import type {
  CleanupRequest,
  DestroyRequest,
  InstanceOnlyRequest,
  PauseRequest,
  PollRebootingInstancesRequest,
  PowerOffRequest,
  PowerOnRequest,
  RebootRequest,
  RebuildRequest,
  RescueRequest,
  ResumeRequest,
  ResumeStateOnHostBootRequest,
  SetBootableRequest,
  SpawnRequest,
  UnrescueRequest,
} from './requests.js';

/**
 * `lifecycle`: create, start, stop, reboot and remove instances.
 *
 * State rules (enforced by the SDK): spawn -> RUNNING (SHUTDOWN with
 * `powerOn: false`); powerOff from RUNNING/PAUSED/SUSPENDED/CRASHED -> SHUTDOWN;
 * powerOn from SHUTDOWN/CRASHED -> RUNNING; SOFT reboot from RUNNING, HARD from
 * any state -> RUNNING. A call whose target already holds succeeds and does
 * nothing; destroying an unknown instance succeeds.
 */
export interface LifecycleCapability {
  /** @throws `INSTANCE_EXISTS`, `INSUFFICIENT_RESOURCES`, `VALIDATION_FAILED` */
  spawn(ctx: OperationContext, request: SpawnRequest): Promise<void>;
  /** Idempotent: an unknown instance is not an error. */
  destroy(ctx: OperationContext, request: DestroyRequest): Promise<void>;
  /** Release what remains after destroy or migration. Idempotent. */
  cleanup(ctx: OperationContext, request: CleanupRequest): Promise<void>;
  /** @throws `INVALID_STATE` (soft reboot of a stopped instance) */
  reboot(ctx: OperationContext, request: RebootRequest): Promise<void>;
  powerOff(ctx: OperationContext, request: PowerOffRequest): Promise<void>;
  powerOn(ctx: OperationContext, request: PowerOnRequest): Promise<void>;
  /** Remove the instance's files; true when nothing is left. */
  deleteInstanceFiles(ctx: OperationContext, request: InstanceOnlyRequest): Promise<boolean>;
  /** True when the instance's files are on storage this host can reach (for evacuate). */
  instanceOnDisk(ctx: OperationContext, request: InstanceOnlyRequest): Promise<boolean>;
  resumeStateOnHostBoot(ctx: OperationContext, request: ResumeStateOnHostBootRequest): Promise<void>;
  pollRebootingInstances(ctx: OperationContext, request: PollRebootingInstancesRequest): Promise<void>;
}

/** `lifecycle.pause`: RUNNING <-> PAUSED (memory kept, CPUs stopped). */
export interface PauseCapability {
  pause(ctx: OperationContext, request: PauseRequest): Promise<void>;
  unpause(ctx: OperationContext, request: PauseRequest): Promise<void>;
}

/**
 * `lifecycle.suspend`: RUNNING <-> SUSPENDED (state saved to disk). Suspending a paused instance is `INVALID_STATE`.
 */
export interface SuspendCapability {
  suspend(ctx: OperationContext, request: PauseRequest): Promise<void>;
  resume(ctx: OperationContext, request: ResumeRequest): Promise<void>;
}

/** `lifecycle.rescue`: boot from a rescue image and back. Unrescue of an unrescued instance does nothing. */
export interface RescueCapability {
  rescue(ctx: OperationContext, request: RescueRequest): Promise<void>;
  unrescue(ctx: OperationContext, request: UnrescueRequest): Promise<void>;
  setBootable(ctx: OperationContext, request: SetBootableRequest): Promise<void>;
}

/** `lifecycle.softDelete`: stop and mark restorable; restore starts it again. */
export interface SoftDeleteCapability {
  softDelete(ctx: OperationContext, request: InstanceOnlyRequest): Promise<void>;
  restore(ctx: OperationContext, request: InstanceOnlyRequest): Promise<void>;
}

/** `lifecycle.rebuild`: re-create the guest from an image. The SDK's default checks, then destroys and re-spawns. */
export interface RebuildCapability {
  rebuild(ctx: OperationContext, request: RebuildRequest): Promise<void>;
}

/** `lifecycle.crashDump`: inject an NMI so the guest writes a crash dump. Needs RUNNING. */
export interface CrashDumpCapability {
  triggerCrashDump(ctx: OperationContext, request: InstanceOnlyRequest): Promise<void>;
}
