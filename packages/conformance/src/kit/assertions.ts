import { isVirtkitError, powerStateName } from '@virtkit/core';

/** A failed kit expectation. Carries the code the driver answered with, when any. */
export class KitAssertionError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'KitAssertionError';
    this.code = code;
  }
}

/** Fail unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new KitAssertionError(message);
}

/** Fail unless two JSON-able values are deeply equal. */
export function checkEqual<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new KitAssertionError(`${what}: expected ${e}, got ${a}`);
}

/** Fail unless `promise` rejects with a virtkit error of `code`. Returns the error. */
export async function checkRejects(promise: Promise<unknown>, code: string, what: string): Promise<Error> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    if (isVirtkitError(error) && error.code === code) return error;
    const got = isVirtkitError(error) ? error.code : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new KitAssertionError(`${what}: expected ${code}, got ${got}`, isVirtkitError(error) ? error.code : undefined);
  }
  throw new KitAssertionError(`${what}: expected ${code}, but it succeeded (returned ${safeJson(outcome)})`);
}

/** A readable state name for messages. */
export function stateName(state: number): string {
  return powerStateName(state);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return String(value);
  }
}
