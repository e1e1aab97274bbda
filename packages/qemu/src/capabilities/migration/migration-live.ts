import { existsSync } from 'node:fs';
import {
  AbortedError,
  InvalidStateError,
  isVirtkitError,
  MigrationError,
  type LiveMigrationRequest,
  type MigrateData,
  type OperationContext,
} from '@virtkit/core';
import { StallWatch, waitForMigration, type MigrationInfo } from '../../runtime/migration-stream.js';
import { eventOrDelay } from '../../runtime/event-or-delay.js';
import type { QemuHost } from '../../runtime/qemu-host.js';
import { invalid, SAFE_PATH_PATTERN } from '../../runtime/safe-values.js';
import type { NicSpec } from '../../runtime/vm-meta.js';
import type { VmProcess } from '../../runtime/vm-process.js';
import type { Vm } from '../../runtime/vm.js';
import { qemuData } from './migration-destination.js';
import { replug, unplugUnmigratable } from '../network/vifs.js';

const MIRROR_JOB = 'virtkit-migration-mirror';
const NBD_NODE = 'virtkit-migration-target';
const MIGRATION_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_DOWNTIME_MS = 300;
/** QEMU's events about a block job; each names the job in `data.device`. */
const BLOCK_JOB_EVENTS = ['BLOCK_JOB_READY', 'BLOCK_JOB_CANCELLED', 'BLOCK_JOB_COMPLETED', 'BLOCK_JOB_ERROR'] as const;
type Report = NonNullable<OperationContext['onProgress']>;

/**
 * `_liveMigration`: mirror the root disk into the destination's NBD export
 * (`blockdev-mirror`, write-blocking once in sync), then `migrate` the
 * VM state to the destination (unix socket, or TCP with `migrationTransport: 'tcp'`), reporting progress
 * (`disk` 1-30, `memory` 30-99). On success the source QEMU quits and the
 * instance's directory here is removed (a failure of that cleanup is logged, never reported as a
 * failed migration: the guest already runs on the destination). USB NICs (not migratable) are
 * unplugged before the memory phase and plugged in again by the destination.
 * On failure or abort the source keeps the instance (QEMU resumes a guest
 * that was running, its NICs plugged back).
 * A transfer that makes no progress for `options.migration.progressTimeoutSec` (a link down) is given up.
 * @throws `INVALID_STATE` (the destination was not prepared by `preLiveMigration`), `ABORTED` (liveMigrationAbort
 *   or the signal), `VALIDATION_FAILED` (migrate data), `MIGRATION_FAILED` (no progress; QEMU gave the stream or
 *   the disk mirror up, e.g. the destination's QEMU went away), `DRIVER_ERROR`
 */
