import { Command } from 'commander';
import { colorEnabled, writeLine, type CliIo } from '../cli-io.js';
import { disposeDriver, loadCliDriver } from '../driver/load-cli-driver.js';
import { EXIT_CODES } from '../errors/cli-error.js';
import { createColors } from '../render/colors.js';
import { buildInspectReport, type InspectReport } from '../render/inspect-report.js';
import { formatInspect } from '../render/inspect-text.js';
import type { CommandContext } from './command-context.js';

/** Options of `virtkit inspect`. */
export interface InspectCommandOptions {
  json?: boolean;
}

/** The `inspect` command: show what a driver advertises. */
export function inspectCommand(ctx: CommandContext): Command {
  return new Command('inspect')
    .description("show a driver's capability map: capabilities by family, feature flags, scheduler traits")
    .argument('<driver>', 'driver package name or module path')
    .option(
      '--json',
      'print the map as JSON: { driver, contractVersion, capabilities, allCapabilities, features, traits, imageTypes }',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ virtkit inspect @virtkit/sample-driver
  $ virtkit inspect ./dist/my-driver.js --json`,
    )
    .action(async (driver: string, options: InspectCommandOptions) =>
      ctx.setExitCode(await runInspectCommand(driver, options, ctx.io)),
    );
}

/**
 * Run `virtkit inspect`.
 *
 * @returns the exit code (0).
 * @throws `DRIVER_UNAVAILABLE` when the driver cannot be loaded.
 */
export async function runInspectCommand(specifier: string, options: InspectCommandOptions, io: CliIo): Promise<number> {
  const loaded = await loadCliDriver(specifier, io);
  let report: InspectReport;
  try {
    report = buildInspectReport(loaded.driver.capabilities);
  } finally {
    await disposeDriver(loaded.driver);
  }
  if (options.json) {
    writeLine(io.stdout, JSON.stringify(report, null, 2));
  } else {
    const source = { resolvedPath: loaded.resolvedPath, description: loaded.definition.description };
    for (const line of formatInspect(report, source, createColors(colorEnabled(io)))) writeLine(io.stdout, line);
  }
  return EXIT_CODES.OK;
}
