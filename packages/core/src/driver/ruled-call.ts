import { EMPTY_CONTEXT, type OperationContext } from '../context/operation-context.js';
import { validateWith } from '../validation/validate-request.js';
import type { CallPlan } from './call-plan.js';
import { AFTER_BODY, AFTER_READ, callHook, isThenable, Waiting } from './call-step.js';
import { runtimeOf } from './driver-runtime.js';
import { asGuarded } from './guarded-driver.js';
import { prepareTurn } from './guarded-queue.js';
import { afterTurn, guarded, recovers, resume, generalUnlessEmpty, runValid, wrapError } from './guarded-call.js';
import type { InstanceScoped } from './state-rule.js';

/**
 * The guarded path of a call on one instance with a state rule and no custom body (`powerOff`, `powerOn`, `pause`,
 * `reboot`, ...: a plan with `request`, `instance` and `rule`, without `around`), the body `installMethods` gives
 * their public methods. Its common case (the empty context, a request class that carries no callback, an idle
 * instance with no abandoned work, a state read and a hook that answer synchronously) runs in this one frame the
 * steps the general path runs through `runGuarded`, `guarded` and `steps`: take the key, read the state and record
 * it, check the rule, call the hook, report the rule's target state, give the key back. Any other case goes on in
 * the general path from where it stands (`runChecked`, `runValid`, `guarded`, `resume`), with what was already
 * checked: the caller's context and request are each read once. Why a body of its own: the general path served
 * every call through one function, so one type feedback for all of them (issue 16, eighth pass).
 */
export function runRuled<Req extends object, Res>(
  driver: unknown,
  op: string,
  plan: CallPlan<Req, Res>,
  ctx: OperationContext | undefined,
  request: unknown,
): Promise<Res> {
  // A bad context is the call's rejection; a signal, a deadline, a progress callback or a request id: the general
  // path (cancellation, re-entry).
  const elsewhere = generalUnlessEmpty(driver, op, plan, ctx, request);
  if (elsewhere !== undefined) return elsewhere;
  const context = EMPTY_CONTEXT;
  const self = asGuarded(driver);
  let valid: (Req & InstanceScoped) | undefined;
  let held: string | undefined;
  let out: unknown;
  try {
    const compiled = plan.compiled();
    // The request class of a call with a state rule extends InstanceRequest: its validated copy names the instance.
    valid = validateWith(compiled, plan.request!, request ?? {}, op) as Req & InstanceScoped;
    // A request that may carry an orchestrator callback needs the queue's re-entry tracking: the general path.
    if (compiled === undefined || compiled.callbacks) return runValid(self, op, plan, context, valid, compiled);
    const runtime = runtimeOf(self);
    const uuid = valid.instance.uuid;
    if (runtime.queue.heldByCaller(uuid)) return guarded(self, op, plan, context, valid, false);
    if (!runtime.queue.tryAcquire(uuid)) return guarded(self, op, plan, context, valid, true);
    held = uuid;
    const turn = prepareTurn(self, context, uuid);
    if (turn !== undefined) return resume(self, op, plan, context, valid, uuid, afterTurn(turn));
    const events = runtime.events;
    const readToken = events.token();
    const read = self._getPowerState(context, valid);
    if (isThenable(read)) return resume(self, op, plan, context, valid, uuid, new Waiting(AFTER_READ, read, readToken));
    events.observe(uuid, read.state, readToken);
    const rule = plan.rule!;
    if (rule.saysNoop(op, read, valid)) {
      out = undefined;
    } else {
      const token = events.token();
      out = callHook(self, plan.hook, context, valid);
      if (isThenable(out)) return resume(self, op, plan, context, valid, uuid, new Waiting(AFTER_BODY, out, token));
      if (plan.after !== undefined) out = plan.after.call(plan.spec, self, valid, out, token);
      const to = rule.to(valid);
      if (to !== undefined) events.report(uuid, to);
    }
  } catch (error) {
    if (held !== undefined) runtimeOf(self).queue.release(held);
    return recovers(plan, error) ? Promise.resolve(undefined as Res) : Promise.reject(wrapError(error, op, valid));
  }
  // Every way out of the `try` but its end returned: the key is held here.
  runtimeOf(self).queue.release(held!);
  return Promise.resolve(out as Res);
}
