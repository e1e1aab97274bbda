import type { CapabilityName } from '../capabilities/capability-names.js';
import { DriverDefinitionError } from '../errors/errors.js';
import { CallPlan } from './call-plan.js';
import { methodFor } from './installed-method.js';
import type { CapabilitySpec, MethodSpec } from './method-spec.js';
import { markSdkPrototype } from './sealed-call.js';

/** A constructor of any (possibly abstract) class; what mixins extend. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern: a base class takes any arguments
export type AbstractConstructor<T = object> = abstract new (...args: any[]) => T;

/** The static list of capabilities a composed class carries. */
export const APPLIED_CAPABILITIES: unique symbol = Symbol('virtkit.appliedCapabilities');

/** The hooks each applied capability requires, for the run-time completeness check. */
export const REQUIRED_HOOKS: unique symbol = Symbol('virtkit.requiredHooks');

/** What the mixins record on a composed class (static symbol properties). */
interface ComposedStatics {
  readonly [APPLIED_CAPABILITIES]?: readonly string[];
  readonly [REQUIRED_HOOKS]?: Readonly<Record<string, readonly string[]>>;
}

/** A mixin: takes a driver class and returns it with one more capability. */
export type CapabilityMixin<TShape extends AbstractConstructor> = <TBase extends AbstractConstructor>(
  Base: TBase,
) => TBase & TShape;

/**
 * Build the mixin of one capability from its declaration. The returned function adds
 * the capability's guarded public calls and default hooks to a driver class
 * and records the capability, so the capability map is derived from
 * composition and never written by hand.
 *
 * `TShape` is a declared abstract class listing the public calls and the
 * abstract hooks: it is what makes a driver that misses a hook fail to
 * compile, including from a separate package compiled against the `.d.ts`.
 */
export function defineCapability<TShape extends AbstractConstructor>(
  spec: CapabilitySpec & { name: CapabilityName },
): CapabilityMixin<TShape> {
  // `spec` is a capability declaration (see `declareCapability`); only its guarded-path part is read here.
  const required = Object.values(spec.methods)
    .map((m) => m.hook)
    .filter((h) => !(spec.defaults && h in spec.defaults));
  const mixin = <TBase extends AbstractConstructor>(Base: TBase): TBase & TShape => {
    const applied: readonly string[] = (Base as ComposedStatics)[APPLIED_CAPABILITIES] ?? [];
    if (applied.includes(spec.name)) throw new DriverDefinitionError(`capability '${spec.name}' is applied twice`);
    const absent = (spec.requires ?? []).filter((r) => !applied.includes(r));
    if (absent.length > 0) {
      throw new DriverDefinitionError(
        `capability '${spec.name}' needs ${absent.map((r) => `'${r}'`).join(', ')} applied first (inner mixin)`,
      );
    }
    abstract class WithCapability extends Base {}
    Object.defineProperty(WithCapability, 'name', { value: `${Base.name}+${spec.name}` });
    Object.defineProperty(WithCapability, APPLIED_CAPABILITIES, { value: Object.freeze([...applied, spec.name]) });
    const hooks: Readonly<Record<string, readonly string[]>> = (Base as ComposedStatics)[REQUIRED_HOOKS] ?? {};
    Object.defineProperty(WithCapability, REQUIRED_HOOKS, {
      value: Object.freeze({ ...hooks, [spec.name]: required }),
    });
    installMethods(WithCapability.prototype, spec.methods);
    for (const [hook, impl] of Object.entries(spec.defaults ?? {})) {
      Object.defineProperty(WithCapability.prototype, hook, { value: impl, writable: true, configurable: true });
    }
    return WithCapability as unknown as TBase & TShape;
  };
  Object.defineProperty(mixin, 'capability', { value: spec.name });
  MIXINS.set(spec.name, mixin as CapabilityMixin<AbstractConstructor>);
  return mixin;
}

const MIXINS = new Map<string, CapabilityMixin<AbstractConstructor>>();

/**
 * The mixin of a capability, by name (e.g. to compose a driver class from a
 * list of capability names, in `CAPABILITY_NAMES` order, which applies every
 * prerequisite first). Typed loosely: compose with the named `with*` mixins
 * where the class's static type matters.
 *
 * @throws RangeError when no capability of that name has been defined.
 */
export function capabilityMixin(capability: CapabilityName): CapabilityMixin<AbstractConstructor> {
  const mixin = MIXINS.get(capability);
  if (!mixin) throw new RangeError(`no mixin defines capability '${String(capability)}'`);
  return mixin;
}

/**
 * Install guarded public methods (non-enumerable, named like the call) and
 * mark `proto` as the SDK's, so `assertSealed` tells these calls from a
 * driver's redefinition of them.
 */
export function installMethods(proto: object, methods: Readonly<Record<string, MethodSpec>>): void {
  markSdkPrototype(proto, methods);
  INSTALLED.set(proto, methods);
  for (const [name, spec] of Object.entries(methods)) {
    // What the guarded path reads per call, in one shape for every call (see CallPlan).
    const plan = new CallPlan(spec);
    Object.defineProperty(proto, name, { value: methodFor(name, plan), writable: true, configurable: true });
  }
}

const INSTALLED = new WeakMap<object, Readonly<Record<string, MethodSpec>>>();

/**
 * The guarded public calls of a driver (instance or class) and their specs,
 * read from the SDK's prototypes along its chain: core calls and every
 * composed capability's calls. Public data (e.g. the request class each call
 * validates against), so tools and tests need not watch core's modules.
 */
export function guardedCallsOf(driver: object): ReadonlyMap<string, MethodSpec> {
  const calls = new Map<string, MethodSpec>();
  let proto: object | null =
    typeof driver === 'function'
      ? (driver as { prototype: object }).prototype
      : (Object.getPrototypeOf(driver) as object | null);
  for (; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const [name, spec] of Object.entries(INSTALLED.get(proto) ?? {})) if (!calls.has(name)) calls.set(name, spec);
  }
  return calls;
}
