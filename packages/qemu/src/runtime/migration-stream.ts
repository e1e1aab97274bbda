import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { AbortedError, DriverError, MigrationError, TimeoutError } from '@virtkit/core';
import { eventOrDelay } from './event-or-delay.js';
import { delay } from './proc-utils.js';
import type { VmProcess } from './vm-process.js';

/** What `query-migrate` reports (the fields the driver reads). */
export interface MigrationInfo {
  status?: string;
  'error-desc'?: string;
  ram?: { total?: number; remaining?: number; transferred?: number };
  /** Once completed: how long the guest was stopped for the switch-over, in ms. */
  downtime?: number;
  /** Once completed: how long the memory phase took, in ms. */
  'total-time'?: number;
}

/** Options of {@link waitForMigration}. */
export interface MigrationWaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called with each poll's answer while the migration is active. */
  onPoll?: (info: MigrationInfo) => void;
  intervalMs?: number;
}

/**
 * Poll `query-migrate` (source or destination side) until the migration
 * completes. A `MIGRATION` event (sent when the `events` migration capability
 * is on) wakes the poll at once; otherwise it runs every `intervalMs`.
 * @throws `DRIVER_ERROR` when it fails or is cancelled, `TIMEOUT`, `ABORTED`
 */
export async function waitForMigration(proc: VmProcess, o: MigrationWaitOptions): Promise<MigrationInfo> {
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    if (o.signal?.aborted) throw new AbortedError('migration', { cause: o.signal.reason });
    // listening before the query: a status change in between still wakes the next round
    const wake = eventOrDelay(proc.qmp, ['MIGRATION'], o.intervalMs ?? 20);
    try {
      const info = await proc.execute<MigrationInfo>('query-migrate');
      if (info.status === 'completed') return info;
      if (info.status === 'failed' || info.status === 'cancelled') {
        throw new DriverError(
          'migration',
          `QEMU reports the migration ${info.status}${info['error-desc'] ? `: ${info['error-desc']}` : ''}`,
        );
      }
      o.onPoll?.(info);
      if (Date.now() > deadline) throw new TimeoutError('migration');
      await wake.wait;
    } finally {
      wake.cancel();
    }
  }
}

/**
 * Gives up on a transfer that stopped moving: {@link StallWatch.check} is fed a counter (bytes moved)
 * at each poll and throws once it has not changed for `timeoutMs`. A TCP stream whose link went down
 * does not fail by itself for many minutes (retransmissions): this is what notices.
 */
export class StallWatch {
  readonly #timeoutMs: number;
  readonly #what: string;
  #last: number | undefined;
  #since = Date.now();

  constructor(timeoutMs: number, what: string) {
    this.#timeoutMs = timeoutMs;
    this.#what = what;
  }

  /** @throws `MIGRATION_FAILED` when `moved` has not changed for the timeout */
  check(moved: number): void {
    const now = Date.now();
    if (moved !== this.#last) {
      this.#last = moved;
      this.#since = now;
      return;
    }
    if (now - this.#since > this.#timeoutMs) {
      throw new MigrationError(
        `the ${this.#what} made no progress for ${Math.round(this.#timeoutMs / 1000)} s ` +
          '(is the link to the destination down?)',
      );
    }
  }
}

/**
 * Receive one migration stream on a unix socket into `file` (mode 0600)
 * while `produce` makes QEMU send it; resolves once both the stream is on
 * disk and `produce` has resolved. The socket is removed afterwards.
 */
export async function receiveToFile(socketPath: string, file: string, produce: () => Promise<void>): Promise<void> {
  await rm(socketPath, { force: true });
  let server: Server | undefined;
  const received = new Promise<void>((resolve, reject) => {
    server = createServer({ allowHalfOpen: false }, (socket: Socket) => {
      server?.close();
      pipeline(socket, createWriteStream(file, { mode: 0o600 })).then(resolve, reject);
    });
    server.once('error', reject);
  });
  await new Promise<void>((resolve, reject) => {
    server!.once('error', reject);
    server!.listen(socketPath, () => resolve());
  });
  try {
    // the stream only ends after QEMU reports completion; wait for both
    await Promise.all([produce(), received]);
  } finally {
    server?.close();
    await rm(socketPath, { force: true });
  }
}

/** Send `file` to a unix socket QEMU listens on (`migrate-incoming`), retrying until it appears. */
export async function sendFile(socketPath: string, file: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const socket = await new Promise<Socket>((resolve, reject) => {
        const s = connect(socketPath, () => resolve(s));
        s.once('error', reject);
      });
      await pipeline(createReadStream(file), socket);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ECONNREFUSED') || Date.now() > deadline) {
        throw new DriverError('resume', `cannot stream the saved state to QEMU: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await delay(20);
    }
  }
}
