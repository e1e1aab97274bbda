import { ValidationError, type ValidationIssue } from '../errors/errors.js';
import { isVirtkitError } from '../errors/virtkit-error.js';
import type { DriverBase } from '../driver/driver-base.js';
import type { HostApi } from '../driver/host-api.js';
import type { DriverDefinition } from './driver-definition.js';

/**
 * How a driver definition declares its options (`hostApi.options`): every
 * key it knows, and a validation of the values. `O` is the options' type; it
 * flows to {@link createDriver} and to `loadDriver<typeof definition>(...)`.
 */
export interface DriverOptionsSchema<O extends object = Record<string, unknown>> {
  /** Every option name the driver reads; any other key is refused (`VALIDATION_FAILED` naming it). */
  readonly keys: readonly (keyof O & string)[];
  /** Check the values; throw `ValidationError` (`VALIDATION_FAILED`) naming the bad ones. */
  validate?(this: void, options: O): void;
  /**
   * Type carrier only, never set: what {@link DriverOptionsOf} infers `O` from. A parameter, so a schema is
   * contravariant in `O` like its `keys`. @internal
   */
  readonly __options?: (options: O) => void;
}

/**
 * Declare a driver's options:
 * ```ts
 * export default defineDriver({
 *   create: (host) => new AcmeDriver(host),
 *   options: defineDriverOptions<AcmeOptions>({ keys: ['stateDir', 'accel'], validate: checkAcmeOptions }),
 * });
 * ```
 */
export function defineDriverOptions<O extends object>(schema: {
  keys: readonly (keyof O & string)[];
  validate?(this: void, options: O): void;
}): DriverOptionsSchema<O> {
  return Object.freeze({ keys: Object.freeze([...schema.keys]), validate: schema.validate });
}

/**
 * The options type a driver definition (or schema) declares; a plain record when it declares none (`O` is then
 * `never`, the default of {@link DriverDefinition}, or nothing to infer from).
 */
export type DriverOptionsOf<T> = T extends { readonly options?: DriverOptionsSchema<infer O> }
  ? [O] extends [never]
    ? Record<string, unknown>
    : unknown extends O
      ? Record<string, unknown>
      : O
  : Record<string, unknown>;

/** The driver type of a definition, or the driver type itself. */
export type DriverOf<T> = T extends DriverDefinition<infer D> ? D : T extends DriverBase ? T : DriverBase;

/** A host API whose `options` are the driver's declared options. */
export type HostApiWith<O> = Omit<HostApi, 'options'> & { options?: O };

/**
 * Check `options` against a definition's declared schema: a non-object, an
 * unknown key (a misspelled `capabilitiez`), or a value the driver's own
 * validation refuses is `VALIDATION_FAILED` naming the key. A definition that
 * declares no schema accepts any object (the driver checks what it reads).
 * @throws `VALIDATION_FAILED`
 */
export function checkDriverOptions(definition: Pick<DriverDefinition, 'name' | 'options'>, options: unknown): void {
  if (options === undefined) return;
  const operation = `options of driver '${definition.name}'`;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ValidationError(operation, [{ path: 'options', messages: ['must be an object'] }]);
  }
  const schema = definition.options;
  if (schema === undefined) return;
  const known = new Set<string>(schema.keys);
  const issues: ValidationIssue[] = Object.keys(options)
    .filter((key) => !known.has(key))
    .map((key) => ({
      path: `options.${key}`,
      messages: [`unknown option '${key}'${suggest(key, schema.keys)}; known: ${schema.keys.join(', ')}`],
    }));
  if (issues.length > 0) throw new ValidationError(operation, issues);
  try {
    schema.validate?.(options as never);
  } catch (error) {
    if (isVirtkitError(error)) throw error;
    throw new ValidationError(operation, [
      { path: 'options', messages: [error instanceof Error ? error.message : String(error)] },
    ]);
  }
}

/**
 * Create a driver from a definition you imported yourself (no module
 * resolution): its options are checked like `loadDriver` does and typed by
 * the definition.
 * @throws `VALIDATION_FAILED` (bad options), what the driver's `create` throws
 * @example
 * ```ts
 * import memory from '@virtkit/memory';
 * const driver = await createDriver(memory, { hostname: 'h1', options: { capabilities: ['lifecycle'] } });
 * ```
 */
export async function createDriver<Def extends DriverDefinition>(
  definition: Def,
  hostApi: HostApiWith<DriverOptionsOf<Def>> = {},
): Promise<DriverOf<Def>> {
  checkDriverOptions(definition, hostApi.options);
  return (await definition.create(hostApi as HostApi)) as DriverOf<Def>;
}

/** ` (did you mean 'x'?)` for a key one or two edits away from a known one. */
function suggest(key: string, keys: readonly string[]): string {
  const close = keys.find((k) => distance(k.toLowerCase(), key.toLowerCase()) <= 2);
  return close === undefined ? '' : ` (did you mean '${close}'?)`;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j]!;
      row[j] = next;
    }
  }
  return row[b.length]!;
}
