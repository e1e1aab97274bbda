export type {
  LifecycleCapability, PauseCapability, SuspendCapability, RescueCapability, SoftDeleteCapability, RebuildCapability,
  CrashDumpCapability,
} from './interface.js';
export {
  SpawnRequest, DestroyRequest, CleanupRequest, RebootRequest, PowerOffRequest, PowerOnRequest,
  ResumeStateOnHostBootRequest, PollRebootingInstancesRequest, PauseRequest, ResumeRequest, RescueRequest,
  UnrescueRequest, SetBootableRequest, RebuildRequest, InstanceOnlyRequest, InjectedFile, AcceleratorRequest,
  GUEST_PATH_PATTERN, type Allocations,
} from './requests.js';
export { withLifecycle } from './mixins/lifecycle.js';
export type { LifecycleShape } from './mixins/lifecycle.js';
export { withPause } from './mixins/pause.js';
export type { PauseShape } from './mixins/pause.js';
export { withSuspend } from './mixins/suspend.js';
export type { SuspendShape } from './mixins/suspend.js';
export { withRescue } from './mixins/rescue.js';
export { rescuesFromOwnImage } from './rescue-image.js';
export type { RescueShape } from './mixins/rescue.js';
export { withSoftDelete } from './mixins/soft-delete.js';
export type { SoftDeleteShape } from './mixins/soft-delete.js';
export { withRebuild } from './mixins/rebuild.js';
export type { RebuildShape } from './mixins/rebuild.js';
export { withCrashDump } from './mixins/crash-dump.js';
export type { CrashDumpShape } from './mixins/crash-dump.js';
