import type { OperationContext } from '../context/operation-context.js';
import type { InstanceInfo } from '../model/instance-info.js';
import { runtimeOf } from './driver-runtime.js';
import { asGuarded } from './guarded-driver.js';
import { PlannedRule } from './call-plan.js';
import type { LifecycleEventHub } from './lifecycle-events.js';
import type { StateRule } from './method-spec.js';
import type { PowerStateRead } from './power-state-read.js';

/** A validated request of a call on one instance (its class extends `InstanceRequest`). */
export interface InstanceScoped {
  readonly instance: { readonly uuid: string };
}

/** Record the state a read that started at `token` found (see `LifecycleEventHub.observe`); returns the read. */
export function recordInfo<Read extends PowerStateRead>(
  events: LifecycleEventHub,
  uuid: string,
  info: Read,
  token: number,
): Read {
  events.observe(uuid, info.state, token);
  return info;
}

/** Each constant rule's planned form, made on its first use (the rules of `around` bodies: hotplug, cold migration). */
const PLANNED = new WeakMap<StateRule<never>, PlannedRule<never>>();

/**
 * Check a state rule against a state just read: true when the call's target
 * already holds (succeed doing nothing), false when the call must run. The
 * decision is {@link PlannedRule.saysNoop}'s, the guarded path's own.
 * @throws `INVALID_STATE`
 */
export function ruleSaysNoop<Req extends InstanceScoped>(
  op: string,
  rule: StateRule<Req>,
  info: PowerStateRead,
  req: Req,
): boolean {
  let planned = PLANNED.get(rule) as PlannedRule<Req> | undefined;
  if (planned === undefined) {
    planned = new PlannedRule(rule);
    PLANNED.set(rule, planned as PlannedRule<never>);
  }
  return planned.saysNoop(op, info, req);
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
export async function applyStateRule<Req extends InstanceScoped>(
  driver: object,
  ctx: OperationContext,
  op: string,
  rule: StateRule<NoInfer<Req>>,
  req: Req,
): Promise<InstanceInfo | undefined> {
  const info = await observeInfo(driver, ctx, req.instance);
  return ruleSaysNoop(op, rule, info, req) ? undefined : info;
}
