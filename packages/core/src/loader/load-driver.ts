import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
// Per-function imports keep semver's unused parts (coerce, subset, diff...) out of bundles.
import satisfies from 'semver/functions/satisfies.js';
import valid from 'semver/functions/valid.js';
import validRange from 'semver/ranges/valid.js';
import { CONTRACT_VERSION } from '../contract-version.js';
import { DRIVER_BRAND, type DriverBase } from '../driver/driver-base.js';
import type { HostApi } from '../driver/host-api.js';
import { assertSealed } from '../driver/sealed-call.js';
import { ContractMismatchError, DriverLoadError } from '../errors/errors.js';
import { isVirtkitError } from '../errors/virtkit-error.js';
import { isDriverDefinition, type DriverDefinition } from './driver-definition.js';
import { checkDriverOptions, type DriverOf, type DriverOptionsOf, type HostApiWith } from './driver-options.js';

/** Options of {@link loadDriver}. */
export interface LoadDriverOptions {
  /** Directory package names are resolved from. @defaultValue `process.cwd()` */
  from?: string;
}

/** A loaded driver and the definition it came from. */
export interface LoadedDriver<D extends DriverBase = DriverBase> {
  driver: D;
  definition: DriverDefinition<D>;
  /** The resolved file the driver was loaded from. */
  resolvedPath: string;
}

/**
 * Load a driver from an npm package name or a file path (ESM or CJS), check
 * it is a virtkit driver of a compatible contract version, and create it for
 * `hostApi`. Out-of-tree drivers are first-class: any package works.
 *
 * Options (`hostApi.options`) are checked against the driver's declared
 * schema first: an unknown key is `VALIDATION_FAILED` naming it. With the
 * definition's type as type argument (`loadDriver<typeof memory>(...)`), the
 * options and the driver are typed.
 *
 * @throws `DRIVER_LOAD_FAILED` when the module cannot be resolved or exports no driver;
 *         `VALIDATION_FAILED` for unknown or bad options;
 *         `CONTRACT_MISMATCH` when its contract version is not compatible;
 *         `DRIVER_DEFINITION` (`SealedCallError`) when the driver redefines a guarded public call.
 */
export async function loadDriver<
  T extends DriverBase | DriverDefinition = DriverBase,
  D extends DriverBase = DriverOf<T>,