export async function liveMigrate(
  host: QemuHost,
  vm: Vm,
  ctx: OperationContext,
  req: LiveMigrationRequest,
): Promise<void> {
  await requirePrepared(vm, req.migrateData);
  const target = migrationTarget(req.migrateData);
  const proc = vm.requireProcess('liveMigration');
  const job = new OutgoingMigration(proc, host.config.migrationMaxBandwidth);
  const report: Report = ctx.onProgress ?? (() => undefined);
  const onAbort = (): void => void job.abort();
  vm.migration = job;
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  let unplugged: NicSpec[] = [];
  const started = Date.now();
  let completed: MigrationInfo | undefined;
  try {
    await vm.busy(async () => {
      await mirrorDisk(
        proc,
        job,
        target.nbd,
        report,
        new StallWatch(host.config.migrationProgressTimeoutMs, 'disk mirror'),
      );
      await job.prepareMemory();
      // QEMU cannot send usb-net: those NICs leave now, the destination plugs them in on arrival
      unplugged = await unplugUnmigratable(vm);
      await job.startMemory(target.uri);
      const stall = new StallWatch(host.config.migrationProgressTimeoutMs, 'memory transfer');
      completed = await waitForMigration(proc, {
        timeoutMs: MIGRATION_TIMEOUT_MS,
        onPoll: (info) => {
          const sent = info.ram?.transferred ?? 0;
          // a paused-by-abort or stalled stream: given up, the guest keeps running here
          if (info.status === 'active') stall.check(sent);
          const left = info.ram?.remaining ?? 0;
          report({ percent: 30 + Math.floor((69 * sent) / Math.max(1, sent + left)), phase: 'memory' });
        },
      }).catch((error: unknown) => {
        // QEMU gave the stream up (the destination closed it: its QEMU or host went away): the migration failed
        throw isVirtkitError(error, 'DRIVER_ERROR')
          ? new MigrationError(`the migration stream failed: ${error.message}`, { cause: error })
          : error;
      });
    });
  } catch (error) {
    const failedAt = Date.now();
    await job.undo();
    vm.log.warn('live migration failed; the instance stays here', {
      instanceUuid: vm.uuid,
      error: String(error),
      afterMs: failedAt - started,
      undoMs: Date.now() - failedAt,
    });
    if (proc.alive) {
      await replug(vm, unplugged).catch((e) =>
        vm.log.warn('cannot plug a NIC back after a failed live migration', {
          instanceUuid: vm.uuid,
          error: String(e),
        }),
      );
    }
    if (job.aborted) throw new AbortedError('liveMigration', { cause: error });
    throw error;
  } finally {
    vm.migration = undefined;
    ctx.signal?.removeEventListener('abort', onAbort);
  }
  // QEMU's own figures of the switch-over, for operators (and the multi-host tests' report)
  completed = await finalFigures(proc, completed);
  const figures = {
    totalMs: Date.now() - started,
    memoryPhaseMs: completed?.['total-time'],
    downtimeMs: completed?.downtime,
  };
  vm.log.info('live migration completed', { instanceUuid: vm.uuid, ...figures });
  // the same figures for the caller, who may be on another host (a remote driver): the last report before 100
  report({ percent: 99, phase: 'switched-over', detail: figures });
  await leaveSource(host, vm, proc);
}

/**
 * QEMU marks a migration completed a moment before it computes its total time and downtime (a query in
 * between reads zeros): ask again, briefly, until they are there. Best effort: figures only.
 */
async function finalFigures(proc: VmProcess, info: MigrationInfo | undefined): Promise<MigrationInfo | undefined> {
  for (let i = 0; i < 25 && proc.alive && !info?.['total-time']; i++) {
    await new Promise((r) => setTimeout(r, 20));
    info = await proc.execute<MigrationInfo>('query-migrate').catch(() => info);
  }
  return info;
}

/**
 * The migration completed: the guest runs on the destination. What is left here is cleanup (end the
 * mirror, stop the source QEMU, remove the directory), and a failure of it is not a failed migration:
 * reporting one would make the caller roll back the destination, the only running copy. Failures are
 * logged; the source QEMU is killed if it does not quit (it must never run the guest again).
 */
async function leaveSource(host: QemuHost, vm: Vm, proc: VmProcess): Promise<void> {
  const warn =
    (step: string) =>
    (error: unknown): void =>
      vm.log.warn(`live migration completed, but ${step} failed on the source`, {
        instanceUuid: vm.uuid,
        error: String(error),
      });
  await vm.busy(async () => {
    await finishMirror(proc).catch(warn('ending the disk mirror'));
    await vm.stopProcess('quit').catch(async (error: unknown) => {
      warn('stopping the source QEMU')(error);
      await proc.kill();
    });
  });
  await host.remove(vm).catch(warn('removing the instance directory'));
}

/**
 * The protocol's order (docs/contract.md): the destination's addresses come
 * from its `preLiveMigration`; without them (or with its unix sockets gone,
 * rolled back) nothing listens there for this instance.
 * @throws `INVALID_STATE` naming the missing step
 */
async function requirePrepared(vm: Vm, data: MigrateData | undefined): Promise<void> {
  const uri = data?.targetConnectAddr;
  const nbd = qemuData(data).nbd;
  const missing = uri === undefined && nbd === undefined;
  const gone = [uri, nbd].some(
    (a) =>
      typeof a === 'string' && a.startsWith('unix:') && SAFE_PATH_PATTERN.test(a.slice(5)) && !existsSync(a.slice(5)),
  );
  if (!missing && !gone) return;
  throw new InvalidStateError({
    instanceUuid: vm.uuid,
    operation: 'liveMigration',
    state: await vm.powerState(),
    detail: missing
      ? 'the destination was not prepared: call preLiveMigration there (after the destination and source checks) ' +
        'and pass the migrate data it returns'
      : 'the destination is no longer prepared (rolled back?): call preLiveMigration there again',
  });
}

