import type { ClassConstructor } from 'class-transformer';
import type { OperationContext } from '../context/operation-context.js';
import type { InstanceInfo } from '../model/instance-info.js';
import type { PowerState } from '../model/power-state.js';

/**
 * The documented state rule of a call: where it may run, what holds after it,
 * and when its target already holds (the call then succeeds and does nothing).
 */
export interface StateRule {
  /** Power states from which the call may run; any other is `INVALID_STATE`. */
  readonly from: readonly PowerState[] | ((request: any) => readonly PowerState[]);
  /** The power state after success, reported as a lifecycle event. */
  readonly to?: PowerState | ((request: any) => PowerState | undefined);
  /** True when the call's target already holds: succeed without calling the driver. */
  readonly noop?: (info: InstanceInfo, request: any) => boolean;
  /** A reason the call may not run beyond the power state (e.g. the instance is soft-deleted): `INVALID_STATE`. */
  readonly refuse?: (info: InstanceInfo, request: any) => string | undefined;
}

/** Calls the driver's hook with the validated request. */
export type HookCall = () => Promise<unknown>;

/** How the SDK guards one public call of a capability. */
export interface MethodSpec {
  /** The driver hook that does the backend work, e.g. `_pause`. */
  readonly hook: string;
  /** The class the request is validated against; omitted when the call takes no request fields. */
  readonly request?: ClassConstructor<object>;
  /** The request names an instance (`request.instance.uuid`): calls on it run one at a time. */
  readonly instance?: boolean;
  /** Power-state rule, checked with the driver's `getInfo` before the hook runs. */
  readonly state?: StateRule;
  /** An unknown instance is not an error: the call succeeds (destroy). */
  readonly missingOk?: boolean;
  /** Synchronous post-processing of the hook's result (record a state, project a listing); cheaper than `around`. */
  readonly after?: (driver: any, request: any, result: any, stateToken: number) => unknown;
  /** Custom body for calls with extra steps (spawn's cleanup, migrations); runs after the state rule's check, in place of the plain hook call. */
  readonly around?: (driver: any, ctx: OperationContext, request: any, callHook: HookCall) => Promise<unknown>;
}

/** A capability: its public calls and the default hooks it brings. */
export interface CapabilitySpec {
  readonly name: string;
  /** Capabilities that must be applied first (`lifecycle.pause` needs `lifecycle`). */
  readonly requires?: readonly string[];
  readonly methods: Readonly<Record<string, MethodSpec>>;
  /** Working defaults a driver may override (`_prepareForSpawn`, ...). */
  readonly defaults?: Readonly<Record<string, (this: any, ...args: any[]) => unknown>>;
}
