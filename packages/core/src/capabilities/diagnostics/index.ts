import { DIAGNOSTICS_CAPABILITY } from './mixins/diagnostics.js';
import { DIAGNOSTICS_USAGE_CAPABILITY } from './mixins/usage.js';

export type { DiagnosticsCapability, DiagnosticsUsageCapability } from './interface.js';
export {
  GetInstanceDiagnosticsRequest,
  GetDiagnosticsRequest,
  GetAllBwCountersRequest,
  InstanceVolumeMappings,
  GetAllVolumeUsageRequest,
  BlockStatsRequest,
  type LegacyDiagnostics,
} from './requests.js';
export * from './mixins/diagnostics.js';
export * from './mixins/usage.js';

/** The capabilities of the `diagnostics` family, in contract order (adding one here adds it to the contract). */
export const DIAGNOSTICS_CAPABILITIES = [DIAGNOSTICS_CAPABILITY, DIAGNOSTICS_USAGE_CAPABILITY] as const;
