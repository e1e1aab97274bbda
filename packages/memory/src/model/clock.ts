const ORIGIN = performance.now();

/**
 * Milliseconds since this module was loaded. Records store times as these
 * small integers (V8 small integers, no boxed doubles), which keeps them compact.
 */
export function nowMs(): number {
  return Math.floor(performance.now() - ORIGIN);
}

/** Resolve after `ms` milliseconds, or at once when `wake` is called first. */
export function sleep(ms: number, onTimer?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    onTimer?.(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
