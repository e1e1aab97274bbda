import { Command } from 'commander';
import { colorEnabled } from './cli-io.js';
import type { CommandContext } from './commands/command-context.js';
import { conformanceCommand } from './commands/conformance.js';
import { contractCommand } from './commands/contract.js';
import { initCommand } from './commands/init.js';
import { inspectCommand } from './commands/inspect.js';
import { matrixCommand } from './commands/matrix.js';
import { serveCommand } from './commands/serve.js';
import { CLI_VERSION } from './version.js';

/**
 * The `virtkit` command tree, writing through the context's IO. Commander
 * never exits the process: errors are thrown (`exitOverride`) and `main`
 * turns them into exit codes.
 */
export function createProgram(ctx: CommandContext): Command {
  const { io } = ctx;
  const program = new Command('virtkit')
    .description(
      'virtkit: run the conformance kit, inspect drivers, print the contract, build the support ' +
        'matrix, scaffold a driver',
    )
    .version(CLI_VERSION, '-V, --version', 'print the virtkit CLI version')
    .helpOption('-h, --help', 'show help for a command')
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      getOutHasColors: () => colorEnabled(io),
      getErrHasColors: () => false,
    })
    .showHelpAfterError('(run the command with --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
A driver is an npm package name (resolved from the current directory) or a path
to a module exporting \`default defineDriver({ create })\` from @virtkit/core.

Exit codes: 0 success, 1 failures found (failed kit tests), 2 usage error or
driver not loadable. Colours are used only on a terminal, and never with NO_COLOR set.

Examples:
  $ virtkit conformance --driver @virtkit/sample-driver
  $ virtkit inspect @virtkit/sample-driver
  $ virtkit contract --json
  $ virtkit matrix --format html --out matrix.html --verify
  $ virtkit init acme-driver --capabilities lifecycle,lifecycle.pause
  $ virtkit serve --driver @virtkit/memory --listen unix:/run/virtkit.sock`,
    );
  for (const command of [
    conformanceCommand(ctx),
    inspectCommand(ctx),
    contractCommand(ctx),
    matrixCommand(ctx),
    initCommand(ctx),
    serveCommand(ctx),
  ]) {
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}
