import { execFile } from 'node:child_process';
import { DriverError } from '@virtkit/core';

/** Longest wait for one `ip` command (they answer in milliseconds; a hung one must not hang the driver). */
const IP_TIMEOUT_MS = 10_000;

/**
 * Run iproute2's `ip` with `args`, inside network namespace `netns` when one is given
 * (`ip -n <netns> ...`). Arguments go to `execFile` as a list: no shell ever sees them.
 * @returns its standard output
 * @throws `DRIVER_ERROR` with `ip`'s own message when it fails
 */
export function ipCommand(netns: string | undefined, args: readonly string[], operation: string): Promise<string> {
  const full = netns === undefined ? [...args] : ['-n', netns, ...args];
  return new Promise((resolve, reject) => {
    execFile('ip', full, { timeout: IP_TIMEOUT_MS, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const detail = String(stderr).trim() || error.message;
      reject(new DriverError(operation, `ip ${full.join(' ')}: ${detail}`, { cause: error }));
    });
  });
}

/**
 * The command that runs `binary args` in the network namespace `netns` (`ip netns exec`, which
 * execs: the pid spawned is the program's own), or the command unchanged without one.
 */
export function inNetns(
  netns: string | undefined,
  binary: string,
  args: readonly string[],
): { binary: string; args: string[] } {
  if (netns === undefined) return { binary, args: [...args] };
  return { binary: 'ip', args: ['netns', 'exec', netns, binary, ...args] };
}
