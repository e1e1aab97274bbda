import type { OperationContext } from '../context/operation-context.js';
import type { InstanceInfo } from '../model/instance-info.js';
import type { InstanceRequest } from './core-requests.js';
import type { DriverRuntime, RUNTIME } from './driver-runtime.js';
import type { PowerStateRead } from './power-state-read.js';

/**
 * The driver as the guarded path sees it: the runtime DriverBase gives it and
 * `_getInfo` for the state rules (its other hooks are called by name).
 * DriverBase declares hooks `protected` (drivers implement them, callers never
 * call them), so the SDK's own code reaches them through this view: see
 * {@link asGuarded}.
 *
 * `_getInfo` and `_getPowerState` (the state read before a state rule) may
 * answer synchronously (decision: see DriverBase's hooks): the read then costs
 * no `await`.
 */
export interface GuardedDriver {
  readonly [RUNTIME]?: DriverRuntime;
  _getInfo(ctx: OperationContext, request: InstanceRequest): InstanceInfo | Promise<InstanceInfo>;
  _getPowerState(ctx: OperationContext, request: InstanceRequest): PowerStateRead | Promise<PowerStateRead>;
}

/**
 * The one cast of the call path: guarded calls and the helpers below are
 * installed on, and called with, DriverBase instances only (whose `_getInfo`
 * is protected, hence not visible in their type). Anything else fails at
 * `runtimeOf` with a TypeError, which the guarded path reports typed.
 */
export function asGuarded(driver: unknown): GuardedDriver {
  return driver as GuardedDriver;
}
