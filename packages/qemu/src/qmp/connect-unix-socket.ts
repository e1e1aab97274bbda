import { createConnection, type Socket } from 'node:net';
import { QmpAbortedError, QmpClosedError, QmpTimeoutError } from './qmp-errors.js';

/** Options of {@link connectUnixSocket}. */
export interface ConnectUnixSocketOptions {
  /** Give up this many milliseconds after the first attempt. */
  timeoutMs: number;
  /** Pause between attempts. */
  retryIntervalMs: number;
  signal?: AbortSignal;
}

/** Errors that mean "QEMU has not created or is not yet listening on the socket": retry them. */
const RETRYABLE = new Set(['ENOENT', 'ECONNREFUSED', 'EAGAIN']);

/**
 * Connects to a unix socket, retrying while it is missing or refuses, until
 * the deadline.
 * @throws `TIMEOUT` when the deadline passes (cause: the last connect error).
 * @throws `QMP_CLOSED` on a non-retryable error such as EACCES.
 * @throws `ABORTED` when the signal fires.
 */
export async function connectUnixSocket(path: string, options: ConnectUnixSocketOptions): Promise<Socket> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (options.signal?.aborted) throw new QmpAbortedError('connect', { cause: options.signal.reason });
    try {
      return await attempt(path);
    } catch (error) {
      lastError = error;
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!RETRYABLE.has(code))
        throw new QmpClosedError(`cannot connect to QMP socket ${path}: ${code}`, { cause: error });
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new QmpTimeoutError('connect', options.timeoutMs, { cause: lastError });
    await sleep(Math.min(options.retryIntervalMs, remaining), options.signal);
  }
}

function attempt(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const onError = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
