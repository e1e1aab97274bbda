import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { writeLine, type CliIo } from '../cli-io.js';
import { CliError, EXIT_CODES } from '../errors/cli-error.js';
import { parseCapabilityList } from '../options/capability-list.js';
import { CLI_VERSION } from '../version.js';
import type { CommandContext } from './command-context.js';
import { resolveInitCapabilities } from './init-capabilities.js';
import { readCoreTypes, readHookCatalogue } from './init-hook-catalogue.js';
import { INIT_PACKAGES, renderInitFiles, type VirtkitPackage } from './init-render.js';

/** Options of `virtkit init`. */
export interface InitCommandOptions {
  /** Comma-separated capability names. @defaultValue `lifecycle` */
  capabilities?: string;
  /** Driver name (capability maps, reports). @defaultValue the directory's name without `virtkit` and `driver` */
  name?: string;
  /** A directory of packed `@virtkit/*` tarballs (`npm pack`) to depend on, until the packages are on the registry. */
  tarballs?: string;
}

/** The `init` command: scaffold a driver package. */
export function initCommand(ctx: CommandContext): Command {
  return new Command('init')
    .description('scaffold a driver package: strict TypeScript, every hook of the chosen capabilities, the kit in jest')
    .argument('<dir>', 'directory to create (must not exist, or be empty)')
    .option(
      '--capabilities <list>',
      'comma-separated capabilities (prerequisites included), e.g. lifecycle,lifecycle.pause',
      'lifecycle',
    )
    .option('--name <name>', 'driver name (default: the directory name without "virtkit" and "driver")')
    .option('--tarballs <dir>', 'depend on the @virtkit/* tarballs in <dir> (npm pack) instead of the registry')
    .addHelpText(
      'after',
      `
The package builds with tsc and passes the conformance kit as generated: every hook
forwards to an in-memory stand-in (@virtkit/memory) that you replace with calls to
your hypervisor, hook by hook.

Examples:
  $ virtkit init acme-driver --capabilities lifecycle,lifecycle.pause,console.vnc,volume,volume.extend
  $ virtkit init acme-driver --name acme --tarballs ../virtkit-tarballs`,
    )
    .action((dir: string, options: InitCommandOptions) => ctx.setExitCode(runInitCommand(dir, options, ctx.io)));
}

/**
 * Run `virtkit init`: write the driver package into `dir`.
 *
 * @returns the exit code (0).
 * @throws `USAGE` (unknown capability, missing prerequisite, non-empty directory, no tarball for a package),
 *         `OUTPUT_FAILED` (a file could not be written).
 */
export function runInitCommand(dir: string, options: InitCommandOptions, io: CliIo): number {
  const cwd = io.cwd ?? process.cwd();
  const target = resolve(cwd, dir);
  const capabilities = resolveInitCapabilities(
    parseCapabilityList(options.capabilities ?? 'lifecycle', '--capabilities'),
  );
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new CliError('USAGE', `${target} exists and is not empty`, {
      hint: 'choose a new directory; init never overwrites files',
    });
  }
  const packageName =
    basename(target)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+/, '') || 'virtkit-driver';
  // `acme-virtkit-driver` -> `acme`
  const driverName = options.name ?? (packageName.replace(/-?virtkit-?/g, '').replace(/-?driver$/, '') || packageName);
  if (!/^[a-z][a-z0-9-]*$/i.test(driverName)) {
    throw new CliError(
      'USAGE',
      `driver name '${driverName}' must start with a letter and hold only letters, digits and '-'`,
      { hint: 'pass --name' },
    );
  }
  const files = renderInitFiles({
    packageName,
    driverName,
    capabilities,
    hooks: readHookCatalogue(readCoreTypes()),
    virtkitSpecs: packageSpecs(options.tarballs === undefined ? undefined : resolve(cwd, options.tarballs), target),
  });
  for (const [path, text] of files) {
    const file = join(target, path);
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text, { flag: 'wx' });
    } catch (error) {
      throw new CliError(
        'OUTPUT_FAILED',
        `cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  const shown = relative(cwd, target) || '.';
  writeLine(io.stdout, `virtkit: created ${shown} (${packageName}): ${capabilities.join(', ')}; ${files.size} files`);
  writeLine(io.stdout, `next:  cd ${shown} && npm install && npm run build && npm test`);
  return EXIT_CODES.OK;
}

/** Dependency specs of the virtkit packages: this CLI's version range, or `file:` paths to tarballs. */
function packageSpecs(tarballs: string | undefined, target: string): Record<VirtkitPackage, string> {
  const specs = {} as Record<VirtkitPackage, string>;
  for (const pkg of INIT_PACKAGES) {
    if (tarballs === undefined) {
      specs[pkg] = `^${CLI_VERSION}`;
      continue;
    }
    const prefix = `${pkg.replace('@', '').replace('/', '-')}-`;
    const found = existsSync(tarballs)
      ? readdirSync(tarballs)
          .filter((f) => f.startsWith(prefix) && /^\d/.test(f.slice(prefix.length)) && f.endsWith('.tgz'))
          .sort()
      : [];
    if (found.length === 0) {
      throw new CliError('USAGE', `no tarball of ${pkg} in ${tarballs}`, {
        hint:
          'pack the packages first: in a virtkit checkout, `npm run build && npm pack --workspaces ' +
          '--pack-destination <dir>`',
      });
    }
    specs[pkg] = `file:${relative(target, join(tarballs, found[found.length - 1]!))
      .split('\\')
      .join('/')}`;
  }
  return specs;
}
