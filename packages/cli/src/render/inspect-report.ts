import {
  capabilitiesByFamily,
  toTraits,
  type CapabilityMap,
  type CapabilityName,
  type Family,
  type FeatureFlag,
  type FeatureState,
} from '@virtkit/core';

/** What `virtkit inspect --json` prints: a driver's capability map, arranged for reading. */
export interface InspectReport {
  driver: { name: string; version: string };
  contractVersion: string;
  /** Advertised capabilities by family; families with none are absent. */
  capabilities: Partial<Record<Family, CapabilityName[]>>;
  /** Every capability of the contract, true where advertised (the map's own record). */
  allCapabilities: Readonly<Record<CapabilityName, boolean>>;
  /** Every feature flag, three-state. */
  features: Readonly<Record<FeatureFlag, FeatureState>>;
  /** Scheduler traits (`COMPUTE_*`), from {@link toTraits}. */
  traits: string[];
  imageTypes: string[];
}

/** Arrange a capability map for `virtkit inspect`. */
export function buildInspectReport(map: CapabilityMap): InspectReport {
  return {
    driver: { name: map.driver.name, version: map.driver.version },
    contractVersion: map.contractVersion,
    capabilities: capabilitiesByFamily(map),
    allCapabilities: map.capabilities,
    features: map.features,
    traits: toTraits(map),
    imageTypes: [...map.imageTypes],
  };
}
