export type { DiagnosticsCapability, DiagnosticsUsageCapability } from './interface.js';
export {
  GetInstanceDiagnosticsRequest, GetDiagnosticsRequest, GetAllBwCountersRequest, InstanceVolumeMappings,
  GetAllVolumeUsageRequest, BlockStatsRequest, type LegacyDiagnostics,
} from './requests.js';
export { withDiagnostics } from './mixins/diagnostics.js';
export type { DiagnosticsShape } from './mixins/diagnostics.js';
export { withDiagnosticsUsage } from './mixins/usage.js';
export type { DiagnosticsUsageShape } from './mixins/usage.js';
