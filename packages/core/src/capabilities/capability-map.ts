import type { ImageDiskFormat } from '../model/image-meta.js';
import type { CapabilityName, Family } from './capability-names.js';
import type { FeatureFlag, FeatureState } from './feature-flags.js';

/**
 * What a driver can do, derived from the capabilities its class composes and
 * the feature flags it declares. Frozen at construction; plain JSON.
 */
export interface CapabilityMap {
  readonly contractVersion: string;
  readonly driver: { readonly name: string; readonly version: string };
  /** Every capability of the contract, true where the driver composes it. */
  readonly capabilities: Readonly<Record<CapabilityName, boolean>>;
  /** Every feature flag, three-state. */
  readonly features: Readonly<Record<FeatureFlag, FeatureState>>;
  /** Image disk formats the driver can boot. */
  readonly imageTypes: readonly ImageDiskFormat[];
}

/** The advertised capability names of a map, in contract order. */
export function advertisedCapabilities(map: CapabilityMap): CapabilityName[] {
  return (Object.keys(map.capabilities) as CapabilityName[]).filter((c) => map.capabilities[c]);
}

/** Advertised capabilities grouped by family. */
export function capabilitiesByFamily(map: CapabilityMap): Partial<Record<Family, CapabilityName[]>> {
  const out: Partial<Record<Family, CapabilityName[]>> = {};
  for (const cap of advertisedCapabilities(map)) {
    const family = cap.split('.')[0] as Family;
    (out[family] ??= []).push(cap);
  }
  return out;
}
