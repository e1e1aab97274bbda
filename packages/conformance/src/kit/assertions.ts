import { isVirtkitError, powerStateName } from '@virtkit/core';
import { textOf } from './text-of.js';

/** A failed kit expectation. Carries the code the driver answered with, when any. */
export class KitAssertionError extends Error {
  readonly code: string | undefined;
  /** What the check expected and what it got, for reports. */
  readonly expected: string | undefined;
  readonly actual: string | undefined;
  constructor(message: string, code?: string, detail: { expected?: string; actual?: string } = {}) {
    super(message);
    this.name = 'KitAssertionError';
    this.code = code;
    this.expected = detail.expected;
    this.actual = detail.actual;
  }
}

/**
 * Thrown by a test that cannot check what it is about with this driver (its
 * fixtures cannot cause the failure it needs): the result is `unverified`,
 * never `passed`.
 */
export class KitUnverifiedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'KitUnverifiedError';
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
  if (a !== e) throw new KitAssertionError(`${what}: expected ${e}, got ${a}`, undefined, { expected: e, actual: a });
}

/**
 * Fail unless `promise` rejects with a virtkit error of `code` (or of one of
 * the codes, when several are acceptable). Returns the error.
 */
export async function checkRejects(
  promise: Promise<unknown>,
  code: string | readonly string[],
  what: string,
): Promise<Error> {
  const codes: readonly string[] = typeof code === 'string' ? [code] : code;
  const expected = codes.join(' or ');
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    if (isVirtkitError(error) && codes.includes(error.code)) return error;
    const got = isVirtkitError(error)
      ? error.code
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
    throw new KitAssertionError(
      `${what}: expected ${expected}, got ${got}`,
      isVirtkitError(error) ? error.code : undefined,
      { expected, actual: got },
    );
  }
  throw new KitAssertionError(
    `${what}: expected ${expected}, but it succeeded (returned ${safeJson(outcome)})`,
    undefined,
    { expected, actual: `success (${safeJson(outcome)})` },
  );
}

/** Fail unless every named field of `value` is a finite number >= 0. */
export function checkCounters(value: unknown, fields: readonly string[], what: string): void {
  check(typeof value === 'object' && value !== null, `${what}: expected an object, got ${safeJson(value)}`);
  for (const field of fields) {
    const n = (value as Record<string, unknown>)[field];
    check(
      typeof n === 'number' && Number.isFinite(n) && n >= 0,
      `${what}: '${field}' must be a number >= 0, got ${safeJson(n)}`,
    );
  }
}

/**
 * Fail when `secret` shows anywhere in `value` (an error's message, stack, fields and causes, or any JSON-able value).
 */
export function checkNoSecret(value: unknown, secret: string, what: string): void {
  check(!mentions(value, secret, 0), `${what}: the secret must never appear, but it does`);
}

function mentions(value: unknown, secret: string, depth: number): boolean {
  if (depth > 8 || value === null || value === undefined) return false;
  if (typeof value !== 'object') return textOf(value).includes(secret);
  const error = value as { message?: unknown; stack?: unknown; cause?: unknown };
  if ([error.message, error.stack].some((s) => typeof s === 'string' && s.includes(secret))) return true;
  if (Object.values(value).some((field) => mentions(field, secret, depth + 1))) return true;
  return mentions(error.cause, secret, depth + 1);
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

/**
 * A request made malformed on purpose (a test that the SDK answers `VALIDATION_FAILED`): typed as whatever the
 * call takes, so the call compiles, while the value is what the test wants the driver to refuse at run time.
 */
export function malformed<T>(request: unknown): T {
  return request as T;
}

/** Fail unless every named field of `value` is a whole number >= 0 (a count of bytes, requests, packets). */
export function checkWholeCounters(value: unknown, fields: readonly string[], what: string): void {
  checkCounters(value, fields, what);
  for (const field of fields) {
    const n = (value as Record<string, number>)[field]!;
    check(Number.isInteger(n), `${what}: '${field}' counts something, so it must be a whole number, got ${n}`);
  }
}
