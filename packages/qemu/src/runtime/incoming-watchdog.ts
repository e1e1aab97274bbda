import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Kills the QEMU at `$2` (only while its command line still names the instance directory `$1`) once its
 * standard input ends: the driver holds the only write end, so that happens when the driver's process ends,
 * however it ends (SIGKILL included). `read` is a shell builtin: one small process per arriving instance.
 */
const SCRIPT = 'read -r _ || true; if grep -qF -- "$1" "/proc/$2/cmdline" 2>/dev/null; then kill -9 "$2"; fi';

/** Watchdogs of the arriving instances of this process, by instance directory. */
const WATCHDOGS = new Map<string, ChildProcess>();

/**
 * Tie an arriving instance's QEMU (started with `-incoming`, its own process group: it would outlive the
 * driver) to this process: if the driver dies before the migration is finished here
 * (`postLiveMigrationAtDestination`) or rolled back, the QEMU is killed at once. Without this, a destination
 * agent killed mid-migration would leave a QEMU that takes the guest and runs it with nobody to manage it
 * while the source, its stream completed, removes its own copy.
 */
export function armIncomingWatchdog(dir: string, pid: number): void {
  disarmIncomingWatchdog(dir);
  const child = spawn('sh', ['-c', SCRIPT, 'virtkit-incoming-watchdog', dir, String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  // the pipe's write end stays open (never written): its end is this process's end
  child.stdin?.on('error', () => undefined);
  child.on('error', () => undefined);
  // never keeps the driver's process alive
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  WATCHDOGS.set(dir, child);
  void new Promise<void>((resolve) => child.once('exit', () => resolve())).then(() => {
    if (WATCHDOGS.get(dir) === child) WATCHDOGS.delete(dir);
  });
}

/** The instance arrived (or was rolled back): its QEMU no longer dies with this process. Idempotent. */
export function disarmIncomingWatchdog(dir: string): void {
  const child = WATCHDOGS.get(dir);
  if (!child) return;
  WATCHDOGS.delete(dir);
  // SIGKILL: the shell never reaches its kill
  child.kill('SIGKILL');
}

/** True while an arriving instance's QEMU is tied to this process (for tests). */
export function hasIncomingWatchdog(dir: string): boolean {
  return WATCHDOGS.has(dir);
}
