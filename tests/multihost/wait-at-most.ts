/**
 * Wait for `done`, at most `ms`; either way the timer is cleared. (A grace timer left armed after the process it
 * waited for exited kept jest running ~20 s after the agent tests: "did not exit one second after the test run".)
 */
export async function waitAtMost(done: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
