import { ValidateBy, type ValidationOptions } from 'class-validator';

/** The value is a function (a callback the orchestrator passes, e.g. rebuild's attach/detach). */
export function IsFunction(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isFunction', validator: { validate: (v) => typeof v === 'function', defaultMessage: () => '$property must be a function' } }, options);
}

/** A plain record of string values (metadata, properties), bounded in size. */
export function IsStringRecord(maxEntries = 1024, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (v) =>
          typeof v === 'object' && v !== null && !Array.isArray(v) &&
          Object.keys(v).length <= maxEntries && Object.values(v).every((x) => typeof x === 'string' && x.length <= 65535),
        defaultMessage: () => `$property must be an object of at most ${maxEntries} string values`,
      },
    },
    options,
  );
}
