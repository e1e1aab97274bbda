import { ValidateBy, type ValidationOptions } from 'class-validator';

/** The value is a function (a callback the orchestrator passes, e.g. rebuild's attach/detach). */
export function IsFunction(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isFunction',
      validator: { validate: (v) => typeof v === 'function', defaultMessage: () => '$property must be a function' },
    },
    options,
  );
}

/** A plain record of string values (metadata, properties), bounded in size. */
export function IsStringRecord(maxEntries = 1024, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (v: unknown) =>
          typeof v === 'object' &&
          v !== null &&
          !Array.isArray(v) &&
          Object.keys(v).length <= maxEntries &&
          Object.values(v).every((x) => typeof x === 'string' && x.length <= 65535),
        defaultMessage: () => `$property must be an object of at most ${maxEntries} string values`,
      },
    },
    options,
  );
}

/**
 * Free-form JSON-like data (`Record<string, unknown>`): plain objects, arrays,
 * strings, finite numbers, booleans and null, deep-copied by the validator
 * (Sets, Maps, Dates, class instances, NaN, prototype-pollution keys refused).
 * Same copy as `@IsObject()` without `@ValidateNested()`, named for intent.
 */
export function IsJsonRecord(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isJsonRecord',
      validator: {
        validate: (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
        defaultMessage: () => '$property must be an object of JSON-like data',
      },
    },
    options,
  );
}

/**
 * Placement allocations: `{ [providerUuid]: { resources: { [resourceClass]: amount } } }`, amounts finite and
 * not negative.
 */
export function IsAllocations(options?: ValidationOptions): PropertyDecorator {
  const isAmounts = (r: unknown): boolean =>
    typeof r === 'object' &&
    r !== null &&
    !Array.isArray(r) &&
    Object.values(r).every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0);
  return ValidateBy(
    {
      name: 'isAllocations',
      validator: {
        validate: (v: unknown) =>
          typeof v === 'object' &&
          v !== null &&
          !Array.isArray(v) &&
          Object.values(v).every(
            (a) =>
              typeof a === 'object' &&
              a !== null &&
              !Array.isArray(a) &&
              isAmounts((a as { resources?: unknown }).resources),
          ),
        defaultMessage: () => '$property must map provider uuids to { resources: { <class>: <finite amount >= 0> } }',
      },
    },
    options,
  );
}
