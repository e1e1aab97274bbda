import type { ClassConstructor } from 'class-transformer';
import type { OperationContext } from '../context/operation-context.js';
import type { PowerState } from '../model/power-state.js';
import type { MixinArgs, MixinSelf } from '../capabilities/mixin-self.js';
import type { GuardedDriver } from './guarded-driver.js';
import type { PowerStateRead } from './power-state-read.js';

/**
 * A function of a call's request, its parameter checked bivariantly (a method
 * signature's rule): a rule written for `SpawnRequest` is then also a rule of
 * the erased {@link StateRule} that tables of mixed calls hold. Typed access
 * comes from the declaration ({@link MethodSpecOf}), which checks every rule
 * against its own call's request.
 */
type OfRequest<Req, R> = { of(request: Req): R }['of'];

/**
 * The documented state rule of a call: where it may run, what holds after it,
 * and when its target already holds (the call then succeeds and does nothing).
 * `Req` is the call's validated request.
 */
export interface StateRule<Req extends object = object> {
  /** Power states from which the call may run; any other is `INVALID_STATE`. */
  readonly from: readonly PowerState[] | OfRequest<Req, readonly PowerState[]>;
  /** The power state after success, reported as a lifecycle event. */
  readonly to?: PowerState | OfRequest<Req, PowerState | undefined>;
  /**
   * True when the call's target already holds: succeed without calling the driver. `info` is what the driver's
   * `_getPowerState` read: the power state and the `rescued` and `softDeleted` flags (see {@link PowerStateRead}).
   */
  noop?(info: PowerStateRead, request: Req): boolean;
  /** A reason the call may not run beyond the power state (e.g. the instance is soft-deleted): `INVALID_STATE`. */
  refuse?(info: PowerStateRead, request: Req): string | undefined;
}

/** Calls the driver's hook with the validated request. */
export type HookCall<T = unknown> = () => Promise<T>;

/**
 * How the SDK guards one public call of a capability: `Req` is the validated
 * request (an instance of `request`), `Res` what the public call resolves to.
 * Declarations get both from the call's signature in the capability interface
 * ({@link MethodSpecOf}), so the request class, the state rule's functions,
 * `after` and `around` are checked against that call. The guarded path
 * (`runGuarded<Req, Res>`) keeps the types from the validated request to the
 * result. A table of mixed calls holds them as `MethodSpec` (the defaults):
 * the callbacks below are method signatures, whose parameters TypeScript
 * checks bivariantly, so each typed spec fits the table without a cast.
 */
export interface MethodSpec<Req extends object = object, Res = unknown> {
  /** The driver hook that does the backend work, e.g. `_pause`. */
  readonly hook: string;
  /** The class the request is validated against; omitted when the call takes no request fields. */
  readonly request?: ClassConstructor<Req>;
  /** The request names an instance (`request.instance.uuid`): calls on it run one at a time. */
  readonly instance?: boolean;
  /** Power-state rule, checked with the driver's `_getPowerState` (by default its `_getInfo`) before the hook runs. */
  readonly state?: StateRule<Req>;
  /** An unknown instance is not an error: the call succeeds (destroy). */
  readonly missingOk?: boolean;
  /**
   * Synchronous post-processing of the hook's result (record a state, project
   * a listing); cheaper than `around`. The hook's result is `unknown` here:
   * it is the driver's, and `after` is where it becomes the call's result.
   */
  after?(driver: GuardedDriver, request: Req, result: unknown, stateToken: number): Res;
  /**
   * Custom body for calls with extra steps (spawn's cleanup, migrations): runs
   * after the state rule's check, in place of the plain hook call. `callHook`
   * resolves to the hook's result, which is the call's (the capability's shape
   * class declares the hook so).
   */
  around?(driver: GuardedDriver, ctx: OperationContext, request: Req, callHook: HookCall<Res>): Promise<Res>;
}

/** The request a public call `(ctx, request) => Promise<T>` takes (without `undefined` when optional). */
export type CallRequest<F> = F extends (ctx: OperationContext, request: infer R) => unknown
  ? Extract<NonNullable<R>, object>
  : F extends (ctx: OperationContext) => unknown
    ? Record<string, never>
    : never;

/** What a public call `(ctx, request) => Promise<T>` resolves to. */
export type CallResult<F> = F extends (...args: never[]) => Promise<infer T> ? T : never;

/** The spec of one public call, typed from its signature in a capability interface. */
export type MethodSpecOf<F> = MethodSpec<CallRequest<F>, CallResult<F>>;

/** The specs of a capability interface's calls, each typed from its own signature. */
export type MethodSpecsOf<I> = { readonly [K in keyof I & string]: MethodSpecOf<I[K]> };

/** A capability: its public calls and the default hooks it brings. */
export interface CapabilitySpec {
  readonly name: string;
  /** Capabilities that must be applied first (`lifecycle.pause` needs `lifecycle`). */
  readonly requires?: readonly string[];
  readonly methods: Readonly<Record<string, MethodSpec>>;
  /** Working defaults a driver may override (`_prepareForSpawn`, ...); installed as they are. */
  readonly defaults?: Readonly<Record<string, DefaultHook>>;
}

/**
 * A default hook as a capability declares it. Installed on the prototype and
 * called as a method of a driver that may override it, with the driver's
 * own parameters; its `this` and arguments are typed by the hook's
 * declaration in the capability's shape class, not here.
 */
export type DefaultHook = (this: MixinSelf, ...args: MixinArgs) => unknown;
