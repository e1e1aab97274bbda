import type { TextSink } from './cli-io.js';
import { CliError } from './errors/cli-error.js';

/** Which of the process's output streams. */
export type OutputStreamName = 'stdout' | 'stderr';

/** A stream the CLI writes to: `process.stdout` / `process.stderr`, or a test double. */
export interface OutputStream extends TextSink {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** How {@link guardOutput} ends the process. */
export interface OutputGuardControl {
  /** End the process with this exit code (`process.exit`). */
  exit(code: number): void;
  /** The exit code so far (`process.exitCode`), if one was set. */
  exitCode(): number | undefined;
}

/** True for the error of a write to a pipe whose reader has gone (`virtkit contract | head -1`). */
function isBrokenPipe(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EPIPE';
}

/** The `OUTPUT_FAILED` error for a failed write to one of the process's streams. */
function outputFailed(name: OutputStreamName, error: unknown): CliError {
  const detail = error instanceof Error ? error.message : String(error);
  return new CliError('OUTPUT_FAILED', `cannot write to ${name}: ${detail}`, {
    hint:
      name === 'stdout'
        ? 'check where stdout goes (a full disk, a closed terminal), or use --out where the command has it'
        : 'check where stderr goes',
    cause: error,
  });
}

/**
 * A sink writing to one of the process's streams. A write that throws (a
 * destroyed stream) becomes an `OUTPUT_FAILED` {@link CliError}, which `main`
 * reports like any other; errors a stream reports later, as `'error'` events,
 * are {@link guardOutput}'s.
 */
export function streamSink(stream: TextSink, name: OutputStreamName): TextSink {
  return {
    write(chunk: string): unknown {
      try {
        return stream.write(chunk);
      } catch (error) {
        throw outputFailed(name, error);
      }
    },
  };
}

/**
 * Handle the `'error'` events of the process's output streams, which would
 * otherwise crash the CLI with an unhandled error and a stack trace. A broken
 * pipe (the reader is gone: `virtkit contract | head -1`) ends the process
 * quietly with the exit code so far, or 0; any other failure is reported on
 * stderr (when stderr is not the stream that failed) as `OUTPUT_FAILED`, and
 * ends the process with that error's exit code. Only the first error is handled.
 */
export function guardOutput(
  streams: { stdout: OutputStream; stderr: OutputStream },
  control: OutputGuardControl,
): void {
  let handled = false;
  const onError =
    (name: OutputStreamName) =>
    (error: Error): void => {
      if (handled) return;
      handled = true;
      if (isBrokenPipe(error)) {
        control.exit(control.exitCode() ?? 0);
        return;
      }
      const failure = outputFailed(name, error);
      if (name !== 'stderr') {
        try {
          streams.stderr.write(`virtkit: error: ${failure.message}\n`);
          if (failure.hint) streams.stderr.write(`virtkit: hint: ${failure.hint}\n`);
        } catch {
          // stderr is gone too: the exit code is all that is left to say it
        }
      }
      control.exit(failure.exitCode);
    };
  streams.stdout.on('error', onError('stdout'));
  streams.stderr.on('error', onError('stderr'));
}
