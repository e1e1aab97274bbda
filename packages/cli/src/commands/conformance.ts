import { Command } from 'commander';
import { formatResultLine, planConformance, runConformance, type ConformanceReport } from '@virtkit/conformance';
import type { CapabilityName } from '@virtkit/core';
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
}

/** The `conformance` command: run the kit against one driver. */
export function conformanceCommand(ctx: CommandContext): Command {
  return new Command('conformance')
    .description('run the conformance kit against a driver and report every test')
    .option('-d, --driver <package-or-path>', 'driver package name or module path', DEFAULT_CONFORMANCE_DRIVER)
    .option('--json', 'print only the JSON report (no progress output)')
    .option('--only <caps>', 'run only these capabilities (comma separated; the core tests always run)')
    .option('--skip <caps>', 'skip these capabilities (comma separated; reported as skipped)')
    .addHelpText('after', `
Each test gets a fresh driver from the driver's definition; the definition's
\`conformance\` field supplies kit fixtures (images, volumes...) when it has one.

Exit codes: 0 all passed, 1 a test failed, 2 usage error or driver not loadable.

Examples:
  $ virtkit conformance --driver @virtkit/sample-driver
  $ virtkit conformance --driver ./dist/my-driver.js --only lifecycle,lifecycle.pause
  $ virtkit conformance --json > report.json`)
    .action(async (options: ConformanceCommandOptions) => ctx.setExitCode(await runConformanceCommand(options, ctx.io)));
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
  const loaded = await loadWithDefaultHint(options.driver, io);
  const map = loaded.driver.capabilities;
  await disposeDriver(loaded.driver);
  const fixtures = await resolveFixtures(loaded.definition);
  const colors = createColors(!options.json && colorEnabled(io));
  if (!options.json) {
    const planned = planConformance(map, { only, skip, fixtures }).length;
    writeLine(io.stdout, colors.bold(`virtkit conformance: ${map.driver.name} ${map.driver.version} (contract ${map.contractVersion})`));
    writeLine(io.stdout, colors.dim(`driver ${loaded.resolvedPath}; ${planned} tests`));
  }
  const report: ConformanceReport = await runConformance({
    map,
    factory: () => loaded.definition.create(CLI_HOST_API),
    dispose: disposeDriver,
    fixtures,
    only,
    skip,
    onResult: options.json ? undefined : (r) => writeLine(io.stdout, formatResultLine(r, colors.enabled)),
  });
  if (options.json) writeLine(io.stdout, JSON.stringify(report, null, 2));
  else for (const line of formatConformanceSummary(report, colors)) writeLine(io.stdout, line);
  return report.summary.failed > 0 ? EXIT_CODES.FAILED : EXIT_CODES.OK;
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
      hint: `${DEFAULT_CONFORMANCE_DRIVER} is the default driver; install it, or choose a driver with --driver <package-or-path> (e.g. --driver @virtkit/sample-driver)`,
      cause: error.cause,
    });
  }
}
