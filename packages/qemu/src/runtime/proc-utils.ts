import { readdirSync, readFileSync } from 'node:fs';

/** True when a process with this pid exists (and is not a zombie we could reap). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // a zombie still answers kill(0); its state letter says it is gone
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The NUL-separated command line of a process, or undefined when unreadable. */
export function processArgs(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** Send a signal, ignoring a process that is already gone. */
export function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Run `fn` with the event loop held open until it settles. The driver's own waits are unref'd (a
 * QEMU that outlives the driver, a watcher of a taken-over process, must not keep Node running), so
 * an operation someone awaits holds this instead: without it, a plain script awaiting `destroy()` of
 * a detached QEMU would see Node exit half way once the monitor closed.
 */
export async function holdingLoop<T>(fn: () => Promise<T>): Promise<T> {
  const hold = setInterval(() => undefined, 2 ** 31 - 1);
  try {
    return await fn();
  } finally {
    clearInterval(hold);
  }
}

/** Resolve after `ms` (unref'd: never keeps the process alive). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Poll `done` every `intervalMs` until it holds or `timeoutMs` passes; resolves with the last answer. */
export async function pollUntil(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 20,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await done()) return true;
    if (Date.now() >= deadline) return false;
    await delay(intervalMs);
  }
}

/** PIDs of processes whose command line mentions `needle` (for leak checks and takeover). */
export function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const args = processArgs(Number(entry));
    if (args?.some((a) => a.includes(needle)) && pidAlive(Number(entry))) found.push(Number(entry));
  }
  return found;
}
