import type { ClassConstructor } from 'class-transformer';
import type { MethodSpec } from '../driver/method-spec.js';
import { CAPABILITY_DECLARATIONS, type AnyCapabilityDeclaration } from './capability-declarations.js';
import type { CapabilityName } from './capability-names.js';
import type { InterfaceOf } from './declare-capability.js';

/** The public calls of each capability, by name (derived from the declarations). */
export type CapabilityMethods = {
  readonly [D in AnyCapabilityDeclaration as D['name']]: readonly (keyof InterfaceOf<D> & string)[];
};

/**
 * The public calls of each capability. A driver that does not advertise a
 * capability still answers these names at run time with `NOT_SUPPORTED`
 * (never `undefined is not a function`, never a silent no-op), while its
 * TypeScript type does not have them at all.
 */
export const CAPABILITY_METHODS: CapabilityMethods = Object.freeze(
  Object.fromEntries(CAPABILITY_DECLARATIONS.map((d) => [d.name, Object.freeze(Object.keys(d.methods))])),
) as CapabilityMethods;

const METHOD_TO_CAPABILITY = new Map<string, CapabilityName>(
  CAPABILITY_DECLARATIONS.flatMap((d) => Object.keys(d.methods).map((m) => [m, d.name] as const)),
);

const METHOD_SPECS = new Map<string, MethodSpec>(
  CAPABILITY_DECLARATIONS.flatMap((d) => Object.entries(d.methods as Readonly<Record<string, MethodSpec>>)),
);

/** The capability a public method name belongs to, if any. */
export function capabilityOfMethod(method: string): CapabilityName | undefined {
  return METHOD_TO_CAPABILITY.get(method);
}

/**
 * The class a capability's public call validates its request against
 * (public data of the declarations, for tests and tools that feed calls),
 * `undefined` when the call takes no request fields or is not a capability
 * call (core calls: see `guardedCallRequests`).
 */
export function requestClassOfMethod(method: string): ClassConstructor<object> | undefined {
  return METHOD_SPECS.get(method)?.request;
}
