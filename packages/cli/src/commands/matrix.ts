import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { runConformance, type ConformanceReport } from '@virtkit/conformance';
import type { CapabilityMap, DriverDefinition, LoadedDriver } from '@virtkit/core';
import { writeLine, type CliIo } from '../cli-io.js';
import { CLI_HOST_API, disposeDriver, loadCliDriver } from '../driver/load-cli-driver.js';
import { resolveFixtures } from '../driver/resolve-fixtures.js';
import { CliError, EXIT_CODES, isCliError } from '../errors/cli-error.js';
import { buildMatrix } from '../matrix/build-matrix.js';
import { renderMatrixHtml } from '../matrix/matrix-html.js';
import { renderMatrixMarkdown } from '../matrix/matrix-markdown.js';
import type { MatrixDriverInput, SupportMatrix } from '../matrix/matrix-types.js';
import type { CommandContext } from './command-context.js';

/** The bundled drivers `virtkit matrix` shows when no driver is named; those not installed are skipped. */
export const DEFAULT_MATRIX_DRIVERS: readonly string[] = ['@virtkit/memory', '@virtkit/qemu'];

/** Output formats of `virtkit matrix`. */
export const MATRIX_FORMATS = ['md', 'json', 'html'] as const;

/** Options of `virtkit matrix`. */
export interface MatrixCommandOptions {
  format: (typeof MATRIX_FORMATS)[number];
  /** Write to this file instead of stdout. */
  out?: string;
  /** Run the conformance kit for every driver. */
  verify?: boolean;
}

/** The `matrix` command: the support matrix of some drivers. */
export function matrixCommand(ctx: CommandContext): Command {
  return new Command('matrix')
    .description('build the support matrix: capabilities by family (rows) against drivers (columns)')
    .argument(
      '[driver...]',
      `driver package names or module paths (default: the bundled drivers that are installed: ` +
        `${DEFAULT_MATRIX_DRIVERS.join(', ')})`,
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(MATRIX_FORMATS).default('md'))
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option('--verify', 'run the conformance kit for each driver: complete only where its kit tests pass')
    .addHelpText(
      'after',
      `
Cells: complete, partial (advertised, some kit tests failed), missing (not advertised),
unknown (advertised, all kit tests skipped). Without --verify, cells come from the
capability maps alone: advertised is complete, anything else missing.

Examples:
  $ virtkit matrix @virtkit/sample-driver
  $ virtkit matrix --format html --out matrix.html --verify
  $ virtkit matrix @virtkit/memory ./dist/my-driver.js --format json`,
    )
    .action(async (drivers: string[], options: MatrixCommandOptions) =>
      ctx.setExitCode(await runMatrixCommand(drivers, options, ctx.io)),
    );
}

/**
 * Run `virtkit matrix`. The matrix is a report: failing kit tests show as
 * `partial` cells and do not change the exit code.
 *
 * @returns the exit code (0).
 * @throws `DRIVER_UNAVAILABLE` for a named driver that cannot be loaded; `USAGE`
 *         when no default driver is installed; `OUTPUT_FAILED`; `FIXTURES_FAILED`.
 */
export async function runMatrixCommand(
  drivers: readonly string[],
  options: MatrixCommandOptions,
  io: CliIo,
): Promise<number> {
  const inputs = await collectDrivers(drivers, options.verify === true, io);
  const matrix = buildMatrix(inputs);
  const text = render(matrix, options.format);
  if (!options.out) {
    io.stdout.write(text);
    return EXIT_CODES.OK;
  }
  const path = resolve(io.cwd ?? process.cwd(), options.out);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, 'utf8');
  } catch (error) {
    throw new CliError(
      'OUTPUT_FAILED',
      `cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`,
      {
        hint: 'choose a writable --out path, or leave --out out to print to stdout',
        cause: error,
      },
    );
  }
  writeLine(
    io.stdout,
    `wrote ${path} (${options.format}, ${matrix.drivers.length} driver(s)${matrix.verified ? ', verified' : ''})`,
  );
  return EXIT_CODES.OK;
}

function render(matrix: SupportMatrix, format: MatrixCommandOptions['format']): string {
  if (format === 'json') return `${JSON.stringify(matrix, null, 2)}\n`;
  if (format === 'html') return renderMatrixHtml(matrix);
  return renderMatrixMarkdown(matrix);
}

/**
 * Load every driver first (skipping default drivers that are not installed),
 * so a bad name fails before any kit runs; then, with `verify`, run the kit on each.
 * Each driver is disposed as soon as its capability map is read.
 */
async function collectDrivers(named: readonly string[], verify: boolean, io: CliIo): Promise<MatrixDriverInput[]> {
  // VIRTKIT_DRIVERS (comma separated) overrides the bundled defaults, e.g. for a quick local run.
  const override = io.env?.VIRTKIT_DRIVERS?.split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  const defaults = override && override.length > 0 ? override : DEFAULT_MATRIX_DRIVERS;
  const specifiers = named.length > 0 ? named : defaults;
  const loaded: Array<{ map: CapabilityMap; definition: DriverDefinition }> = [];
  for (const specifier of specifiers) {
    let entry: LoadedDriver;
    try {
      entry = await loadCliDriver(specifier, io);
    } catch (error) {
      if (named.length > 0 || !isCliError(error)) throw error;
      writeLine(io.stderr, `virtkit: warning: skipping ${specifier}: ${error.message}`);
      continue;
    }
    // only the map and the definition are used later: release the driver at once,
    // so no later failure (another load, the kit's fixtures) leaves it open
    try {
      loaded.push({ map: entry.driver.capabilities, definition: entry.definition });
    } finally {
      await disposeDriver(entry.driver);
    }
  }
  if (loaded.length === 0) {
    throw new CliError('USAGE', `none of the default drivers (${defaults.join(', ')}) could be loaded`, {
      hint: 'install one of them, or name the drivers to compare: virtkit matrix <driver> [driver...]',
    });
  }
  const inputs: MatrixDriverInput[] = [];
  for (const { map, definition } of loaded) {
    inputs.push(verify ? { map, report: await verifyDriver(definition, map, io) } : { map });
  }
  return inputs;
}

/** Run the kit on one driver, with progress on stderr. */
async function verifyDriver(definition: DriverDefinition, map: CapabilityMap, io: CliIo): Promise<ConformanceReport> {
  writeLine(io.stderr, `virtkit: verifying ${map.driver.name} ${map.driver.version} with the conformance kit...`);
  const fixtures = await resolveFixtures(definition);
  const report = await runConformance({
    map,
    factory: () => definition.create(CLI_HOST_API),
    dispose: disposeDriver,
    fixtures,
  });
  const { passed, failed, skipped } = report.summary;
  writeLine(io.stderr, `virtkit: ${map.driver.name}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  return report;
}
