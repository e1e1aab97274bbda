import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError as ClassValidationError } from 'class-validator';
import { ValidationError, type ValidationIssue } from '../errors/errors.js';
import { compileValidator } from './compiled-validator.js';

const OPTIONS = { forbidUnknownValues: true, stopAtFirstError: false, validationError: { target: false, value: false } } as const;

/**
 * Validate a plain request against its class ({@link assertRequestShape} first).
 * A compiled check answers most requests with a validated copy (declared own
 * properties only, so later changes to the caller's object never reach the
 * driver); anything else goes through class-validator, which either finds no
 * fault (its normalised instance is returned) or throws {@link ValidationError}
 * (`VALIDATION_FAILED`) listing every failing field path. The caller's object
 * is never modified.
 */
export function validateRequest<T extends object>(cls: ClassConstructor<T>, input: unknown, operation: string): T {
  assertRequestShape(input, operation);
  // Fast path: a compiled check that returns a validated copy (declared own properties only).
  const fast = compileValidator(cls);
  const copy = fast?.(input as Record<string, unknown>);
  if (copy !== undefined) return copy as T;
  const instance = plainToInstance(cls, input, { enableImplicitConversion: false, exposeDefaultValues: false });
  const errors = validateSync(instance as object, OPTIONS);
  if (errors.length > 0) throw new ValidationError(operation, flatten(errors, ''));
  return instance;
}

/** Flatten class-validator's nested errors into dotted paths. */
function flatten(errors: ClassValidationError[], prefix: string): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out.push({ path, messages: Object.values(e.constraints) });
    if (e.children && e.children.length > 0) out.push(...flatten(e.children, path));
  }
  return out;
}

/**
 * The checks every request gets, also those of calls that take no fields:
 * a plain object (not an array), no prototype-pollution key at any depth,
 * nested at most {@link MAX_REQUEST_DEPTH} levels.
 * @throws `VALIDATION_FAILED`
 */
export function assertRequestShape(input: unknown, operation: string): void {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError(operation, [{ path: '', messages: ['request must be an object'] }]);
  }
  const bad = findBadKey(input, '', 0);
  if (bad !== undefined) throw new ValidationError(operation, [bad]);
}

/**
 * No request nests deeper than this. Deeper input is refused rather than left
 * unscanned: a prototype-pollution key could hide below the scan's reach, and
 * hostile depth (10,000 levels) must stay cheap (issue "Hardening").
 */
export const MAX_REQUEST_DEPTH = 32;

// Keys that would reach Object.prototype through naive merges downstream.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Depth-first search for prototype-pollution keys and excessive depth. No allocation on the clean path. */
function findBadKey(value: object, path: string, depth: number): ValidationIssue | undefined {
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    const at = path ? `${path}.${key}` : key;
    if (FORBIDDEN.has(key)) return { path: at, messages: ['forbidden key'] };
    const child = (value as Record<string, unknown>)[key];
    if (child === null || typeof child !== 'object') continue;
    if (depth + 1 > MAX_REQUEST_DEPTH) return { path: at, messages: [`nested deeper than ${MAX_REQUEST_DEPTH} levels`] };
    const found = findBadKey(child, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

const hasOwn = Object.prototype.hasOwnProperty;
