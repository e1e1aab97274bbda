import type { MethodSpec } from '../driver/method-spec.js';
import { DriverDefinitionError } from '../errors/errors.js';
import type { ManifestKind } from '../manifest/manifest-entry.js';
import type { MixinArgs, MixinSelf } from './mixin-self.js';

/**
 * Whether a driver must offer a capability: every driver (`'mandatory'`), at
 * its choice (`'optional'`), or at least one of a named group (`{ choice }`,
 * e.g. the graphical and serial consoles).
 */
export type CapabilityStatus = 'mandatory' | 'optional' | { readonly choice: string };

/** A feature flag a capability brings: a fact about the driver (or host) that refines the capability. */
export interface FeatureDefinition {
  /** The scheduler trait it maps to, when the reference's vocabulary has one. */
  readonly trait?: string;
  /** Depends on the host (CPU, firmware, kernel), not only on the driver's code. */
  readonly hostDependent?: boolean;
  readonly description: string;
}

/**
 * One call a capability covers, as it appears in the contract manifest.
 * `origin: 'virtkit'` marks a call the reference does not have (the contract
 * grows past it); `referenceName` is then the snake_case name the call is
 * published under for callers that speak the reference's vocabulary.
 */
export interface CapabilityCall<M extends string = string> {
  readonly referenceName: string;
  /** A public call of the capability, a `_`-prefixed hook the SDK calls itself, or `null` when dropped. */
  readonly method: M | `_${string}` | null;
  readonly kind: ManifestKind;
  readonly summary: string;
  /** Why the call is dropped or deprecated, and what replaces it. */
  readonly note?: string;
  /** Where the call comes from; omitted means the reference. */
  readonly origin?: 'reference' | 'virtkit';
}

declare const INTERFACE: unique symbol;

/**
 * Everything the contract says about one capability, declared once next to
 * its family: the name lists, method tables, interface map, manifest, feature
 * flags, traits, mandatory/choice status, the docs and the kit's plan are all
 * derived from the list of these ({@link CAPABILITY_DECLARATIONS}).
 *
 * `I` is the capability's public interface (phantom: types only); `methods`
 * is keyed exactly by its calls.
 */
export interface CapabilityDeclaration<
  N extends string = string,
  F extends string = string,
  I = unknown,
  FF extends string = string,
> {
  /** `'family'` or `'family.kind'`, e.g. `'volume.extend'`. */
  readonly name: N;
  /** The family the capability belongs to (the part of the name before the dot). */
  readonly family: F;
  /** What the capability does, one short paragraph (Markdown); the docs show it. */
  readonly description: string;
  readonly status: CapabilityStatus;
  /** Capabilities a driver class must compose first (inner mixins). */
  readonly requires: readonly string[];
  /** How the SDK guards each public call: hook, request class, state rule (public: the method -> request mapping). */
  readonly methods: Readonly<Record<keyof I & string, MethodSpec>>;
  /** Working default hooks a driver may override. */
  readonly defaults?: Readonly<Record<string, (this: MixinSelf, ...args: MixinArgs) => unknown>>;
  /** Feature flags that refine the capability (declaring one without the capability is an error). */
  readonly features: Readonly<Record<FF, FeatureDefinition>>;
  /** The scheduler trait the capability is by itself, if any. */
  readonly trait?: string;
  /** The calls of the contract it covers, reference calls and calls beyond the reference. */
  readonly calls: readonly CapabilityCall<keyof I & string>[];
  /** @internal Phantom: carries the interface type; never set. */
  readonly [INTERFACE]?: I;
}

/** The public interface a declaration carries. */
export type InterfaceOf<D> = D extends CapabilityDeclaration<string, string, infer I> ? I : never;

/** What {@link declareCapability} is given. */
export interface CapabilityDeclarationInput<N extends string, F extends string, I, FF extends string> {
  readonly name: N;
  readonly family: F;
  readonly description: string;
  readonly status: CapabilityStatus;
  readonly requires?: readonly string[];
  readonly methods: { readonly [K in keyof I & string]: MethodSpec };
  readonly defaults?: Readonly<Record<string, (this: MixinSelf, ...args: MixinArgs) => unknown>>;
  readonly features?: { readonly [K in FF]: FeatureDefinition };
  readonly trait?: string;
  readonly calls: readonly CapabilityCall<keyof I & string>[];
}

/**
 * Declare a capability whose public interface is `I`:
 * ```ts
 * export const PAUSE_CAPABILITY = declareCapability<PauseCapability>()({ name: 'lifecycle.pause', ... });
 * export const withPause = defineCapability<typeof PauseShape>(PAUSE_CAPABILITY);
 * ```
 * Checks at compile time that `methods` names exactly the calls of `I`, and
 * at load time that the name is in its family and every public call of `I`
 * appears in `calls`. Returns the declaration frozen.
 *
 * @throws DriverDefinitionError (`DRIVER_DEFINITION`) when the declaration contradicts itself.
 */
export function declareCapability<I>() {
  return <const N extends string, const F extends string, const FF extends string = never>(
    input: CapabilityDeclarationInput<N, F, I, FF>,
  ): CapabilityDeclaration<N, F, I, FF> => {
    const { name, family } = input;
    if ((name as string) !== family && !name.startsWith(`${family}.`)) {
      throw new DriverDefinitionError(`capability '${name}' must be named '${family}' or '${family}.<kind>'`);
    }
    const covered = new Set<string | null>(input.calls.map((c) => c.method));
    const uncovered = Object.keys(input.methods).filter((m) => !covered.has(m));
    if (uncovered.length > 0) {
      throw new DriverDefinitionError(`capability '${name}': no contract call lists ${uncovered.join(', ')}`);
    }
    return Object.freeze({
      name,
      family,
      description: input.description,
      status: input.status,
      requires: Object.freeze([...(input.requires ?? [])]),
      methods: Object.freeze({ ...input.methods }),
      ...(input.defaults ? { defaults: Object.freeze({ ...input.defaults }) } : {}),
      features: Object.freeze({ ...(input.features ?? {}) }) as Readonly<Record<FF, FeatureDefinition>>,
      ...(input.trait ? { trait: input.trait } : {}),
      calls: Object.freeze(input.calls.map((c) => Object.freeze({ ...c }))),
    });
  };
}
