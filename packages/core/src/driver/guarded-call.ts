import { EMPTY_CONTEXT, type OperationContext } from '../context/operation-context.js';
import { checkContext } from '../context/check-context.js';
import { DriverError } from '../errors/errors.js';
import { throwIfCancelled, withCancellation } from '../internal/with-cancellation.js';
import { prepareTurn, queued } from './guarded-queue.js';
import { redactSecrets, secretsIn } from '../errors/redact-secrets.js';
import { isVirtkitError } from '../errors/virtkit-error.js';
import type { PowerState } from '../model/power-state.js';
import { assertRequestShape, validateWith } from '../validation/validate-request.js';
import type { Compiled } from '../validation/compiled-validator.js';
import type { CallPlan, PlannedRule } from './call-plan.js';
import type { PowerStateRead } from './power-state-read.js';
import { runtimeOf } from './driver-runtime.js';
import { asGuarded, type GuardedDriver } from './guarded-driver.js';
import { recordInfo, type InstanceScoped } from './state-rule.js';
import { AFTER_BODY, AFTER_READ, AFTER_TURN, callHook, isThenable, Waiting } from './call-step.js';

// Capability bodies (`around`) use these with the guarded path.
export { applyStateRule, observeInfo } from './state-rule.js';

/**
 * A validated request of a call on one instance (`spec.instance`, or a call
 * with a state rule): such calls' request classes extend `InstanceRequest`
 * (the declarations' rule; the kit calls each of them on an instance).
 */
function scoped<Req extends object>(req: Req): Req & InstanceScoped {
  return req as Req & InstanceScoped;
}

/** The instance a validated request of a call on one instance names. */
function instanceOf(req: object): InstanceScoped['instance'] {
  return scoped(req).instance;
}

/**
 * The one path every public driver call takes: check the context and validate
 * the request, queue behind other calls on the same instance, check
 * cancellation, enforce the state rule, call the hook, report the new state,
 * and wrap foreign errors. Never throws: every failure, also of a hostile
 * context or request, is a rejected promise with a typed error.
 *
 * The common call (no signal, no deadline, no orchestrator callback) runs
 * {@link guarded}, which takes the instance's key itself (without waiting
 * when the instance is idle), runs the call's steps synchronously as far as
 * nothing is pending, and gives the key back when it ends. Calls that can be
 * cancelled or can be called back into wrap that same body.
 */
export function runGuarded<Req extends object, Res>(
  driver: unknown,
  op: string,
  spec: CallPlan<Req, Res>,
  ctx: OperationContext | undefined,
  request: unknown,
): Promise<Res> {
  return generalUnlessEmpty(driver, op, spec, ctx, request) ?? runChecked(driver, op, spec, EMPTY_CONTEXT, request);
}

/**
 * Where every guarded body starts: the caller's context checked once. A bad context is the call's rejection; any
 * context but the empty one (a signal, a deadline, a progress callback, a request id) goes on in the general path
 * ({@link runChecked}). Undefined for the empty context: the body runs its common case with `EMPTY_CONTEXT`.
 */
export function generalUnlessEmpty<Req extends object, Res>(
  driver: unknown,
  op: string,
  spec: CallPlan<Req, Res>,
  ctx: OperationContext | undefined,
  request: unknown,
): Promise<Res> | undefined {
  let context: OperationContext;
  try {
    context = checkContext(ctx, op);
  } catch (error) {
    return Promise.reject(wrapError(error, op, undefined));
  }
  return context === EMPTY_CONTEXT ? undefined : runChecked(driver, op, spec, context, request);
}

/**
 * {@link runGuarded} from a checked context on: what the specialised entries (`ruled-call.ts`, `unlocked-call.ts`)
 * hand a call whose context is not the empty one (the context is read once, by them).
 */
export function runChecked<Req extends object, Res>(
  driver: unknown,
  op: string,
  spec: CallPlan<Req, Res>,
  context: OperationContext,
  request: unknown,
): Promise<Res> {
  let valid: Req | undefined;
  try {
    throwIfCancelled(context, op);
    // The compiled check and whether its fields may hold a callback, cached in the plan.
    const compiled = spec.compiled();
    valid = spec.request ? validateWith(compiled, spec.request, request ?? {}, op) : noFields<Req>(request, op);
    return runValid(asGuarded(driver), op, spec, context, valid, compiled);
  } catch (error) {
    return Promise.reject(wrapError(error, op, valid));
  }
}

/**
 * A call with its context checked and its request validated (`compiled`: the request class's compiled check):
 * without a queue, through it, or (the common call) {@link guarded} taking the key itself.
 * @throws TypeError when `self` is not a driver (the caller wraps it)
 */
