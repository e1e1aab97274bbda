import { CommanderError } from 'commander';
import { processIo, writeLine, type CliIo } from './cli-io.js';
import type { CommandContext } from './commands/command-context.js';
import { EXIT_CODES, isCliError } from './errors/cli-error.js';
import { createProgram } from './program.js';

/**
 * Run the `virtkit` CLI in-process: parse `argv` (as `process.argv`: node
 * binary, script, then the arguments), run the command, and return the exit
 * code instead of exiting. Never rejects: every error is printed to `io.stderr`.
 *
 * @returns 0 on success, 1 when the command found failures (or crashed),
 *          2 for usage errors and drivers that cannot be loaded.
 * @example
 * ```ts
 * process.exitCode = await main(process.argv);
 * ```
 */
export async function main(argv: readonly string[] = process.argv, io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT_CODES.OK;
  const ctx: CommandContext = {
    io,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  try {
    await createProgram(ctx).parseAsync([...argv], { from: 'node' });
    return exitCode;
  } catch (error) {
    try {
      return reportError(error, io);
    } catch {
      // stderr itself failed (OUTPUT_FAILED): nothing is left to print to; the exit code still says it
      return isCliError(error) ? error.exitCode : EXIT_CODES.FAILED;
    }
  }
}

/** Print an error the way users should see it, and choose the exit code. */
function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) {
    // commander already printed the message, or the help / version it was asked for (exit code 0);
    // help shown because no command was given comes with exit code 1, a usage error like the others
    return error.exitCode === 0 ? EXIT_CODES.OK : EXIT_CODES.USAGE;
  }
  if (isCliError(error)) {
    writeLine(io.stderr, `virtkit: error: ${error.message}`);
    if (error.hint) writeLine(io.stderr, `virtkit: hint: ${error.hint}`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeLine(io.stderr, `virtkit: unexpected error: ${detail}`);
  writeLine(
    io.stderr,
    'virtkit: hint: this is a bug in virtkit or in the driver; please report it with the command you ran',
  );
  return EXIT_CODES.FAILED;
}
