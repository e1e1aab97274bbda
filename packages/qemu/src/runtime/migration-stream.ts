import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { AbortedError, DriverError, TimeoutError } from '@virtkit/core';
import { eventOrDelay } from './event-or-delay.js';
import { delay } from './proc-utils.js';
import type { VmProcess } from './vm-process.js';

/** What `query-migrate` reports (the fields the driver reads). */
export interface MigrationInfo {
  status?: string;
  'error-desc'?: string;
  ram?: { total?: number; remaining?: number; transferred?: number };
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
        throw new DriverError('migration', `QEMU reports the migration ${info.status}${info['error-desc'] ? `: ${info['error-desc']}` : ''}`);
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
        throw new DriverError('resume', `cannot stream the saved state to QEMU: ${(error as Error).message}`, { cause: error });
      }
      await delay(20);
    }
  }
}
