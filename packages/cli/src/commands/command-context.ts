import type { CliIo } from '../cli-io.js';

/** What every command gets from `main`: where to write, and how to report its exit code. */
export interface CommandContext {
  readonly io: CliIo;
  /** Record the process exit code the command ends with. */
  setExitCode(code: number): void;
}
