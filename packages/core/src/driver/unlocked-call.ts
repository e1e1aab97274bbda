import { EMPTY_CONTEXT, type OperationContext } from '../context/operation-context.js';
import { validateWith } from '../validation/validate-request.js';
import type { CallPlan } from './call-plan.js';
import { AFTER_BODY, callHook, isThenable, Waiting } from './call-step.js';
import { runtimeOf } from './driver-runtime.js';
import { asGuarded } from './guarded-driver.js';
import { noFields, recovers, resume, generalUnlessEmpty, wrapError } from './guarded-call.js';

/**
 * The guarded path of a call that takes no instance's key and has no state rule and no custom body (`getInfo`,
 * the listings, `getHostIp`, ...: a plan without `instance`, `rule` and `around`), the body `installMethods` gives
 * their public methods. Its common case (the empty context, a hook that answers synchronously) runs in this one
 * frame the steps the general path runs through `runGuarded`, `guarded`, `steps` and `finish`: validate, take the
 * events token, call the hook, then the plan's `after`. A hook that answers with a promise goes on in the general
 * path's `resume`; any other context in `runChecked` (cancellation), with the context already checked (read once).
 * Why a body of its own: see `runRuled` (issue 16, eighth pass).
 */
export function runUnlocked<Req extends object, Res>(
  driver: unknown,
  op: string,
  plan: CallPlan<Req, Res>,
  ctx: OperationContext | undefined,
  request: unknown,
): Promise<Res> {
  // A bad context is the call's rejection; a signal, a deadline, a progress callback or a request id: the general
  // path (cancellation).
  const elsewhere = generalUnlessEmpty(driver, op, plan, ctx, request);
  if (elsewhere !== undefined) return elsewhere;
  const context = EMPTY_CONTEXT;
  const self = asGuarded(driver);
  let valid: Req | undefined;
  let out: unknown;
  try {
    valid = plan.request ? validateWith(plan.compiled(), plan.request, request ?? {}, op) : noFields<Req>(request, op);
    const token = runtimeOf(self).events.token();
    out = callHook(self, plan.hook, context, valid);
    if (isThenable(out)) return resume(self, op, plan, context, valid, undefined, new Waiting(AFTER_BODY, out, token));
    if (plan.after !== undefined) out = plan.after.call(plan.spec, self, valid, out, token);
  } catch (error) {
    return recovers(plan, error) ? Promise.resolve(undefined as Res) : Promise.reject(wrapError(error, op, valid));
  }
  return Promise.resolve(out as Res);
}
