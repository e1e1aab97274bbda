import { CONTRACT_VERSION } from '../contract-version.js';
import type { DriverBase } from '../driver/driver-base.js';
import type { HostApi } from '../driver/host-api.js';
import { assertSealed } from '../driver/sealed-call.js';
import type { DriverOptionsSchema } from './driver-options.js';

/** Marks driver definitions, across copies of core. */
export const DRIVER_DEFINITION_BRAND = 'virtkit.driver-definition';

/**
 * What a driver package exports (as `default` or `driver`) so that
 * `loadDriver` and the CLI can find it: its identity, a factory, and
 * optionally the fixtures the conformance kit should use with it.
 *
 * `O` is the type of the options the driver accepts (`hostApi.options`). A definition is contravariant in it (it
 * consumes options), so the default, `never`, makes `DriverDefinition<D>` the type every definition of a `D` is
 * assignable to, whatever its options; {@link DriverOptionsOf} reads such a definition's options as a plain record.
 */
export interface DriverDefinition<D extends DriverBase = DriverBase, O extends object = never> {
  readonly kind: typeof DRIVER_DEFINITION_BRAND;
  readonly name: string;
  readonly version: string;
  /** The contract version (or semver range) the driver was written against. */
  readonly contractVersion: string;
  /** Create a driver instance for one host. */
  create(this: void, hostApi: HostApi): D | Promise<D>;
  /**
   * Kit fixtures (real images, networks, volumes...) for drivers that need
   * them, read by @virtkit/conformance: an object, or a function that prepares
   * them (build a test guest...) and returns them.
   */
  readonly conformance?: ConformanceFixturesSource;
  /** One line saying what the driver drives. */
  readonly description?: string;
  /** The driver's options (`hostApi.options`): their keys and validation, checked by `loadDriver`. */
  readonly options?: DriverOptionsSchema<O>;
  /**
   * Release everything a driver made by `create` holds (connections, child
   * processes, timers), after `cleanupHost`. The conformance kit and the CLI
   * call it for every driver they made, then check no handle is left open.
   * @defaultValue none (the CLI then calls the driver's `close()` if it has one)
   */
  dispose?(this: void, driver: D): void | Promise<void>;
}

/** Input of {@link defineDriver}. */
export interface DefineDriverOptions<D extends DriverBase, O extends object = never> {
  name?: string;
  version?: string;
  contractVersion?: string;
  description?: string;
  create(this: void, hostApi: HostApi): D | Promise<D>;
  conformance?: ConformanceFixturesSource;
  /** The driver's options: see {@link DriverDefinition.options}. */
  options?: DriverOptionsSchema<O>;
  /** See {@link DriverDefinition.dispose}. */
  dispose?(this: void, driver: D): void | Promise<void>;
}

/** Kit fixtures as a driver package gives them: ready, or prepared on demand. */
export type ConformanceFixturesSource =
  Record<string, unknown> | (() => Record<string, unknown> | Promise<Record<string, unknown>>);

/**
 * Declare a driver module's export:
 * ```ts
 * export default defineDriver({ create: (host) => new AcmeDriver(host) });
 * ```
 * Name and version default to the driver class's static `driverName` / `driverVersion`
 * when `create` is given a class through {@link defineDriverClass}.
 */
export function defineDriver<D extends DriverBase, O extends object = never>(
  options: DefineDriverOptions<D, O>,
): DriverDefinition<D, O> {
  return Object.freeze({
    kind: DRIVER_DEFINITION_BRAND,
    name: options.name ?? 'unnamed-driver',
    version: options.version ?? '0.0.0',
    contractVersion: options.contractVersion ?? CONTRACT_VERSION,
    description: options.description,
    create: options.create,
    conformance: options.conformance,
    options: options.options,
    ...(options.dispose ? { dispose: options.dispose } : {}),
  });
}

/** A concrete driver class, as accepted by {@link defineDriverClass}. */
export type DriverClass<D extends DriverBase> = (new (hostApi: HostApi) => D) & {
  driverName: string;
  driverVersion: string;
  contractVersion: string;
};

/**
 * Declare a driver module's export from its class; identity comes from the class's statics.
 * @throws `DRIVER_DEFINITION` (`SealedCallError`) when the class redefines a guarded public call
 */
export function defineDriverClass<D extends DriverBase, O extends object = never>(
  cls: DriverClass<D>,
  extra: {
    description?: string;
    conformance?: ConformanceFixturesSource;
    options?: DriverOptionsSchema<O>;
    dispose?: (driver: D) => void | Promise<void>;
  } = {},
): DriverDefinition<D, O> {
  assertSealed(cls);
  return defineDriver({
    name: cls.driverName,
    version: cls.driverVersion,
    contractVersion: cls.contractVersion,
    create: (host) => {
      const driver = new cls(host);
      assertSealed(driver);
      return driver;
    },
    ...extra,
  });
}

/** True when `value` looks like a {@link DriverDefinition}. */
export function isDriverDefinition(value: unknown): value is DriverDefinition {
  const v = value as Partial<DriverDefinition> | null;
  return typeof v === 'object' && v !== null && v.kind === DRIVER_DEFINITION_BRAND && typeof v.create === 'function';
}
