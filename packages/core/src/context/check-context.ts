import { ValidationError, type ValidationIssue } from '../errors/errors.js';
import { EMPTY_CONTEXT, type OperationContext } from './operation-context.js';

/** The longest `requestId` accepted; it ends up in logs. */
export const MAX_REQUEST_ID_CHARS = 255;

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * Validate a call's context and return an owned copy of its known fields:
 * the driver gets what was checked, never the caller's object (a getter or
 * proxy cannot answer differently later). Absent (`undefined` or `null`) is
 * the empty context. Rules: an object (not an array or function); `signal`
 * an `AbortSignal` of this realm (`instanceof`, not duck-typed: an object that
 * merely has `aborted` and `addEventListener` could lie, or throw when the
 * SDK subscribes; a signal from another realm, e.g. a `vm` context, must be
 * forwarded through a local `AbortController`); `deadline` a number (epoch
 * ms, not NaN; `Infinity` means none); `requestId` a string of at most 255
 * characters without control characters; `onProgress` a function. Other keys
 * are ignored and not passed on. Reading it at most once per field.
 * @throws `VALIDATION_FAILED` with paths `ctx`, `ctx.signal`, `ctx.deadline`, `ctx.requestId`, `ctx.onProgress`
 */
export function checkContext(ctx: unknown, operation: string): OperationContext {
  if (ctx === undefined || ctx === null || ctx === EMPTY_CONTEXT) return EMPTY_CONTEXT;
  if (typeof ctx !== 'object') throw fail(operation, [{ path: 'ctx', messages: ['ctx must be an object'] }]);
  let requestId: unknown;
  let signal: unknown;
  let deadline: unknown;
  let onProgress: unknown;
  try {
    if (Array.isArray(ctx)) throw fail(operation, [{ path: 'ctx', messages: ['ctx must be an object'] }]);
    ({ requestId, signal, deadline, onProgress } = ctx as Record<string, unknown>);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw fail(operation, [{ path: 'ctx', messages: ['ctx could not be read (a getter or proxy threw)'] }]);
  }
  // Nothing set (the commonest context, `{}`): the shared empty context, no copy.
  if (requestId === undefined && signal === undefined && deadline === undefined && onProgress === undefined) {
    return EMPTY_CONTEXT;
  }
  const badSignal = signal !== undefined && !(signal instanceof AbortSignal);
  const badDeadline = deadline !== undefined && (typeof deadline !== 'number' || Number.isNaN(deadline));
  const badId =
    requestId !== undefined &&
    (typeof requestId !== 'string' || requestId.length > MAX_REQUEST_ID_CHARS || CONTROL.test(requestId));
  const badProgress = onProgress !== undefined && typeof onProgress !== 'function';
  if (badSignal || badDeadline || badId || badProgress) {
    const issues: ValidationIssue[] = [];
    if (badSignal) issues.push({ path: 'ctx.signal', messages: ['signal must be an AbortSignal'] });
    if (badDeadline) {
      issues.push({ path: 'ctx.deadline', messages: ['deadline must be a number of epoch milliseconds'] });
    }
    if (badId) {
      const limit = `at most ${MAX_REQUEST_ID_CHARS} characters`;
      const rule = `requestId must be a string of ${limit} without control characters`;
      issues.push({ path: 'ctx.requestId', messages: [rule] });
    }
    if (badProgress) issues.push({ path: 'ctx.onProgress', messages: ['onProgress must be a function'] });
    throw fail(operation, issues);
  }
  return { requestId, signal, deadline, onProgress } as OperationContext;
}

function fail(operation: string, issues: ValidationIssue[]): ValidationError {
  return new ValidationError(operation, issues);
}