/**
 * Where the destination listens, from pre-migration's data; only the forms this driver's destination hands out are
 * accepted.
 */
function migrationTarget(data: MigrateData | undefined): { uri: string; nbd: string } {
  const uri = data?.targetConnectAddr ?? '';
  const nbd = qemuData(data).nbd ?? '';
  if (!isAddress(uri, '/migrate.sock'))
    throw invalid('migrateData.targetConnectAddr', 'must be the address preLiveMigration returned');
  if (!isAddress(nbd, '/nbd.sock'))
    throw invalid('migrateData.driverData.qemu.nbd', 'must be the NBD address preLiveMigration returned');
  return { uri, nbd };
}

/** `unix:<safe path ending in socketName>` or `tcp:<IPv4 or host name>:<port>`. */
function isAddress(uri: unknown, socketName: string): uri is string {
  if (typeof uri !== 'string') return false;
  if (uri.startsWith('unix:')) return SAFE_PATH_PATTERN.test(uri.slice(5)) && uri.endsWith(socketName);
  const [, host, port] = uri.match(/^tcp:([A-Za-z0-9][A-Za-z0-9.-]{0,253}):(\d{1,5})$/) ?? [];
  return host !== undefined && Number(port) > 0 && Number(port) < 65536;
}

/** One outgoing migration: its phase, and what abort, force-complete and undo do in that phase. */
class OutgoingMigration {
  aborted = false;
  #forced = false;
  #phase: 'disk' | 'memory' = 'disk';
  readonly #proc: VmProcess;
  /** `options.migration.maxBandwidthBytesPerSec`: the mirror's `speed` and the memory phase's `max-bandwidth`. */
  readonly cap: number | undefined;
  /** QEMU's `max-bandwidth` before the driver capped it, put back by force complete and undo. */
  #previousBandwidth: number | undefined;
  constructor(proc: VmProcess, cap: number | undefined) {
    this.#proc = proc;
    this.cap = cap;
  }

  get forced(): boolean {
    return this.#forced;
  }

  check(): void {
    if (this.aborted) throw new AbortedError('liveMigration');
  }

