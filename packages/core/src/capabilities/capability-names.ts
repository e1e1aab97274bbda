import { CAPABILITY_DECLARATIONS, type AnyCapabilityDeclaration } from './capability-declarations.js';

/** A capability name such as `'volume.extend'` (derived from the declarations). */
export type CapabilityName = AnyCapabilityDeclaration['name'];

/** A capability family such as `'volume'`. */
export type Family = AnyCapabilityDeclaration['family'];

/** Every capability a driver can advertise, grouped by family (see docs/contract.md). */
export const CAPABILITY_NAMES: readonly CapabilityName[] = Object.freeze(CAPABILITY_DECLARATIONS.map((d) => d.name));

/** Capability families, in documentation order. */
export const FAMILIES: readonly Family[] = Object.freeze([...new Set(CAPABILITY_DECLARATIONS.map((d) => d.family))]);

const NAME_SET: ReadonlySet<string> = new Set(CAPABILITY_NAMES);
const BY_NAME: ReadonlyMap<string, AnyCapabilityDeclaration> = new Map(CAPABILITY_DECLARATIONS.map((d) => [d.name, d]));

/** True when `value` names a capability. */
export function isCapabilityName(value: unknown): value is CapabilityName {
  return typeof value === 'string' && NAME_SET.has(value);
}

/** The family a capability belongs to (`'volume.extend'` -> `'volume'`). */
export function familyOf(capability: CapabilityName): Family {
  return capabilityDeclaration(capability).family;
}

/**
 * The declaration of a capability: its calls (with each call's request
 * class, hook and state rule), status, feature flags, trait and contract calls.
 *
 * @throws RangeError when `capability` is not a capability name (a programming error).
 */
export function capabilityDeclaration<C extends CapabilityName>(
  capability: C,
): Extract<AnyCapabilityDeclaration, { name: C }> {
  const declaration = BY_NAME.get(capability);
  if (!declaration) throw new RangeError(`'${String(capability)}' is not a capability`);
  return declaration as Extract<AnyCapabilityDeclaration, { name: C }>;
}
