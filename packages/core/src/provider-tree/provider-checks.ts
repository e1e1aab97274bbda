import { ValidationError } from '../errors/errors.js';

/** Trait names: upper-case letters, digits and underscores (`HW_CPU_X86_AVX2`, `CUSTOM_GOLD`), at most 255. */
export const TRAIT_NAME_PATTERN = /^[A-Z0-9_]+$/;

/** Resource provider and aggregate uuids: the canonical 8-4-4-4-12 hex form (stored lower-case). */
export const PROVIDER_UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Longest provider name placement accepts. */
export const MAX_PROVIDER_NAME_LENGTH = 200;

/** A provider uuid, lower-cased. @throws `VALIDATION_FAILED` */
export function checkUuid(value: unknown, operation: string, path: string): string {
  if (typeof value !== 'string' || !PROVIDER_UUID_PATTERN.test(value)) fail(operation, path, 'must be a uuid');
  return lower(value);
}

/** A provider name: 1 to 200 characters. @throws `VALIDATION_FAILED` */
export function checkName(value: unknown, operation: string, path: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PROVIDER_NAME_LENGTH) {
    fail(operation, path, `must be a string of 1 to ${MAX_PROVIDER_NAME_LENGTH} characters`);
  }
  return value;
}

/** A generation: a non-negative safe integer. @throws `VALIDATION_FAILED` */
export function checkGeneration(value: unknown, operation: string, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    fail(operation, path, 'must be a non-negative integer');
  return value;
}

/**
 * Trait names, deduplicated. A single string counts as one name (not as
 * the characters it is made of).
 * @throws `VALIDATION_FAILED` when any name is malformed.
 */
export function checkTraits(traits: unknown, operation: string): Set<string> {
  return checkNames(traits, operation, 'traits', (t) =>
    TRAIT_NAME_PATTERN.test(t) && t.length <= 255 ? t : undefined,
  );
}

/** Aggregate uuids, lower-cased and deduplicated. @throws `VALIDATION_FAILED` */
export function checkAggregates(aggregates: unknown, operation: string): Set<string> {
  return checkNames(aggregates, operation, 'aggregates', (a) => (PROVIDER_UUID_PATTERN.test(a) ? lower(a) : undefined));
}

function checkNames(
  values: unknown,
  operation: string,
  path: string,
  accept: (v: string) => string | undefined,
): Set<string> {
  const list = typeof values === 'string' ? [values] : values;
  if (list === null || typeof list !== 'object' || typeof (list as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    fail(operation, path, 'must be an iterable of strings');
  }
  const out = new Set<string>();
  let i = 0;
  for (const value of list as Iterable<unknown>) {
    const ok = typeof value === 'string' ? accept(value) : undefined;
    if (ok === undefined)
      fail(operation, `${path}[${i}]`, path === 'traits' ? `must match ${TRAIT_NAME_PATTERN}` : 'must be a uuid');
    out.add(ok);
    i++;
  }
  return out;
}

/**
 * Keep the caller's string when it is lower-case already: map lookups then compare one string object, not two copies.
 */
function lower(value: string): string {
  const low = value.toLowerCase();
  return low === value ? value : low;
}

function fail(operation: string, path: string, message: string): never {
  throw new ValidationError(operation, [{ path, messages: [message] }]);
}
