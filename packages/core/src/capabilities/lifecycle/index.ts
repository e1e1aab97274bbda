import { LIFECYCLE_CAPABILITY } from './mixins/lifecycle.js';
import { PAUSE_CAPABILITY } from './mixins/pause.js';
import { SUSPEND_CAPABILITY } from './mixins/suspend.js';
import { RESCUE_CAPABILITY } from './mixins/rescue.js';
import { SOFT_DELETE_CAPABILITY } from './mixins/soft-delete.js';
import { REBUILD_CAPABILITY } from './mixins/rebuild.js';
import { CRASH_DUMP_CAPABILITY } from './mixins/crash-dump.js';

export type {
  LifecycleCapability,
  PauseCapability,
  SuspendCapability,
  RescueCapability,
  SoftDeleteCapability,
  RebuildCapability,
  CrashDumpCapability,
} from './interface.js';
export {
  SpawnRequest,
  DestroyRequest,
  CleanupRequest,
  RebootRequest,
  PowerOffRequest,
  PowerOnRequest,
  ResumeStateOnHostBootRequest,
  PollRebootingInstancesRequest,
  PauseRequest,
  ResumeRequest,
  RescueRequest,
  UnrescueRequest,
  SetBootableRequest,
  RebuildRequest,
  InstanceOnlyRequest,
  InjectedFile,
  AcceleratorRequest,
  GUEST_PATH_PATTERN,
  type Allocations,
} from './requests.js';
export * from './mixins/lifecycle.js';
export * from './mixins/pause.js';
export * from './mixins/suspend.js';
export * from './mixins/rescue.js';
export { rescuesFromOwnImage } from './rescue-image.js';
export * from './mixins/soft-delete.js';
export * from './mixins/rebuild.js';
export * from './mixins/crash-dump.js';

/** The capabilities of the `lifecycle` family, in contract order (adding one here adds it to the contract). */
export const LIFECYCLE_CAPABILITIES = [
  LIFECYCLE_CAPABILITY,
  PAUSE_CAPABILITY,
  SUSPEND_CAPABILITY,
  RESCUE_CAPABILITY,
  SOFT_DELETE_CAPABILITY,
  REBUILD_CAPABILITY,
  CRASH_DUMP_CAPABILITY,
] as const;
