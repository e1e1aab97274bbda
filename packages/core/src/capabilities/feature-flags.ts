import { CAPABILITY_DECLARATIONS, type AnyCapabilityDeclaration } from './capability-declarations.js';
import type { CapabilityName } from './capability-names.js';
import type { FeatureDefinition } from './declare-capability.js';

/** A fact about what a driver (or its host) can do: three states, never a guess. */
export type FeatureState = 'supported' | 'unsupported' | 'unknown';

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The feature flags declared by each capability, merged. */
type DeclaredFeatures = UnionToIntersection<AnyCapabilityDeclaration['features']>;

/** A feature flag's definition: its capability, trait and meaning. */
export interface FeatureFlagDefinition extends FeatureDefinition {
  /** The capability the feature refines; declaring the feature without it is an error. */
  readonly requires: CapabilityName;
}

/** Every feature flag a driver may declare, with its capability and trait (derived from the declarations). */
export const FEATURE_FLAGS: Readonly<Record<Extract<keyof DeclaredFeatures, string>, FeatureFlagDefinition>> =
  Object.freeze(
    Object.fromEntries(
      CAPABILITY_DECLARATIONS.flatMap((d) =>
        Object.entries(d.features as Readonly<Record<string, FeatureDefinition>>).map(([flag, def]) => [
          flag,
          Object.freeze({ requires: d.name, ...def }),
        ]),
      ),
    ),
  ) as Readonly<Record<Extract<keyof DeclaredFeatures, string>, FeatureFlagDefinition>>;

/** The name of a feature flag. */
export type FeatureFlag = keyof typeof FEATURE_FLAGS;

/** What a driver class declares: a state per flag (booleans are shorthand); unlisted flags are `unsupported`. */
export type FeatureDeclaration = Partial<Record<FeatureFlag, FeatureState | boolean>>;

/** Normalise a declared value. */
export function toFeatureState(value: FeatureState | boolean | undefined): FeatureState {
  if (value === true) return 'supported';
  if (value === false || value === undefined) return 'unsupported';
  return value;
}
