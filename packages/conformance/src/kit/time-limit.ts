/** The least time any phase of a kit test gets, however small `testTimeoutMs` is (a real destroy takes a moment). */
export const PHASE_FLOOR_MS = 1_000;
/** How long the runner waits, after a test timed out and its signal was aborted, for the test's promise to settle. */
export const SETTLE_AFTER_TIMEOUT_MS = 2_000;

/** A phase of a kit test (initHost, the test, a cleanup destroy, ...) that did not finish in time. */
export class PhaseTimeoutError extends Error {
  readonly phase: string;
  readonly ms: number;
  constructor(phase: string, ms: number, message = `${phase} did not finish within ${ms} ms`) {
    super(message);
    this.name = 'PhaseTimeoutError';
    this.phase = phase;
    this.ms = ms;
  }
}

/** The time limit of the phases around a test: `testTimeoutMs`, never less than {@link PHASE_FLOOR_MS}. */
export function phaseLimit(testTimeoutMs: number): number {
  return Math.max(testTimeoutMs, PHASE_FLOOR_MS);
}

/**
 * Run `fn` with a time limit. `fn` gets a signal that aborts when the limit is
 * reached (pass it on in the call's context: the SDK then rejects the call
 * with `ABORTED`, and the driver sees it and can stop its work); the returned
 * promise rejects with {@link PhaseTimeoutError} at the limit whether or not
 * `fn` ever settles.
 */
export async function withTimeLimit<T>(
  phase: string,
  ms: number,
  fn: (signal: AbortSignal) => Promise<T> | T,
  message?: string,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new PhaseTimeoutError(phase, ms, message);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => fn(controller.signal)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Wait for `promise` to settle, at most `ms`; true when it settled in time. Never rejects. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
