import type { OperationContext } from '../context/operation-context.js';
import { checkContext } from '../context/check-context.js';
import { DriverError } from '../errors/errors.js';
import { throwIfCancelled, withCancellation } from '../internal/with-cancellation.js';
import { prepareTurn, queued } from './guarded-queue.js';
import { redactSecrets, secretsIn } from '../errors/redact-secrets.js';
import { isVirtkitError } from '../errors/virtkit-error.js';
import type { PowerState } from '../model/power-state.js';
import { assertRequestShape, validateRequest } from '../validation/validate-request.js';
import { mayCarryCallbacks } from '../validation/compiled-validator.js';
import type { MethodSpec, StateRule } from './method-spec.js';
import type { InstanceInfo } from '../model/instance-info.js';
import { runtimeOf } from './driver-runtime.js';
import { asGuarded, recordInfo, ruleSaysNoop, type GuardedDriver, type InstanceScoped } from './state-rule.js';

// Capability bodies (`around`) use these with the guarded path.
export { applyStateRule, observeInfo } from './state-rule.js';

/** A hook as the guarded path calls it: the checked context and the validated request in, a promise out. */
type Hook = (ctx: OperationContext, request: object) => Promise<unknown>;

/** A validated request: an owned copy holding the declared fields only. */
type Valid = Record<string, unknown>;

/** Call the hook named `name` as a method of the driver (its `this` is the driver). */
function callHook(driver: GuardedDriver, name: string, ctx: OperationContext, req: Valid): Promise<unknown> {
  return (driver as unknown as Readonly<Record<string, Hook>>)[name]!(ctx, req);
}

/**
 * The one path every public driver call takes: check the context and validate
 * the request, queue behind other calls on the same instance, check
 * cancellation, enforce the state rule, call the hook, report the new state,
 * and wrap foreign errors. Never throws: every failure, also of a hostile
 * context or request, is a rejected promise with a typed error.
 *
 * The common call (no signal, no deadline, no orchestrator callback) runs as
 * one async function, {@link guarded}, that takes the instance's key itself
 * (without waiting when the instance is idle) and gives it back when it ends.
 * Calls that can be cancelled or can be called back into wrap that same body.
 */
export function runGuarded(
  driver: unknown,
  op: string,
  spec: MethodSpec,
  ctx: OperationContext | undefined,
  request: unknown,
): Promise<unknown> {
  let valid: Valid | undefined;
  try {
    const context = checkContext(ctx, op);
    throwIfCancelled(context, op);
    valid = spec.request ? (validateRequest(spec.request, request ?? {}, op) as Valid) : noFields(request, op);
    const self = asGuarded(driver);
    const cancellable = context.signal !== undefined || context.deadline !== undefined;
    if (!spec.instance) {
      const pending = guarded(self, op, spec, context, valid, false);
      return cancellable ? withCancellation(pending, context, op) : pending;
    }
    const uuid = (valid as Valid & InstanceScoped).instance.uuid;
    const callbacksInRequest = spec.request !== undefined && mayCarryCallbacks(spec.request) && holdsFunction(valid);
    const callsBack = context.onProgress !== undefined || callbacksInRequest;
    if (!cancellable && !callsBack) {
      return guarded(self, op, spec, context, valid, !runtimeOf(self).queue.heldByCaller(uuid));
    }
    const checked = valid;
    return queued(self, op, context, uuid, () => guarded(self, op, spec, context, checked, false), callsBack);
  } catch (error) {
    return Promise.reject(wrapError(error, op, valid));
  }
}

/**
 * True when an orchestrator callback (a function in the request, such as
 * rebuild's `detachBlockDevices`) can call back into the driver from inside
 * this call: only then must the queue recognise those calls as re-entrant, a
 * tracking that costs every promise of the process while it is on. Hooks
 * call hooks, never the driver's own public calls, so no other call can
 * re-enter. Only requests whose class declares a field that may hold a
 * function are looked at (`mayCarryCallbacks`).
 */
function holdsFunction(req: Valid): boolean {
  for (const key in req) if (typeof req[key] === 'function') return true;
  return false;
}

/** A call that takes no fields still refuses what is not a request (a string, an array, a polluting key). */
function noFields(request: unknown, op: string): Valid {
  if (request === undefined || request === null) return {};
  assertRequestShape(request, op);
  return {}; // nothing declared, nothing passed on: the hook never holds the caller's object
}

