import { streamSink } from './output-guard.js';

/** Something text can be written to: a stream, or a test's capture buffer. */
export interface TextSink {
  write(chunk: string): unknown;
}

/**
 * Where the CLI reads its environment and writes its output. `main` takes one
 * so tests run commands in-process and capture what they print.
 *
 * @example
 * ```ts
 * let out = '';
 * const code = await main(['node', 'virtkit', 'contract', '--json'], {
 *   stdout: { write: (s) => (out += s) }, stderr: { write: () => true },
 * });
 * ```
 */
export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Whether stdout is a terminal (colours are used only then). @defaultValue false */
  isTTY?: boolean;
  /** Environment variables (`NO_COLOR`). @defaultValue `process.env` */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory driver packages and relative paths are resolved from. @defaultValue `process.cwd()` */
  cwd?: string;
}

/**
 * The IO of the running process. A write that fails at once is reported as an
 * `OUTPUT_FAILED` error; the executable also handles the streams' later
 * `'error'` events (a closed pipe ends the CLI quietly).
 */
export function processIo(): CliIo {
  return {
    stdout: streamSink(process.stdout, 'stdout'),
    stderr: streamSink(process.stderr, 'stderr'),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Whether output may be coloured: only on a terminal, and never when
 * `NO_COLOR` is set to a non-empty value (https://no-color.org).
 */
export function colorEnabled(io: CliIo): boolean {
  const env = io.env ?? process.env;
  return io.isTTY === true && !env.NO_COLOR;
}

/** Write one line (a newline is appended). */
export function writeLine(sink: TextSink, line = ''): void {
  sink.write(`${line}\n`);
}
