// The global `performance`, read on each use, not node:perf_hooks' binding: test frameworks' fake timers (jest's
// `useFakeTimers`) replace the global, and callers running this driver as a test double expect its CPU time and
// uptime to follow their faked clock. The module binding is ~10 ns a read cheaper (issue 16, eighth pass); kept out
// for that reason (test: memory/tests/fake-timers.test.ts).
const ORIGIN = performance.now();

/**
 * Milliseconds since this module was loaded. Records store times as these
 * small integers (V8 small integers, no boxed doubles), which keeps them compact.
 */
export function nowMs(): number {
  // Stryker disable next-line ArithmeticOperator: an offset clock is equivalent: the driver keeps differences of two
  // readings, and only the console log's stamps (content, the driver's) show its absolute value
  return Math.floor(performance.now() - ORIGIN);
}

/** Resolve after `ms` milliseconds, or at once when `wake` (handed to `onTimer`) is called first. */
export function sleep(ms: number, onTimer: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // Stryker disable next-line BlockStatement: timing only: a wake that does nothing lets the wait run its `ms`; the
    // caller checks for a stop after every wait (call-deadline.ts), so the outcome is the same
    onTimer(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
