import type { OperationContext } from '../context/operation-context.js';
import { checkContext } from '../context/check-context.js';
import { AbortedError, DriverError, InvalidStateError, TimeoutError } from '../errors/errors.js';
import { withCancellation } from '../internal/with-cancellation.js';
import { queued, unreadableError } from './guarded-queue.js';
import { redactSecrets, secretsIn } from '../errors/redact-secrets.js';
import { isVirtkitError } from '../errors/virtkit-error.js';
import type { InstanceInfo } from '../model/instance-info.js';
import { assertRequestShape, validateRequest } from '../validation/validate-request.js';
import type { MethodSpec, StateRule } from './method-spec.js';
import { runtimeOf } from './driver-runtime.js';

/**
 * The one path every public driver call takes: check the context and validate
 * the request, queue behind other calls on the same instance, check
 * cancellation, enforce the state rule, call the hook, report the new state,
 * and wrap foreign errors. Never throws: every failure, also of a hostile
 * context or request, is a rejected promise with a typed error.
 */
export function runGuarded(driver: any, op: string, spec: MethodSpec, ctx: OperationContext | undefined, request: unknown): Promise<unknown> {
  let valid: unknown;
  try {
    const context = checkContext(ctx, op);
    throwIfCancelled(context, op);
    valid = spec.request ? validateRequest(spec.request, request ?? {}, op) : noFields(request, op);
    if (isPlain(spec)) return plainCall(driver, op, spec, context, valid as Record<string, any>);
    const body = (): Promise<unknown> => execute(driver, op, spec, context, valid as Record<string, any>);
    const uuid = spec.instance ? (valid as { instance: { uuid: string } }).instance.uuid : undefined;
    if (uuid === undefined) return context.signal || context.deadline !== undefined ? withCancellation(body(), context, op) : body();
    return queued(driver, op, context, uuid, body, mayCallBack(valid as Record<string, unknown>, context));
  } catch (error) {
    return Promise.reject(wrapError(error, op, valid));
  }
}

/**
 * True when an orchestrator callback (a function in the request, such as
 * rebuild's `detachBlockDevices`, or in the context, such as `onProgress`)
 * can call back into the driver from inside this call: only then must the
 * queue recognise those calls as re-entrant, a tracking that costs every
 * promise of the process while it is on. Hooks call hooks, never the
 * driver's own public calls, so no other call can re-enter.
 */
function mayCallBack(req: Record<string, unknown>, ctx: OperationContext): boolean {
  for (const key in req) if (typeof req[key] === 'function') return true;
  for (const key in ctx) if (typeof (ctx as Record<string, unknown>)[key] === 'function') return true;
  return false;
}

/** A call that takes no fields still refuses what is not a request (a string, an array, a polluting key). */
function noFields(request: unknown, op: string): unknown {
  if (request === undefined || request === null) return {};
  assertRequestShape(request, op);
  return {}; // nothing declared, nothing passed on: the hook never holds the caller's object
}

/** No queue, no state rule, no custom body: the hot path of reads such as getInfo. */
function isPlain(spec: MethodSpec): boolean {
  return !spec.instance && !spec.state && !spec.around && !spec.missingOk;
}

function plainCall(driver: any, op: string, spec: MethodSpec, ctx: OperationContext, req: Record<string, any>): Promise<unknown> {
  const pending = plainBody(driver, op, spec, ctx, req);
  return ctx.signal || ctx.deadline !== undefined ? withCancellation(pending, ctx, op) : pending;
}

/** One async frame, no per-call closures; a failure of `after` itself is wrapped like the hook's. */
async function plainBody(driver: any, op: string, spec: MethodSpec, ctx: OperationContext, req: Record<string, any>): Promise<unknown> {
  const after = spec.after;
  try {
    const token = after === undefined ? 0 : runtimeOf(driver).events.token();
    const result: unknown = await driver[spec.hook](ctx, req);
    return after === undefined ? result : after(driver, req, result, token);
  } catch (error) {
    throw wrapError(error, op, req);
  }
}

/**
 * The body of a queued call. One async function with the state rule inlined
 * (no nested async helpers, no closure unless the spec has an `around`): each
 * layer used to cost a promise, an await and a closure on every call.
 */
async function execute(driver: any, op: string, spec: MethodSpec, ctx: OperationContext, req: Record<string, any>): Promise<unknown> {
  try {
    throwIfCancelled(ctx, op);
    const rule = spec.state;
    const events = runtimeOf(driver).events;
    if (rule !== undefined) {
      // The state rule (as applyStateRule): read and record the state, then run, refuse, or succeed doing nothing.
      const token = events.token();
      const info: InstanceInfo = await driver._getInfo(ctx, { instance: req.instance });
      events.observe(req.instance.uuid, info.state, token);
      if (ruleSaysNoop(op, rule, info, req)) return undefined;
    }
    let result = await (spec.around ? spec.around(driver, ctx, req, () => driver[spec.hook](ctx, req)) : driver[spec.hook](ctx, req));
    if (spec.after) result = spec.after(driver, req, result, events.token());
    if (rule !== undefined) {
      const to = typeof rule.to === 'function' ? rule.to(req) : rule.to;
      if (to !== undefined) events.report(req.instance.uuid, to);
    }
    return result;
  } catch (error) {
    if (spec.missingOk && isVirtkitError(error, 'INSTANCE_NOT_FOUND')) return undefined;
    throw wrapError(error, op, req);
  }
}

/**
 * Check a state rule against a state just read: true when the call's target
 * already holds (succeed doing nothing), false when the call must run.
 * @throws `INVALID_STATE`
 */
function ruleSaysNoop(op: string, rule: StateRule, info: InstanceInfo, req: Record<string, any>): boolean {
  if (rule.noop?.(info, req)) return true;
  const refused = rule.refuse?.(info, req);
  if (refused !== undefined) throw new InvalidStateError({ instanceUuid: req.instance.uuid, operation: op, state: info.state, detail: refused });
  const from = typeof rule.from === 'function' ? rule.from(req) : rule.from;
  if (!from.includes(info.state)) throw new InvalidStateError({ instanceUuid: req.instance.uuid, operation: op, state: info.state });
  return false;
}

/**
 * Read an instance's info through the driver and record its state, unless a
 * change overtook the read (then the read is stale and says nothing new).
 * @throws `INSTANCE_NOT_FOUND` from the driver
 */
export async function observeInfo(driver: any, ctx: OperationContext, instance: { uuid: string }): Promise<InstanceInfo> {
  const events = runtimeOf(driver).events;
  const token = events.token();
  const info: InstanceInfo = await driver._getInfo(ctx, { instance });
  events.observe(instance.uuid, info.state, token);
  return info;
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
  driver: any, ctx: OperationContext, op: string, rule: StateRule, req: Record<string, any>,
): Promise<InstanceInfo | undefined> {
  const info = await observeInfo(driver, ctx, req.instance);
  return ruleSaysNoop(op, rule, info, req) ? undefined : info;
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

/** Throw ABORTED or TIMEOUT when the context says the call must not start. */
export function throwIfCancelled(ctx: OperationContext, op: string): void {
  if (ctx.signal?.aborted) throw new AbortedError(op, { cause: ctx.signal.reason });
  if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) throw new TimeoutError(op);
}

