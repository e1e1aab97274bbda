import type { OperationContext } from '../context/operation-context.js';
import type { CallPlan } from './call-plan.js';
import { runGuarded } from './guarded-call.js';
import { runRuled } from './ruled-call.js';
import { runUnlocked } from './unlocked-call.js';

/**
 * The public method of a guarded call (named like the call): its body is the guarded path that fits the plan.
 * Calls on one instance with a state rule and no custom body run {@link runRuled}; calls that take no key and have
 * no rule and no custom body run {@link runUnlocked}; every other one runs {@link runGuarded}. Each is a function
 * literal of its own, so V8 keeps type feedback per kind of call rather than one for every call (issue 16, eighth
 * pass); the three answer alike, as the guarded path (the specialised ones go on in it past their common case).
 */
export function methodFor(
  name: string,
  plan: CallPlan,
): (ctx: OperationContext | undefined, request?: unknown) => Promise<unknown> {
  if (plan.around === undefined && plan.instance && plan.rule !== undefined && plan.request !== undefined) {
    return {
      [name](this: unknown, ctx: OperationContext | undefined, request?: unknown): Promise<unknown> {
        return runRuled(this, name, plan, ctx, request);
      },
    }[name]!;
  }
  if (plan.around === undefined && !plan.instance && plan.rule === undefined) {
    return {
      [name](this: unknown, ctx: OperationContext | undefined, request?: unknown): Promise<unknown> {
        return runUnlocked(this, name, plan, ctx, request);
      },
    }[name]!;
  }
  return {
    [name](this: unknown, ctx: OperationContext | undefined, request?: unknown): Promise<unknown> {
      return runGuarded(this, name, plan, ctx, request);
    },
  }[name]!;
}
