import { Command } from 'commander';
import { contractManifest } from '@virtkit/core/manifest';
import { colorEnabled, writeLine, type CliIo } from '../cli-io.js';
import { EXIT_CODES } from '../errors/cli-error.js';
import { createColors } from '../render/colors.js';
import { formatContractTable } from '../render/contract-table.js';
import type { CommandContext } from './command-context.js';

/** Options of `virtkit contract`. */
export interface ContractCommandOptions {
  json?: boolean;
}

/** The `contract` command: print the contract manifest. */
export function contractCommand(ctx: CommandContext): Command {
  return new Command('contract')
    .description('print the contract manifest: every call of the contract, its capability, TypeScript method and kind')
    .option('--json', 'print the manifest entries as a JSON array')
    .addHelpText(
      'after',
      `
Kinds: required (a driver advertising the capability implements it), hook (optional,
called by the SDK), default (the SDK implements it), deprecated, dropped (no counterpart).
Entries with "origin": "virtkit" are calls the reference does not have (the contract grows past it).

Examples:
  $ virtkit contract
  $ virtkit contract --json | jq '.[] | select(.capability == "volume")'`,
    )
    .action((options: ContractCommandOptions) => ctx.setExitCode(runContractCommand(options, ctx.io)));
}

/** Run `virtkit contract`. @returns the exit code (0). */
export function runContractCommand(options: ContractCommandOptions, io: CliIo): number {
  if (options.json) {
    writeLine(io.stdout, JSON.stringify(contractManifest, null, 2));
  } else {
    for (const line of formatContractTable(contractManifest, createColors(colorEnabled(io))))
      writeLine(io.stdout, line);
  }
  return EXIT_CODES.OK;
}
