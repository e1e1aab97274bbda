import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError as ClassValidationError } from 'class-validator';
import { ValidationError, type ValidationIssue } from '../errors/errors.js';
import { compiledRequest, type Compiled } from './compiled-validator.js';
import { findBadKey } from './request-scan.js';

const OPTIONS = {
  forbidUnknownValues: true,
  stopAtFirstError: false,
  validationError: { target: false, value: false },
} as const;

/**
 * Validate a plain request against its class. The compiled validator answers
 * with a validated copy that is deep and owned (declared own properties only,
 * nested records and arrays copied), so later changes to the caller's objects
 * never reach the driver; or it throws {@link ValidationError}
 * (`VALIDATION_FAILED`) listing every failing field path, with messages built
 * from the values already read (a hostile getter or proxy is read once, and a
 * throwing one is a validation failure, never a raw error). Classes the
 * compiler does not understand go through class-validator. The caller's
 * object is never modified.
 * @throws `VALIDATION_FAILED`
 */
export function validateRequest<T extends object>(cls: ClassConstructor<T>, input: unknown, operation: string): T {
  return validateWith(compiledRequest(cls), cls, input, operation);
}

/**
 * {@link validateRequest} with the class's compiled check already looked up (`compiledRequest(cls)`: the guarded
 * path also reads whether the request may carry callbacks from it, one lookup per call).
 * @throws `VALIDATION_FAILED`
 */
export function validateWith<T extends object>(
  compiled: Compiled | undefined,
  cls: ClassConstructor<T>,
  input: unknown,
  operation: string,
): T {
  if (compiled !== undefined) {
    const result = compiled.run(input);
    if (!Array.isArray(result)) return result as T;
    throw new ValidationError(operation, result.length > 0 ? result : [{ path: '', messages: ['invalid request'] }]);
  }
  assertRequestShape(input, operation);
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
  if (input === null || typeof input !== 'object') {
    throw new ValidationError(operation, [{ path: '', messages: ['request must be an object'] }]);
  }
  let bad: ValidationIssue | undefined;
  try {
    if (Array.isArray(input) || Object.prototype.toString.call(input) !== '[object Object]') {
      throw new ValidationError(operation, [{ path: '', messages: ['request must be a plain object'] }]);
    }
    bad = findBadKey(input, '', 0);
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    bad = { path: '', messages: ['could not be read (a getter or proxy threw)'] };
  }
  if (bad !== undefined) throw new ValidationError(operation, [bad]);
}

export { MAX_REQUEST_DEPTH } from './request-scan.js';
