import { DriverDefinitionError } from '../errors/errors.js';
import { isForwardingDriver } from './forwarded-map.js';

// A type-only brand: never exported, so no driver can produce a value carrying it without a cast.
declare const GUARDED: unique symbol;

/**
 * The type of a guarded public call (`pause`, `getInfo`, ...). The SDK installs
 * the call; a driver implements its hook (`_pause`) instead. Declaring the
 * calls as branded properties makes a subclass that redefines one fail to
 * compile: a method where the base has a property is TS2425, and a function
 * (method or arrow field) lacks the brand, so it is not assignable (TS2416).
 * Callers are unaffected: the property is still callable, and a driver still
 * satisfies the capability interfaces (`PauseCapability`).
 */
export interface SealedCall {
  readonly [GUARDED]: 'a guarded call of the SDK: implement its hook (the _-prefixed method) instead';
}

/** A capability interface with each call sealed: what the mixins' shapes and DriverBase declare. */
export type Sealed<T> = { readonly [K in keyof T]: T[K] & SealedCall };

/** Marks prototypes the SDK built (DriverBase's, each mixin's), across copies of core. */
const SDK_PROTOTYPE = Symbol.for('virtkit.sdkPrototype');

/** Every guarded call the SDK installed, with the hook a driver implements instead. */
const GUARDED_CALLS = new Map<string, string>();

/** Record that `proto` is the SDK's and that it carries these guarded calls (called by `installMethods`). */
export function markSdkPrototype(proto: object, calls: Readonly<Record<string, { readonly hook: string }>>): void {
  if (!Object.prototype.hasOwnProperty.call(proto, SDK_PROTOTYPE))
    Object.defineProperty(proto, SDK_PROTOTYPE, { value: true });
  for (const [call, spec] of Object.entries(calls)) GUARDED_CALLS.set(call, spec.hook);
}

/**
 * Record public calls that are guarded without a hook of their own (NOT_SUPPORTED answers of unadvertised
 * capabilities).
 */
export function registerGuardedCall(call: string, hook: string): void {
  if (!GUARDED_CALLS.has(call)) GUARDED_CALLS.set(call, hook);
}

/**
 * Name `hook` as the one to implement for `call`, where the call's own hook has a default built on a required one
 * (`listInstances` runs `_listInstanceNames`, which defaults to the required `_listInstances`).
 */
export function nameRequiredHook(call: string, hook: string): void {
  GUARDED_CALLS.set(call, hook);
}

/** A driver class (or one of its instances) redefines a guarded public call. */
export class SealedCallError extends DriverDefinitionError {
  /** The guarded call the driver redefined, e.g. `pause`. */
  readonly call: string;
  /** The hook to implement instead, e.g. `_pause`. */
  readonly hook: string;
  constructor(driverName: string, call: string, hook: string, where: string) {
    super(
      `driver '${driverName}' redefines the guarded call '${call}' (${where}); the SDK owns it ` +
        `(validation, state rules, events): implement the hook '${hook}' instead`,
    );
    this.name = 'SealedCallError';
    this.call = call;
    this.hook = hook;
  }
}

/**
 * Refuse a driver class, or a driver instance, that redefines a guarded public
 * call anywhere below the SDK's own prototypes: in a class body, through a
 * prototype patch, or as an instance field. Hooks (`_pause`) stay free.
 * @throws `DRIVER_DEFINITION` ({@link SealedCallError}) naming the call and its hook
 */
// Any class, whatever its constructor takes: the mixin pattern's constructor type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export function assertSealed(target: object | (abstract new (...args: any[]) => object)): void {
  const isClass = typeof target === 'function';
  // A forwarding driver's calls are its transport's; the served driver's own guarded path answers them.
  if (!isClass && isForwardingDriver(target)) return;
  const declared: unknown = isClass
    ? ((target as { driverName?: unknown }).driverName ?? target.name)
    : (target.constructor as { driverName?: unknown } | undefined)?.driverName;
  const name = typeof declared === 'string' ? declared : 'unnamed-driver';
  if (!isClass) {
    for (const key of Object.getOwnPropertyNames(target)) {
      const hook = GUARDED_CALLS.get(key);
      if (hook !== undefined) throw new SealedCallError(name, key, hook, 'as an instance property');
    }
  }
  // Every prototype that is not the SDK's is the driver's, including a class inserted between mixins.
  let proto: object | null = isClass
    ? (target as { prototype: object }).prototype
    : (Object.getPrototypeOf(target) as object | null);
  for (; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    if (Object.prototype.hasOwnProperty.call(proto, SDK_PROTOTYPE)) continue;
    for (const key of Object.getOwnPropertyNames(proto)) {
      const hook = GUARDED_CALLS.get(key);
      if (hook !== undefined)
        throw new SealedCallError(
          name,
          key,
          hook,
          `in class ${(proto as { constructor?: { name?: string } }).constructor?.name ?? '?'}`,
        );
    }
  }
}
