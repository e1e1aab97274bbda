/**
 * Every error code the CLI raises. Codes are public API: never renamed or
 * reused; messages may change.
 */
export const CLI_ERROR_CODES = {
  /** The command line is wrong: unknown option value, bad capability name, missing argument. */
  USAGE: 'USAGE',
  /** A driver could not be loaded (not installed, not a virtkit driver, incompatible contract). */
  DRIVER_UNAVAILABLE: 'DRIVER_UNAVAILABLE',
  /** The driver's conformance fixtures could not be prepared. */
  FIXTURES_FAILED: 'FIXTURES_FAILED',
  /** An output file could not be written. */
  OUTPUT_FAILED: 'OUTPUT_FAILED',
} as const;

/** One of {@link CLI_ERROR_CODES}. */
export type CliErrorCode = keyof typeof CLI_ERROR_CODES;

/** Process exit codes of the CLI. */
export const EXIT_CODES = {
  /** Everything ran and passed. */
  OK: 0,
  /** The command ran and found failures (failed kit tests) or hit an unexpected error. */
  FAILED: 1,
  /** The command could not run: usage error, driver not loadable, output not writable. */
  USAGE: 2,
} as const;

/** Options of {@link CliError}. */
export interface CliErrorOptions {
  /** What the user should do about it; printed on its own line after the message. */
  hint?: string;
  cause?: unknown;
}

/**
 * An error the CLI reports to the user as `virtkit: <message>` plus a hint,
 * then exits with {@link EXIT_CODES.USAGE}. Never thrown for kit failures,
 * which are results, not errors.
 */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly hint?: string;
  readonly exitCode: number = EXIT_CODES.USAGE;

  constructor(code: CliErrorCode, message: string, options: CliErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** True when `value` is a {@link CliError}. */
export function isCliError(value: unknown): value is CliError {
  return value instanceof CliError;
}
