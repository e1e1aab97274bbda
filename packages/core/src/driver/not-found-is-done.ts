import type { OperationContext } from '../context/operation-context.js';
import { isVirtkitError } from '../errors/virtkit-error.js';
import type { HookCall } from './method-spec.js';

/**
 * A method-spec `around` body for a call that removes or stops something: the
 * hook's `NOT_FOUND` (there is nothing to remove or stop) means the call's
 * target already holds, so the call succeeds. Other errors pass through.
 */
export async function notFoundIsDone(
  _driver: unknown,
  _ctx: OperationContext,
  _req: unknown,
  callHook: HookCall,
): Promise<void> {
  try {
    await callHook();
  } catch (error) {
    if (!isVirtkitError(error, 'NOT_FOUND')) throw error;
  }
}