/**
 * The body of every guarded call, as one async function (each nested async
 * layer used to cost a promise, an await and a closure per call) that keeps
 * few locals across its awaits (an async function's saved frame is allocated
 * per call, sized by its locals): the steps between the awaits are the
 * synchronous helpers below. With `lock`, it takes the instance's key itself,
 * without waiting when the instance is idle, and releases it when it ends;
 * otherwise the key is held by a wrapper (`queued`: calls that can be
 * cancelled or called back into), by the caller (a re-entrant call), or the
 * call has none.
 */
async function guarded(
  driver: GuardedDriver,
  op: string,
  spec: MethodSpec,
  ctx: OperationContext,
  req: Valid,
  lock: boolean,
): Promise<unknown> {
  // With `lock`, runGuarded already reached the driver's runtime: runtimeOf cannot throw here.
  const uuid = lock ? (req as Valid & InstanceScoped).instance.uuid : undefined;
  try {
    if (uuid !== undefined) {
      const wait = takeTurn(driver, ctx, uuid);
      if (wait !== undefined) await wait;
    }
    if (ctx.signal !== undefined || ctx.deadline !== undefined) throwIfCancelled(ctx, op);
    let token = runtimeOf(driver).events.token();
    if (spec.state !== undefined) {
      const info = await driver._getInfo(ctx, { instance: (req as Valid & InstanceScoped).instance });
      if (stateRuleSaysNoop(driver, op, spec.state, info, token, req as Valid & InstanceScoped)) return undefined;
      token = runtimeOf(driver).events.token();
    }
    return finish(driver, spec, req, await startBody(driver, spec, ctx, req), token);
  } catch (error) {
    if (spec.missingOk && isVirtkitError(error, 'INSTANCE_NOT_FOUND')) return undefined;
    throw wrapError(error, op, req);
  } finally {
    if (uuid !== undefined) runtimeOf(driver).queue.release(uuid);
  }
}

/**
 * Take the instance's key: undefined when it was idle and nothing is left to
 * do first (the usual case: no await); otherwise a promise that settles once
 * the key is this call's and abandoned work on the instance was dealt with
 * (`prepareTurn`).
 */
function takeTurn(driver: GuardedDriver, ctx: OperationContext, uuid: string): Promise<void> | undefined {
  const queue = runtimeOf(driver).queue;
  if (queue.tryAcquire(uuid)) return prepareTurn(driver, ctx, uuid);
  return queue.acquire(uuid).then(() => prepareTurn(driver, ctx, uuid));
}

/** Record the state read for the rule (read from `token`), then check the rule; true when the call is a no-op. */
function stateRuleSaysNoop(
  driver: GuardedDriver,
  op: string,
  rule: StateRule,
  info: InstanceInfo,
  token: number,
  req: Valid & InstanceScoped,
): boolean {
  return ruleSaysNoop(op, rule, recordInfo(runtimeOf(driver).events, req.instance.uuid, info, token), req);
}

/** Start the hook, or the spec's custom body around it. */
function startBody(driver: GuardedDriver, spec: MethodSpec, ctx: OperationContext, req: Valid): Promise<unknown> {
  if (spec.around === undefined) return callHook(driver, spec.hook, ctx, req);
  return spec.around(driver, ctx, req, () => callHook(driver, spec.hook, ctx, req));
}

/** After the hook: the spec's synchronous post-processing, then the state the rule says holds now. */
function finish(driver: GuardedDriver, spec: MethodSpec, req: Valid, result: unknown, token: number): unknown {
  const out = spec.after === undefined ? result : spec.after(driver, req, result, token);
  const rule = spec.state;
  if (rule !== undefined) {
    const to: PowerState | undefined = typeof rule.to === 'function' ? rule.to(req) : rule.to;
    if (to !== undefined) runtimeOf(driver).events.report((req as Valid & InstanceScoped).instance.uuid, to);
  }
  return out;
}

/**
 * Keep virtkit errors as they are; wrap anything else with its cause. Either
 * way the request's secrets (passwords, credentials) are removed from the
 * messages: a hypervisor error may echo the command line that carried one.
 */
export function wrapError(error: unknown, op: string, request?: unknown): Error {
  try {
    const wrapped = isVirtkitError(error)
      ? error
      : new DriverError(op, error instanceof Error ? error.message : String(error), { cause: error });
    return redactSecrets(wrapped, secretsIn(request));
  } catch {
    return unreadableError(op, error); // a hostile error object (throwing getter, proxy): never rethrown raw
  }
}

/** The error for a failure whose error object cannot even be read (hostile getters, proxies). */
function unreadableError(op: string, cause: unknown): Error {
  return new DriverError(op, 'failed with an error that could not be read', { cause });
}
