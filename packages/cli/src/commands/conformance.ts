import { Command } from 'commander';
import { formatResultLine, planConformance, runConformance, type ConformanceReport } from '@virtkit/conformance';
import type { CapabilityName, DriverBase } from '@virtkit/core';
import { colorEnabled, writeLine, type CliIo } from '../cli-io.js';
import { CLI_HOST_API, disposeDriver, loadCliDriver } from '../driver/load-cli-driver.js';
import { resolveFixtures } from '../driver/resolve-fixtures.js';
import { CliError, EXIT_CODES, isCliError } from '../errors/cli-error.js';
import { parseCapabilityList } from '../options/capability-list.js';
import { createColors } from '../render/colors.js';
import { formatConformanceSummary } from '../render/conformance-summary.js';
import type { CommandContext } from './command-context.js';

/** The driver `virtkit conformance` runs against when `--driver` is not given. */
export const DEFAULT_CONFORMANCE_DRIVER = '@virtkit/memory';

/** Options of `virtkit conformance`, as commander parses them. */
export interface ConformanceCommandOptions {
  driver: string;
  json?: boolean;
  /** Comma-separated capability names. */
  only?: string;
  /** Comma-separated capability names. */
  skip?: string;
  /** Model-based sequences to run (0: none). */
  sequences?: string;
  /** Seed of the model-based sequences (replay). */
  seed?: string;
}

/** The `conformance` command: run the kit against one driver. */
export function conformanceCommand(ctx: CommandContext): Command {
  return new Command('conformance')
    .description('run the conformance kit against a driver and report every test')
    .option('-d, --driver <package-or-path>', 'driver package name or module path', DEFAULT_CONFORMANCE_DRIVER)
    .option('--json', 'print only the JSON report (no progress output)')
    .option('--only <caps>', 'run only these capabilities (comma separated; the core tests always run)')
    .option('--skip <caps>', 'skip these capabilities (comma separated; reported as skipped)')
    .option(
      '--sequences <n>',
      'model-based sequences to run after the tests (0: none; default 300 on fast drivers, fewer on slow ones or as ' +
        "the driver's fixtures say)",
    )
    .option('--seed <n>', 'seed of the model-based sequences, to replay a reported failure')
    .addHelpText(
      'after',
      `
Each test gets a fresh driver from the driver's definition; the definition's
\`conformance\` field supplies kit fixtures (images, volumes...) when it has one.
After the tests, random call sequences are checked against the contract model
(model-based); a divergence is reported shrunk, with the seed to replay it.

Exit codes: 0 all passed, 1 a test failed, 2 usage error or driver not loadable.

Examples:
  $ virtkit conformance --driver @virtkit/sample-driver
  $ virtkit conformance --driver ./dist/my-driver.js --only lifecycle,lifecycle.pause
  $ virtkit conformance --json > report.json
  $ virtkit conformance --sequences 1000 --seed 12345`,
    )
    .action(async (options: ConformanceCommandOptions) =>
      ctx.setExitCode(await runConformanceCommand(options, ctx.io)),
    );
}

/**
 * Run `virtkit conformance`: progress lines as tests finish, then the summary
 * (text), or only the JSON report (`--json`).
 *
 * @returns the exit code: 0 when nothing failed, 1 otherwise.
 * @throws `USAGE` for a bad `--only`/`--skip`; `DRIVER_UNAVAILABLE`; `FIXTURES_FAILED`.
 */
export async function runConformanceCommand(options: ConformanceCommandOptions, io: CliIo): Promise<number> {
  const only = capabilityOption(options.only, '--only');
  const skip = capabilityOption(options.skip, '--skip');
  const sequences = integerOption(options.sequences, '--sequences');
  const seed = integerOption(options.seed, '--seed');
  const loaded = await loadWithDefaultHint(options.driver, io);
  const map = loaded.driver.capabilities;
  await disposeWith(loaded.definition, loaded.driver);
  const fixtures = await resolveFixtures(loaded.definition);
  const colors = createColors(!options.json && colorEnabled(io));
  if (!options.json) {
    const planned = planConformance(map, { only, skip, fixtures }).length;
    writeLine(
      io.stdout,
      colors.bold(`virtkit conformance: ${map.driver.name} ${map.driver.version} (contract ${map.contractVersion})`),
    );
    writeLine(io.stdout, colors.dim(`driver ${loaded.resolvedPath}; ${planned} tests`));
  }
  const report: ConformanceReport = await runConformance({
    map,
    factory: (hostApi) => loaded.definition.create({ ...CLI_HOST_API, ...hostApi }),
    dispose: (driver) => disposeWith(loaded.definition, driver),
    fixtures,
    only,
    skip,
    ...(sequences !== undefined || seed !== undefined
      ? { modelBased: { ...(sequences !== undefined ? { sequences } : {}), ...(seed !== undefined ? { seed } : {}) } }
      : {}),
    onResult: options.json ? undefined : (r) => writeLine(io.stdout, formatResultLine(r, colors.enabled)),
  });
  if (options.json) writeLine(io.stdout, JSON.stringify(report, null, 2));
  else for (const line of formatConformanceSummary(report, colors)) writeLine(io.stdout, line);
  return report.summary.failed > 0 ? EXIT_CODES.FAILED : EXIT_CODES.OK;
}

/** The definition's own `dispose` when it declares one, else the CLI's default (`close()`). */
async function disposeWith(
  definition: { dispose?: (driver: DriverBase) => unknown },
  driver: DriverBase,
): Promise<void> {
  if (typeof definition.dispose === 'function') await definition.dispose(driver);
  else await disposeDriver(driver);
}

function integerOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || (name === '--sequences' && n < 0)) {
    throw new CliError(
      'USAGE',
      `${name} must be ${name === '--sequences' ? 'a whole number >= 0' : 'an integer'}, got '${value}'`,
      { hint: `e.g. ${name} ${name === '--sequences' ? '300' : '42'}` },
    );
  }
  return n;
}

function capabilityOption(value: string | undefined, name: string): CapabilityName[] | undefined {
  return value === undefined ? undefined : parseCapabilityList(value, name);
}

/** The default driver is a guess on our side, so say how to pick another one. */
async function loadWithDefaultHint(specifier: string, io: CliIo): ReturnType<typeof loadCliDriver> {
  try {
    return await loadCliDriver(specifier, io);
  } catch (error) {
    if (!isCliError(error) || specifier !== DEFAULT_CONFORMANCE_DRIVER) throw error;
    throw new CliError(error.code, error.message, {
      hint:
        `${DEFAULT_CONFORMANCE_DRIVER} is the default driver; install it, or choose a driver with --driver ` +
        `<package-or-path> (e.g. --driver @virtkit/sample-driver)`,
      cause: error.cause,
    });
  }
}
