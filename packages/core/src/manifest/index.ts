export type { ManifestEntry, ManifestCapability, ManifestKind, ManifestScope } from './manifest-entry.js';
export {
  contractManifest,
  manifestByCapability,
  manifestEntry,
  REFERENCE_METHOD_COUNT,
  REFERENCE_MODULE_FUNCTION_COUNT,
} from './contract-manifest.js';
