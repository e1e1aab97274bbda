/** A test function like `it`; when skipped, the reason is part of the test's name. */
export type TestFn = (name: string, fn: jest.ProvidesCallback, timeout?: number) => void;

/**
 * `it` when `reason` is undefined; otherwise `it.skip` with the reason appended
 * to each test name and printed once to stderr, so a skip is never silent.
 */
export function itUnless(reason: string | undefined, what: string): TestFn {
  if (reason === undefined) return it;
  const message = `SKIPPED ${what}: ${reason}`;
  // straight to stderr: jest may drop the console output of a fully skipped file
  process.stderr.write(`${message}\n`);
  return (name, fn, timeout) => it.skip(`${name} [skipped: ${reason}]`, fn, timeout);
}
