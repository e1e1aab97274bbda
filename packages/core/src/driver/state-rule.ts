import type { OperationContext } from '../context/operation-context.js';
import { InvalidStateError } from '../errors/errors.js';
import type { InstanceInfo } from '../model/instance-info.js';
import type { InstanceRequest } from './core-requests.js';
import { runtimeOf, type DriverRuntime, type RUNTIME } from './driver-runtime.js';
import type { LifecycleEventHub } from './lifecycle-events.js';
import type { StateRule } from './method-spec.js';

/**
 * The driver as the guarded path sees it: the runtime DriverBase gives it and
 * `_getInfo` for the state rules (its other hooks are called by name).
 * DriverBase declares hooks `protected` (drivers implement them, callers never
 * call them), so the SDK's own code reaches them through this view: see
 * {@link asGuarded}.
 */
export interface GuardedDriver {
  readonly [RUNTIME]?: DriverRuntime;
  _getInfo(ctx: OperationContext, request: InstanceRequest): Promise<InstanceInfo>;
}

/** A validated request of a call on one instance (its class extends `InstanceRequest`). */
export interface InstanceScoped {
  readonly instance: { readonly uuid: string };
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

/** Record the state an `_getInfo` that started at `token` read (see `LifecycleEventHub.observe`); returns the info. */
export function recordInfo(events: LifecycleEventHub, uuid: string, info: InstanceInfo, token: number): InstanceInfo {
  events.observe(uuid, info.state, token);
  return info;
}

/**
 * Check a state rule against a state just read: true when the call's target
 * already holds (succeed doing nothing), false when the call must run.
 * @throws `INVALID_STATE`
 */
export function ruleSaysNoop(op: string, rule: StateRule, info: InstanceInfo, req: InstanceScoped): boolean {
  if (rule.noop?.(info, req)) return true;
  const refused = rule.refuse?.(info, req);
  if (refused !== undefined) {
    throw new InvalidStateError({ instanceUuid: req.instance.uuid, operation: op, state: info.state, detail: refused });
  }
  const from = typeof rule.from === 'function' ? rule.from(req) : rule.from;
  if (!from.includes(info.state)) {
    throw new InvalidStateError({ instanceUuid: req.instance.uuid, operation: op, state: info.state });
  }
  return false;
}

/**
 * Read an instance's info through the driver and record its state, unless a
 * change overtook the read (then the read is stale and says nothing new).
 * @throws `INSTANCE_NOT_FOUND` from the driver
 */
export async function observeInfo(
  driver: object,
  ctx: OperationContext,
  instance: { uuid: string },
): Promise<InstanceInfo> {
  const self = asGuarded(driver);
  const events = runtimeOf(self).events;
  const token = events.token();
  return recordInfo(events, instance.uuid, await self._getInfo(ctx, { instance }), token);
}

/**
 * Apply a state rule: read the instance's state (recording it), throw
 * `INVALID_STATE` when the call may not run from there. For `around` bodies
 * that apply a rule conditionally, or that need the state the call ran from.
 * @returns the info read when the call must run; `undefined` when its target
 * already holds (the rule's `noop`), so the call succeeds doing nothing
 * @throws `INVALID_STATE`; `INSTANCE_NOT_FOUND` from the driver
 */
export async function applyStateRule(
  driver: object,
  ctx: OperationContext,
  op: string,
  rule: StateRule,
  req: InstanceScoped,
): Promise<InstanceInfo | undefined> {
  const info = await observeInfo(driver, ctx, req.instance);
  return ruleSaysNoop(op, rule, info, req) ? undefined : info;
}