  /** Before `migrate` (still in the disk phase for abort): MIGRATION events on, the bandwidth cap set. */
  async prepareMemory(): Promise<void> {
    this.check();
    await this.#proc.execute('migrate-set-capabilities', { capabilities: [{ capability: 'events', state: true }] });
    if (this.cap === undefined || this.#forced) return;
    const params = await this.#proc.execute<{ 'max-bandwidth'?: number }>('query-migrate-parameters');
    this.#previousBandwidth = params['max-bandwidth'];
    await this.#proc.execute('migrate-set-parameters', { 'max-bandwidth': this.cap });
  }

  async startMemory(uri: string): Promise<void> {
    this.check();
    this.#phase = 'memory';
    if (this.#forced) await this.#allowLongDowntime();
    await this.#proc.execute('migrate', { uri });
  }

  /** Cancel the step in progress; the migration call then fails with `ABORTED`. */
  async abort(): Promise<void> {
    this.aborted = true;
    if (this.#phase === 'memory') await this.#proc.execute('migrate_cancel').catch(() => undefined);
    else await this.#proc.execute('block-job-cancel', { device: MIRROR_JOB, force: true }).catch(() => undefined);
  }

  /**
   * Converge now: lift the bandwidth cap and allow the switch-over whatever the downtime (the guest keeps running until
   * then).
   */
  async forceComplete(): Promise<void> {
    this.#forced = true;
    if (this.#phase === 'memory') await this.#allowLongDowntime();
    else if (this.cap !== undefined)
      await this.#proc.execute('block-job-set-speed', { device: MIRROR_JOB, speed: 0 }).catch(() => undefined);
  }

  /** After a failure: no mirror, no NBD client, the default downtime. */
  async undo(): Promise<void> {
    if (!this.#proc.alive) return;
    await this.#proc.execute('migrate_cancel').catch(() => undefined);
    // Drop the connections to the destination at once (QEMU's `yank`): over a link that went down, the NBD
    // client's requests would hang for minutes, and deleting its node waits for them with QEMU's monitor
    // (and the guest's I/O) blocked. A node or migration with nothing to yank answers an error: ignored.
    await this.#proc
      .execute('yank', { instances: [{ type: 'block-node', 'node-name': NBD_NODE }] })
      .catch(() => undefined);
    await this.#proc.execute('yank', { instances: [{ type: 'migration' }] }).catch(() => undefined);
    await cancelMirror(this.#proc, true);
    await this.#proc.execute('blockdev-del', { 'node-name': NBD_NODE }).catch(() => undefined);
    await this.#proc
      .execute('migrate-set-parameters', { 'downtime-limit': DEFAULT_DOWNTIME_MS, ...this.#uncapped() })
      .catch(() => undefined);
  }

  #allowLongDowntime(): Promise<unknown> {
    return this.#proc.execute('migrate-set-parameters', { 'downtime-limit': 60_000, ...this.#uncapped() });
  }

  /** QEMU's own `max-bandwidth` again, when the driver capped it. */
  #uncapped(): Record<string, number> {
    return this.#previousBandwidth === undefined ? {} : { 'max-bandwidth': this.#previousBandwidth };
  }
}

async function mirrorDisk(
  proc: VmProcess,
  job: OutgoingMigration,
  nbd: string,
  report: Report,
  stall: StallWatch,
): Promise<void> {
  job.check();
  const [, host, port] = nbd.match(/^tcp:(.+):(\d+)$/) ?? [];
  const server = host ? { type: 'inet', host, port } : { type: 'unix', path: nbd.slice(5) };
  await proc.execute('blockdev-add', { driver: 'nbd', 'node-name': NBD_NODE, server, export: 'root' });
  const speed = job.cap !== undefined && !job.forced ? { speed: job.cap } : {};
  await proc.execute('blockdev-mirror', {
    'job-id': MIRROR_JOB,
    device: 'root',
    target: NBD_NODE,
    sync: 'top',
    'copy-mode': 'write-blocking',
    ...speed,
  });
  report({ percent: 1, phase: 'disk' });
  for (;;) {
    job.check();
    // listening before the query: READY (or the job's end) arriving in between still wakes the next round
    const wake = mirrorEvent(proc, 10);
    try {
      const mirror = (
        await proc.execute<{ device: string; ready: boolean; offset: number; len: number }[]>('query-block-jobs')
      ).find((j) => j.device === MIRROR_JOB);
      // the job ends early when its target (the destination's NBD export) goes away
      if (!mirror) throw new MigrationError('the disk mirror ended before it was in sync (the destination went away?)');
      report({ percent: 1 + Math.floor((29 * mirror.offset) / Math.max(1, mirror.len)), phase: 'disk' });
      if (mirror.ready) return;
      stall.check(mirror.offset);
      await wake.wait;
    } finally {
      wake.cancel();
    }
  }
}

/** The next event about the mirror job, or `ms` (polling stays the fallback). */
function mirrorEvent(proc: VmProcess, ms: number): ReturnType<typeof eventOrDelay> {
  return eventOrDelay(proc.qmp, BLOCK_JOB_EVENTS, ms, (e) => e.data.device === MIRROR_JOB);
}

/** The VM is stopped and its state sent: end the mirror without switching the source to it, and drop the NBD client. */
async function finishMirror(proc: VmProcess): Promise<void> {
  await cancelMirror(proc, false);
  await proc.execute('blockdev-del', { 'node-name': NBD_NODE });
}

async function cancelMirror(proc: VmProcess, force: boolean): Promise<void> {
  await proc.execute('block-job-cancel', { device: MIRROR_JOB, force }).catch(() => undefined);
  for (let i = 0; i < 500; i++) {
    const wake = mirrorEvent(proc, 10);
    try {
      const jobs = await proc.execute<{ device: string }[]>('query-block-jobs');
      if (!jobs.some((j) => j.device === MIRROR_JOB)) return;
      await wake.wait;
    } finally {
      wake.cancel();
    }
  }
}