export function runValid<Req extends object, Res>(
  self: GuardedDriver,
  op: string,
  spec: CallPlan<Req, Res>,
  context: OperationContext,
  valid: Req,
  compiled: Compiled | undefined,
): Promise<Res> {
  const cancellable = context.signal !== undefined || context.deadline !== undefined;
  if (!spec.instance) {
    const pending = guarded(self, op, spec, context, valid, false);
    return cancellable ? withCancellation(pending, context, op) : pending;
  }
  const uuid = instanceOf(valid).uuid;
  // A class the compiler does not understand may carry callbacks (the safe answer, as `mayCarryCallbacks`).
  const callbacksInRequest = spec.request !== undefined && (compiled?.callbacks ?? true) && holdsFunction(valid);
  const callsBack = context.onProgress !== undefined || callbacksInRequest;
  if (!cancellable && !callsBack) {
    return guarded(self, op, spec, context, valid, !runtimeOf(self).queue.heldByCaller(uuid));
  }
  return queuedCall(self, op, spec, context, valid, uuid, callsBack);
}

/**
 * {@link guarded} through the instance's queue (calls that can be cancelled or called back into). A function of
 * its own: the closure it makes would otherwise capture runGuarded's variables, and V8 then allocates a context
 * for them on every call, also on the common path that makes no closure (issue 16, seventh pass: ~40 bytes).
 */
