import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable on PATH, or undefined. */
export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned QEMU with its exit promise and captured stderr. */
export interface QemuProcess {
  child: ChildProcess;
  exited: Promise<ProcessExit>;
  /** True once the process has exited. */
  readonly hasExited: boolean;
  stderr(): string;
  /** SIGKILL if still running; resolves when gone. Safe to call repeatedly. */
  kill(): Promise<ProcessExit>;
}

/** Spawns `binary args` with stdin ignored and stderr captured. */
export function spawnQemu(binary: string, args: string[]): QemuProcess {
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let hasExited = false;
  child.stderr?.on('data', (chunk) => (stderr += chunk.toString()));
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
    });
    child.once('error', () => {
      hasExited = true;
      resolve({ code: null, signal: null });
    });
  });
  return {
    child,
    exited,
    get hasExited() {
      return hasExited;
    },
    stderr: () => stderr,
    kill: () => {
      if (!hasExited) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Resolves with the exit, or with `undefined` if the process still runs after `ms`. */
export function exitWithin(proc: QemuProcess, ms: number): Promise<ProcessExit | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([proc.exited, timeout]).finally(() => clearTimeout(timer));
}
