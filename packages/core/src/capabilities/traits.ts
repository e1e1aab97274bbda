import { CAPABILITY_DECLARATIONS } from './capability-declarations.js';
import type { CapabilityMap } from './capability-map.js';
import type { CapabilityName } from './capability-names.js';
import { FEATURE_FLAGS, type FeatureFlag } from './feature-flags.js';

/** Capabilities that are scheduler traits by themselves (derived from the declarations). */
export const CAPABILITY_TRAITS: Partial<Record<CapabilityName, string>> = Object.freeze(
  Object.fromEntries(CAPABILITY_DECLARATIONS.flatMap((d) => ('trait' in d && d.trait ? [[d.name, d.trait]] : []))),
);

/**
 * The scheduler traits of a driver, in the reference's `COMPUTE_*`
 * vocabulary: from capabilities, from `supported` feature flags, and one
 * `COMPUTE_IMAGE_TYPE_*` per bootable image format. Sorted, no duplicates.
 * Flags in state `unknown` give no trait: a scheduler must not rely on them.
 */
export function toTraits(map: CapabilityMap): string[] {
  const traits = new Set<string>();
  for (const [cap, trait] of Object.entries(CAPABILITY_TRAITS)) {
    if (map.capabilities[cap as CapabilityName] && trait) traits.add(trait);
  }
  for (const [flag, def] of Object.entries(FEATURE_FLAGS) as [FeatureFlag, { trait?: string }][]) {
    if (def.trait && map.features[flag] === 'supported') traits.add(def.trait);
  }
  for (const type of map.imageTypes) traits.add(`COMPUTE_IMAGE_TYPE_${type.toUpperCase()}`);
  return [...traits].sort();
}