>(
  specifier: string,
  hostApi: HostApiWith<DriverOptionsOf<T>> = {},
  options: LoadDriverOptions = {},
): Promise<LoadedDriver<D>> {
  if (typeof specifier !== 'string' || specifier.length === 0 || specifier.includes('\0')) {
    throw new DriverLoadError(String(specifier), 'the specifier must be a non-empty package name or path');
  }
  const remote = /^grpc(s|\+unix)?:/.test(specifier);
  const resolvedPath = remote ? specifier : resolveSpecifier(specifier, options.from ?? process.cwd());
  const mod = remote
    ? { default: await loadRemoteDefinition(specifier, hostApi) }
    : await importModule(specifier, resolvedPath);
  const definition = findDefinition(mod);
  if (!definition) {
    throw new DriverLoadError(
      specifier,
      'the module exports no virtkit driver: export default defineDriver({ create }) ' +
        '(or `export const driver = ...`) from @virtkit/core',
    );
  }
  assertCompatible(definition.contractVersion);
  checkDriverOptions(definition, hostApi.options);
  let driver: unknown;
  try {
    driver = await definition.create(hostApi as HostApi);
  } catch (error) {
    if (isVirtkitError(error)) throw error;
    throw new DriverLoadError(
      specifier,
      `its create() failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (!isDriverInstance(driver))
    throw new DriverLoadError(specifier, 'its create() did not return an instance of a DriverBase subclass');
  // The guard is the contract: a driver that replaced a guarded call skips validation, state rules and events.
  assertSealed(driver);
  return { driver: driver as D, definition: definition as unknown as DriverDefinition<D>, resolvedPath };
}

/** True when `value` is an instance of a DriverBase subclass (from any copy of core). */
export function isDriverInstance(value: unknown): value is DriverBase {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DRIVER_BRAND] === true;
}

/** Throw `CONTRACT_MISMATCH` unless this core can serve a driver written for `declared`. */
export function assertCompatible(declared: string): void {
  const exact = valid(declared);
  const range = exact ? `^${exact}` : validRange(declared);
  if (!range || !satisfies(CONTRACT_VERSION, range)) throw new ContractMismatchError(declared, CONTRACT_VERSION);
}

function resolveSpecifier(specifier: string, from: string): string {
  const looksLikePath = specifier.startsWith('.') || isAbsolute(specifier) || specifier.startsWith('file:');
  const requireFrom = createRequire(pathToFileURL(resolvePath(from, 'noop.js')));
  const path = specifier.startsWith('file:') ? new URL(specifier).pathname : resolvePath(from, specifier);
  try {
    return requireFrom.resolve(looksLikePath ? path : specifier);
  } catch (error) {
    if (looksLikePath) throw new DriverLoadError(specifier, `no such file (looked for ${path})`, { cause: error });
    // `dist/driver.js` written without `./`: a file that exists is meant as a path.
    if (existsSync(path)) return requireFrom.resolve(path);
    const installed = safeResolve(requireFrom, `${specifier}/package.json`);
    const why = installed
      ? `the package is installed (${installed}) but its entry point cannot be resolved: is it built?`
      : `package not found from ${from} (is it installed? for a file, start the path with ./)`;
    throw new DriverLoadError(specifier, why, { cause: error });
  }
}

function safeResolve(req: NodeRequire, id: string): string | undefined {
  try {
    return req.resolve(id);
  } catch {
    return undefined;
  }
}

/** CommonJS through require (works in any host, test runners included); ESM through import(). */
async function importModule(specifier: string, resolvedPath: string): Promise<unknown> {
  try {
    if (!resolvedPath.endsWith('.mjs')) {
      try {
        return createRequire(resolvedPath)(resolvedPath);
      } catch (error) {
        // ESM: refused by require() (ERR_REQUIRE_ESM), or accepted by newer Node unless it awaits at top level.
        const code = (error as { code?: string }).code;
        if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
      }
    }
    return await import(pathToFileURL(resolvedPath).href);
  } catch (error) {
    throw new DriverLoadError(
      specifier,
      `importing ${resolvedPath} failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

/** `default`, `driver`, or CJS `module.exports` (possibly nested under `default`). */
function findDefinition(mod: unknown): DriverDefinition | undefined {
  const candidates: unknown[] = [];
  const m = mod as Record<string, unknown> | null;
  if (m && typeof m === 'object') {
    candidates.push(m, m.default, m.driver);
    const d = m.default as Record<string, unknown> | null | undefined;
    if (d && typeof d === 'object') candidates.push(d.default, d.driver);
  }
  return candidates.find(isDriverDefinition);
}

/** The part of @virtkit/remote the loader calls. */
interface RemoteDefinitionLoader {
  loadRemoteDefinition(specifier: string, hostApi: HostApi): Promise<unknown>;
}

/** `grpc://`, `grpcs://`, `grpc+unix://`: the served driver's definition from the optional peer @virtkit/remote. */
async function loadRemoteDefinition(specifier: string, hostApi: HostApi): Promise<unknown> {
  let remote: unknown;
  try {
    // An optional peer has no static import. require where it exists (CommonJS, test runners' module maps), import()
    // in ESM; a variable keeps bundlers and tsc off it. createRequire would resolve outside a test runner's map.
    const name = '@virtkit/remote';
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the optional peer, loaded on first use
    remote = typeof require === 'function' ? require(name) : await import(name);
  } catch (error) {
    throw new DriverLoadError(specifier, 'remote drivers need @virtkit/remote: npm install @virtkit/remote', {
      cause: error,
    });
  }
  if (!isRemoteDefinitionLoader(remote)) {
    throw new DriverLoadError(
      specifier,
      'the installed @virtkit/remote has no loadRemoteDefinition: install the version matching @virtkit/core',
    );
  }
  return remote.loadRemoteDefinition(specifier, hostApi);
}

function isRemoteDefinitionLoader(value: unknown): value is RemoteDefinitionLoader {
  return typeof (value as Partial<RemoteDefinitionLoader> | null)?.loadRemoteDefinition === 'function';
}
