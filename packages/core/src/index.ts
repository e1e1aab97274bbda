/**
 * @packageDocumentation
 * virtkit core: the driver contract as small capability interfaces, the mixins
 * that compose them into a driver, the derived capability map, guards, errors,
 * the provider tree and the driver loader.
 */
import 'reflect-metadata';
export * from './errors/index.js';
export * from './model/index.js';
export * from './driver/index.js';
export { CONTRACT_VERSION } from './contract-version.js';
export { EMPTY_CONTEXT, compensationContext, type OperationContext } from './context/operation-context.js';
export { validateRequest } from './validation/validate-request.js';
export { IsFunction, IsStringRecord } from './validation/decorators.js';
export { checkContext } from './context/check-context.js';
export { needsReconciliation } from './internal/reconciliation.js';
export { ABANDONED_WORK_GRACE_MS } from './driver/guarded-queue.js';
export {
  CAPABILITY_NAMES,
  FAMILIES,
  isCapabilityName,
  familyOf,
  capabilityDeclaration,
  type CapabilityName,
  type Family,
} from './capabilities/capability-names.js';
export {
  CAPABILITY_METHODS,
  capabilityOfMethod,
  requestClassOfMethod,
  type CapabilityMethods,
} from './capabilities/capability-methods.js';
export { CAPABILITY_DECLARATIONS, type AnyCapabilityDeclaration } from './capabilities/capability-declarations.js';
export {
  declareCapability,
  type CapabilityDeclaration,
  type CapabilityDeclarationInput,
  type CapabilityCall,
  type CapabilityStatus,
  type FeatureDefinition,
  type InterfaceOf,
} from './capabilities/declare-capability.js';
export { capabilityMixin, guardedCallsOf } from './driver/define-capability.js';
export {
  FEATURE_FLAGS,
  toFeatureState,
  type FeatureFlag,
  type FeatureState,
  type FeatureDeclaration,
  type FeatureFlagDefinition,
} from './capabilities/feature-flags.js';
export { advertisedCapabilities, capabilitiesByFamily, type CapabilityMap } from './capabilities/capability-map.js';
export * from './capabilities/lifecycle/index.js';
export * from './capabilities/console/index.js';
export * from './capabilities/migration/index.js';
export * from './capabilities/volume/index.js';
export * from './capabilities/network/index.js';
export * from './capabilities/inventory/index.js';
export * from './capabilities/host/index.js';
export * from './capabilities/guest/index.js';
export * from './capabilities/image/index.js';
export * from './capabilities/diagnostics/index.js';
export * from './provider-tree/index.js';
export * from './loader/index.js';
export { toTraits, CAPABILITY_TRAITS } from './capabilities/traits.js';
export {
  supports,
  requireCapability,
  withCapability,
  type DriverWith,
  type CapabilityCalls,
} from './capabilities/guards.js';
export type { CapabilityInterfaces } from './capabilities/capability-interfaces.js';
export * from './caller/index.js';
