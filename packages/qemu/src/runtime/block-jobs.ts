import { DriverError, TimeoutError } from '@virtkit/core';
import type { QmpEvent } from '../qmp/index.js';
import type { VmProcess } from './vm-process.js';

/** Options of {@link runBlockJob}. */
export interface BlockJobOptions {
  /** The job waits in `ready` for `job-complete` (mirror, active commit): complete it once ready. */
  complete?: boolean;
  /** @defaultValue 10 minutes */
  timeoutMs?: number;
}

/**
 * Start a block job (`start` sends the QMP command) and wait for its end,
 * completing it when it becomes ready (`complete`), as QEMU announces with
 * BLOCK_JOB_READY / BLOCK_JOB_COMPLETED events matched on the job id.
 * @throws `DRIVER_ERROR` when the job fails or is cancelled, `TIMEOUT`
 */
export async function runBlockJob(
  proc: VmProcess,
  jobId: string,
  start: () => Promise<unknown>,
  options: BlockJobOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const ended = (name: string): Promise<QmpEvent<{ device?: string; error?: string }>> => {
    const wait = proc.qmp.waitForEvent<{ device?: string; error?: string }>(name, (e) => e.data.device === jobId, 0);
    wait.catch(() => undefined);
    return wait;
  };
  const completed = ended('BLOCK_JOB_COMPLETED');
  const cancelled = ended('BLOCK_JOB_CANCELLED');
  const ready = options.complete ? ended('BLOCK_JOB_READY') : undefined;
  await start();
  const deadline = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new TimeoutError(`block job ${jobId}`)), timeoutMs).unref();
  });
  deadline.catch(() => undefined);
  const failedEarly = Promise.race([completed, cancelled]).then((e) => {
    throw new DriverError(jobId, `the block job ended early: ${e.data.error ?? e.event}`);
  });
  failedEarly.catch(() => undefined);
  if (ready) {
    await Promise.race([ready, failedEarly, deadline]);
    await proc.execute('job-complete', { id: jobId });
  }
  const end = await Promise.race([
    completed,
    cancelled.then((e) => ({ ...e, data: { ...e.data, error: 'cancelled' } })),
    deadline,
  ]);
  if (end.data.error) throw new DriverError(jobId, `the block job failed: ${end.data.error}`);
}
