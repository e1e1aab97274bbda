import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError as ClassValidationError } from 'class-validator';
import { ValidationError, type ValidationIssue } from '../errors/errors.js';
import { compileValidator } from './compiled-validator.js';

const OPTIONS = { forbidUnknownValues: true, stopAtFirstError: false, validationError: { target: false, value: false } } as const;

/**
 * Validate a plain request against its class. Valid requests are returned as
 * given (a compiled check decides); anything else goes through class-validator,
 * which either finds no fault (its normalised instance is returned) or throws {@link ValidationError} (`VALIDATION_FAILED`) listing every
 * failing field path; the caller's object is never modified.
 */
export function validateRequest<T extends object>(cls: ClassConstructor<T>, input: unknown, operation: string): T {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError(operation, [{ path: '', messages: ['request must be an object'] }]);
  }
  const bad = findForbiddenKey(input, '', 0);
  if (bad !== undefined) throw new ValidationError(operation, [{ path: bad, messages: ['forbidden key'] }]);
  // Fast path: a compiled yes/no check on the plain object; hooks then get the caller's object as is.
  const fast = compileValidator(cls);
  if (fast !== undefined && fast(input as Record<string, unknown>)) return input as T;
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

// Keys that would reach Object.prototype through naive merges downstream.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** Depth-first search for prototype-pollution keys; bounded depth keeps hostile input cheap. No allocation on the clean path. */
function findForbiddenKey(value: unknown, path: string, depth: number): string | undefined {
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  for (const key in value) {
    if (!hasOwn.call(value, key)) continue;
    if (FORBIDDEN.has(key)) return path ? `${path}.${key}` : key;
    const child = (value as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object') {
      const found = findForbiddenKey(child, path ? `${path}.${key}` : key, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const hasOwn = Object.prototype.hasOwnProperty;
