import type { OperationContext } from '../context/operation-context.js';
import type { GuardedDriver } from './guarded-driver.js';

/**
 * A hook as the guarded path calls it: the checked context and the validated
 * request in, its result out, as a promise or (a hook that needs no I/O, such
 * as an in-memory `_getInfo`) as the value itself.
 */
type Hook = (ctx: OperationContext, request: object) => unknown;

/** Call the hook named `name` as a method of the driver (its `this` is the driver). */
export function callHook(driver: GuardedDriver, name: string, ctx: OperationContext, req: object): unknown {
  return (driver as unknown as Readonly<Record<string, Hook>>)[name]!(ctx, req);
}

/**
 * True for a promise (or another thenable): what a hook returns when it does
 * I/O. Anything else is the hook's answer itself, taken without an `await`
 * (an `await` of a plain value still costs a turn of the microtask queue).
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Where a call's steps go on: the instance's key is held, the state was read, the hook answered. */
export const AFTER_TURN = 0;
export const AFTER_READ = 1;
export const AFTER_BODY = 2;

/** A call's step got a promise: what it waits for, where the steps go on with its value, the events token. */
export class Waiting {
  readonly stage: number;
  readonly on: PromiseLike<unknown>;
  readonly token: number;
  constructor(stage: number, on: PromiseLike<unknown>, token: number) {
    this.stage = stage;
    this.on = on;
    this.token = token;
  }
}
