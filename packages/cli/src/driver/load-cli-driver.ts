import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isVirtkitError, loadDriver, type DriverBase, type HostApi, type LoadedDriver } from '@virtkit/core';
import type { CliIo } from '../cli-io.js';
import { CliError } from '../errors/cli-error.js';
import { loadErrorHint } from './load-error-hint.js';

/** The host API every driver the CLI creates gets. */
export const CLI_HOST_API: HostApi = Object.freeze({ hostname: 'virtkit-conformance' });

/**
 * Load a driver package or module path for a command, resolving from the
 * IO's working directory. A specifier that is not a package but names a file
 * there (`dist/driver.js`, without `./`) is loaded as that file. Load failures
 * become a `DRIVER_UNAVAILABLE` {@link CliError} whose hint says what to do.
 *
 * `hostApi` defaults to {@link CLI_HOST_API} (`virtkit serve` passes its `--hostname` and `--driver-options`).
 *
 * @throws `DRIVER_UNAVAILABLE` when the driver cannot be resolved, imported,
 *         created, or declares an incompatible contract version.
 */
export async function loadCliDriver(
  specifier: string,
  io: CliIo,
  hostApi: HostApi = CLI_HOST_API,
): Promise<LoadedDriver> {
  const cwd = io.cwd ?? process.cwd();
  try {
    return await loadDriver(specifier, hostApi, { from: cwd });
  } catch (error) {
    if (!isVirtkitError(error)) throw error;
    // users type paths the way shells complete them; the loader reads those as package names
    if (error.code === 'DRIVER_LOAD_FAILED' && !isPathLike(specifier) && existsSync(resolve(cwd, specifier))) {
      return loadCliDriver(`./${specifier}`, io, hostApi);
    }
    throw new CliError('DRIVER_UNAVAILABLE', `${error.message} [${error.code}]`, {
      hint: loadErrorHint(specifier, error, cwd),
      cause: error,
    });
  }
}

/**
 * Release a driver the CLI created: drivers holding connections or processes
 * expose `close()`; the base class holds nothing, so there is nothing else to do.
 */
export async function disposeDriver(driver: DriverBase): Promise<void> {
  const close = (driver as unknown as { close?: () => unknown }).close;
  if (typeof close === 'function') await close.call(driver);
}

function isPathLike(specifier: string): boolean {
  return specifier.startsWith('.') || specifier.startsWith('file:') || isAbsolute(specifier);
}