function queuedCall<Req extends object, Res>(
  self: GuardedDriver,
  op: string,
  spec: CallPlan<Req, Res>,
  ctx: OperationContext,
  valid: Req,
  uuid: string,
  callsBack: boolean,
): Promise<Res> {
  return queued(self, op, ctx, uuid, () => guarded(self, op, spec, ctx, valid, false), callsBack);
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
function holdsFunction(req: object): boolean {
  const fields = req as Readonly<Record<string, unknown>>;
  for (const key in fields) if (typeof fields[key] === 'function') return true;
  return false;
}

/** A call that takes no fields still refuses what is not a request (a string, an array, a polluting key). */
export function noFields<Req extends object>(request: unknown, op: string): Req {
  if (request !== undefined && request !== null) assertRequestShape(request, op);
  // Nothing declared, nothing passed on (the hook never holds the caller's object). A call without a request
  // class declares no fields: its request type is the empty record (`CallRequest`), which `{}` is.
  return {} as Req;
}

/**
 * What a call that did nothing resolves to: a call whose state rule found its
 * target already holding, or a `missingOk` call on an unknown instance. Such
 * calls return nothing (`Promise<void>` in their interfaces).
 */
function nothing<Res>(): Res {
  return undefined as Res;
}

/**
 * The body of every guarded call. Its steps (the cancellation check, the state
 * read and rule, the hook, the post-processing and report: {@link steps}) run
 * synchronously as long as nothing they get is pending, so a call on a driver
 * that answers without I/O (an in-memory one) costs one settled promise and no
 * async frame (the frame, a promise and its saved registers, was allocated per
 * call: issue 16, sixth pass). Once a step gets a promise (a hook doing I/O,
 * the instance's key held by another call), {@link resume} awaits it and runs
 * the remaining steps, the same ones. With `lock`, it takes the instance's key
 * itself, without waiting when the instance is idle, and releases it when the
 * call ends; otherwise the key is held by a wrapper (`queued`: calls that can
 * be cancelled or called back into), by the caller (a re-entrant call), or the
 * call has none.
 */
export function guarded<Req extends object, Res>(
  driver: GuardedDriver,
  op: string,
  spec: CallPlan<Req, Res>,
  ctx: OperationContext,
  req: Req,
  lock: boolean,
): Promise<Res> {
  let uuid: string | undefined;
  let out: Res | Waiting;
  try {
    // With `lock`, runGuarded already reached the driver's runtime: runtimeOf cannot throw here.
    uuid = lock ? instanceOf(req).uuid : undefined;
    const turn = uuid === undefined ? undefined : takeTurn(driver, ctx, uuid);
    out = turn === undefined ? steps(driver, op, spec, ctx, req, AFTER_TURN, undefined, 0) : afterTurn(turn);
  } catch (error) {
    if (uuid !== undefined) runtimeOf(driver).queue.release(uuid);
    return recovers(spec, error) ? Promise.resolve(nothing<Res>()) : Promise.reject(wrapError(error, op, req));
  }
  if (out instanceof Waiting) return resume(driver, op, spec, ctx, req, uuid, out);
  if (uuid !== undefined) runtimeOf(driver).queue.release(uuid);
  return Promise.resolve(out);
}

/** Await what a step is waiting for, then run the remaining steps; releases the key (if `uuid`) when it ends. */
export async function resume<Req extends object, Res>(
  driver: GuardedDriver,
  op: string,
  spec: CallPlan<Req, Res>,
  ctx: OperationContext,
  req: Req,
  uuid: string | undefined,
  waiting: Waiting,
): Promise<Res> {
  try {
    let at: Res | Waiting = waiting;
    while (at instanceof Waiting) at = steps(driver, op, spec, ctx, req, at.stage, await at.on, at.token);
    return at;
  } catch (error) {
    if (recovers(spec, error)) return nothing<Res>();
    throw wrapError(error, op, req);
  } finally {
    if (uuid !== undefined) runtimeOf(driver).queue.release(uuid);
  }
}

/** A `missingOk` call on an unknown instance succeeds doing nothing (destroy). */
export function recovers(spec: { readonly missingOk: boolean }, error: unknown): boolean {
  return spec.missingOk && isVirtkitError(error, 'INSTANCE_NOT_FOUND');
}

/** A call that waits for its turn (the key, or abandoned work on the instance) before its steps. */
export function afterTurn(turn: Promise<void>): Waiting {
  return new Waiting(AFTER_TURN, turn, 0);
}

/**
 * A call's steps from `stage` on, with `input` the value the previous step
 * got (the state read, the hook's answer): the cancellation check, the state
 * read and rule, the hook (or the spec's `around` body), then `finish`. Runs
 * synchronously until a step gets a promise, and then answers a
 * {@link Waiting} for it instead of awaiting (no async frame unless needed).
 */
function steps<Req extends object, Res>(
  driver: GuardedDriver,
  op: string,
  spec: CallPlan<Req, Res>,
  ctx: OperationContext,
  req: Req,
  stage: number,
  input: unknown,
  token: number,
): Res | Waiting {
  if (stage === AFTER_TURN) {
    if (ctx.signal !== undefined || ctx.deadline !== undefined) throwIfCancelled(ctx, op);
    token = runtimeOf(driver).events.token();
    if (spec.rule !== undefined) {
      // The validated request itself names the instance (its class extends InstanceRequest): no object made.
      input = driver._getPowerState(ctx, scoped(req));
      if (isThenable(input)) return new Waiting(AFTER_READ, input, token);
    }
    stage = AFTER_READ;
  }
  if (stage === AFTER_READ) {
    if (spec.rule !== undefined) {
      if (stateRuleSaysNoop(driver, op, spec.rule, input as PowerStateRead, token, req)) return nothing<Res>();
      token = runtimeOf(driver).events.token();
    }
    input = startBody(driver, spec, ctx, req);
    if (isThenable(input)) return new Waiting(AFTER_BODY, input, token);
  }
  return finish(driver, spec, req, input, token);
}

/**
 * Take the instance's key: undefined when it was idle and nothing is left to
 * do first (the usual case: no await); otherwise a promise that settles once
 * the key is this call's and abandoned work on the instance was dealt with
 * (`prepareTurn`).
 */
function takeTurn(driver: GuardedDriver, ctx: OperationContext, uuid: string): Promise<void> | undefined {
  const queue = runtimeOf(driver).queue;
  return queue.tryAcquire(uuid) ? prepareTurn(driver, ctx, uuid) : waitTurn(driver, ctx, uuid);
}

/** Wait for the key, then {@link prepareTurn}; apart from takeTurn so its closure costs only the calls that wait. */
function waitTurn(driver: GuardedDriver, ctx: OperationContext, uuid: string): Promise<void> {
  return runtimeOf(driver)
    .queue.acquire(uuid)
    .then(() => prepareTurn(driver, ctx, uuid));
}

/** Record the state read for the rule (read from `token`), then check the rule; true when the call is a no-op. */
function stateRuleSaysNoop<Req extends object>(
  driver: GuardedDriver,
  op: string,
  rule: PlannedRule<Req>,
  info: PowerStateRead,
  token: number,
  req: Req,
): boolean {
  const instanceReq = scoped(req);
  return rule.saysNoop(op, recordInfo(runtimeOf(driver).events, instanceReq.instance.uuid, info, token), instanceReq);
}

/** Start the hook, or the spec's custom body around it: a promise, or the hook's answer itself. */
function startBody<Req extends object, Res>(
  driver: GuardedDriver,
  spec: CallPlan<Req, Res>,
  ctx: OperationContext,
  req: Req,
): unknown {
  return spec.around === undefined ? callHook(driver, spec.hook, ctx, req) : aroundBody(driver, spec, ctx, req);
}

/** The spec's `around` body; apart from {@link startBody} so its closure costs only the calls that have one. */
function aroundBody<Req extends object, Res>(
  driver: GuardedDriver,
  spec: CallPlan<Req, Res>,
  ctx: OperationContext,
  req: Req,
): Promise<Res> {
  // The hook's result is the call's: the capability's shape class declares the hook with the call's result type.
  const callHookOnce = (): Promise<Res> => Promise.resolve(callHook(driver, spec.hook, ctx, req) as Res);
  return spec.around!.call(spec.spec, driver, ctx, req, callHookOnce);
}

/** After the hook: the spec's synchronous post-processing, then the state the rule says holds now. */
function finish<Req extends object, Res>(
  driver: GuardedDriver,
  spec: CallPlan<Req, Res>,
  req: Req,
  result: unknown,
  token: number,
): Res {
  // Without `after`, the hook's result is the call's: the capability's shape class declares the hook with the
  // call's result type, which a driver's hook must match to compile.
  const out = spec.after === undefined ? (result as Res) : spec.after.call(spec.spec, driver, req, result, token);
  const rule = spec.rule;
  if (rule !== undefined) {
    const to: PowerState | undefined = rule.to(req);
    if (to !== undefined) runtimeOf(driver).events.report(instanceOf(req).uuid, to);
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
