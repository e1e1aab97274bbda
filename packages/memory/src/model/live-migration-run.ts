/**
 * One live migration in flight on its source host: what abort and
 * force-complete act on (they are not queued behind the migration).
 */
export class LiveMigrationRun {
  /** Why it was aborted, once it was. */
  aborted: string | undefined = undefined;
  forced = false;
  /** Settles when the migration loop has ended, either way. */
  readonly done: Promise<void>;
  #finish!: () => void;
  #wake: (() => void) | undefined;

  constructor() {
    this.done = new Promise<void>((resolve) => {
      this.#finish = resolve;
    });
  }

  /** Stop at the next round; the instance stays on the source. */
  abort(reason: string): void {
    this.aborted ??= reason;
    this.wake();
  }

  // Forcing or waking only shortens the rounds: timing, which no kit test may assert (the run completes either way).
  // Stryker disable all: equivalent (above)
  /** Switch over at once. */
  force(): void {
    this.forced = true;
    this.wake();
  }

  /** End the current wait early. */
  wake(): void {
    this.#wake?.();
  }

  /** Remember how to end the current wait. */
  onWake(wake: () => void): void {
    this.#wake = wake;
  }
  // Stryker restore all

  /** The loop ended. */
  finish(): void {
    this.#wake = undefined;
    this.#finish();
  }
}
