import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { DriverBase, HostApi } from '@virtkit/core';
import { writeLine, type CliIo } from '../cli-io.js';
import { CLI_HOST_API, loadCliDriver } from '../driver/load-cli-driver.js';
import { CliError, EXIT_CODES } from '../errors/cli-error.js';
import type { CommandContext } from './command-context.js';

/** Options of `virtkit serve`, as commander parses them. */
interface ServeCommandOptions {
  driver: string;
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsClientCa?: string;
  /** Files holding one bearer token each. */
  adminTokenFile?: string;
  readOnlyTokenFile?: string;
  insecure?: boolean;
  /** Serve the conformance-kit harness (fresh hosts, fixtures). */
  harness?: boolean;
  /** The served driver's host name (`hostApi.hostname`). */
  hostname?: string;
  /** A JSON file holding the driver's options (`hostApi.options`), checked by the driver. */
  driverOptions?: string;
}

/** The `serve` command: serve a driver over gRPC / Connect until SIGINT or SIGTERM. */
export function serveCommand(ctx: CommandContext): Command {
  return new Command('serve')
    .description('serve a driver over gRPC, gRPC-Web and Connect JSON (needs @virtkit/remote)')
    .requiredOption('-d, --driver <package-or-path>', 'driver package name or module path')
    .requiredOption('-l, --listen <address>', 'unix:<path> (created 0600) or <host>:<port>')
    .option('--tls-cert <file>', 'server certificate (PEM)')
    .option('--tls-key <file>', 'server private key (PEM)')
    .option('--tls-client-ca <file>', 'CA that client certificates must chain to (mutual TLS; required off loopback)')
    .option('--admin-token-file <file>', 'file holding a bearer token with the admin role')
    .option('--read-only-token-file <file>', 'file holding a bearer token with the read-only role')
    .option('--insecure', 'allow plaintext or no client certificates on a non-loopback address (never in production)')
    .option('--harness', 'also serve the test harness, so `virtkit conformance --driver grpc://...` can run the kit')
    .option('--hostname <name>', 'the host name the driver is created with (default: virtkit-conformance)')
    .option('--driver-options <file>', "JSON file of the driver's options (hostApi.options), checked by the driver")
    .addHelpText(
      'after',
      `
Examples:
  $ virtkit serve --driver @virtkit/memory --listen unix:/run/virtkit/driver.sock
  $ virtkit serve --driver @virtkit/qemu --listen 10.0.0.5:7443 \\
      --tls-cert host.pem --tls-key host.key --tls-client-ca orchestrators-ca.pem --admin-token-file token`,
    )
    .action(async (options: ServeCommandOptions) => ctx.setExitCode(await runServeCommand(options, ctx.io)));
}

/**
 * Run `virtkit serve`: load the driver, serve it, print the target, and
 * shut down gracefully (finish or cancel in-flight calls, dispose the driver)
 * on SIGINT / SIGTERM or when `stop` resolves.
 *
 * @returns the exit code (0 after a clean shutdown).
 * @throws `DRIVER_UNAVAILABLE`; `USAGE` for bad TLS/token files, a bad address, or plaintext off loopback.
 */
async function runServeCommand(options: ServeCommandOptions, io: CliIo, stop?: Promise<void>): Promise<number> {
  let loadedRemote: unknown;
  try {
    // An optional peer has no static import. require where it exists (CommonJS, test runners' module maps), import()
    // in ESM; a variable keeps bundlers and tsc off it. createRequire would resolve outside a test runner's map.
    const name = '@virtkit/remote';
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the optional peer, loaded on first use
    loadedRemote = typeof require === 'function' ? require(name) : await import(name);
  } catch (error) {
    throw new CliError('DRIVER_UNAVAILABLE', '`virtkit serve` needs @virtkit/remote', {
      hint: 'npm install @virtkit/remote',
      cause: error,
    });
  }
  if (!isRemoteServer(loadedRemote)) {
    throw new CliError('DRIVER_UNAVAILABLE', 'the installed @virtkit/remote has no serveDriver', {
      hint: 'install the @virtkit/remote version matching @virtkit/cli',
    });
  }
  const remote = loadedRemote;
  const read = (file: string | undefined, what: string): string | undefined => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new CliError('USAGE', `cannot read the ${what} file ${file}`, {
        hint: 'check the path and its permissions',
        cause: error,
      });
    }
  };
  const loaded = await loadCliDriver(options.driver, io, serveHostApi(options, read));
  const tokens: Record<string, 'admin' | 'read-only'> = {};
  const admin = read(options.adminTokenFile, 'admin token')?.trim();
  const readOnly = read(options.readOnlyTokenFile, 'read-only token')?.trim();
  if (admin) tokens[admin] = 'admin';
  if (readOnly) tokens[readOnly] = 'read-only';
  const cert = read(options.tlsCert, 'TLS certificate');
  const key = read(options.tlsKey, 'TLS key');
  const ca = read(options.tlsClientCa, 'client CA');
  let server: Awaited<ReturnType<typeof remote.serveDriver>>;
  try {
    server = await remote.serveDriver(loaded.driver, {
      listen: options.listen,
      tls: cert && key ? { cert, key, ca } : undefined,
      tokens: Object.keys(tokens).length > 0 ? tokens : undefined,
      insecure: options.insecure,
      harness: options.harness
        ? {
            create: (hostApi) => loaded.definition.create({ ...CLI_HOST_API, ...hostApi }) as DriverBase,
            fixtures: loaded.definition.conformance,
          }
        : undefined,
    });
  } catch (error) {
    const close = (loaded.driver as unknown as { close?: () => unknown }).close;
    if (typeof close === 'function') await close.call(loaded.driver);
    if (error instanceof TypeError)
      throw new CliError('USAGE', error.message, { hint: 'see virtkit serve --help', cause: error });
    throw error;
  }
  writeLine(io.stdout, `virtkit serve: ${loaded.definition.name} ${loaded.definition.version} at ${server.target}`);
  await (stop ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }));
  await server.close();
  return EXIT_CODES.OK;
}

/**
 * The host API the served driver is created with: `--hostname` and the options of `--driver-options`.
 * @throws `USAGE` when the options file is not a JSON object
 */
function serveHostApi(
  options: ServeCommandOptions,
  read: (file: string | undefined, what: string) => string | undefined,
): HostApi {
  const text = read(options.driverOptions, 'driver options');
  let driverOptions: unknown;
  try {
    driverOptions = text === undefined ? undefined : JSON.parse(text);
  } catch (error) {
    throw new CliError('USAGE', `the driver options file ${options.driverOptions} is not JSON`, { cause: error });
  }
  if (
    driverOptions !== undefined &&
    (typeof driverOptions !== 'object' || driverOptions === null || Array.isArray(driverOptions))
  )
    throw new CliError('USAGE', `the driver options file ${options.driverOptions} must hold a JSON object`);
  return {
    ...CLI_HOST_API,
    ...(options.hostname ? { hostname: options.hostname } : {}),
    ...(driverOptions ? { options: driverOptions as Record<string, unknown> } : {}),
  };
}

/** The part of @virtkit/remote that `virtkit serve` calls. */
type RemoteServing = Pick<typeof import('@virtkit/remote'), 'serveDriver'>;

function isRemoteServer(value: unknown): value is RemoteServing {
  return typeof (value as Partial<RemoteServing> | null)?.serveDriver === 'function';
}
