import {
  AbortedError, InstanceNotFoundError, InvalidStateError, MigrationError, NotFoundError, TimeoutError, isVirtkitError, type CheckCanLiveMigrateDestinationRequest,
  type CheckCanLiveMigrateSourceRequest, type InstanceRequest, type LiveMigrationRequest, type MigrateData, type OperationContext,
  type PreLiveMigrationRequest,
} from '@virtkit/core';
import { sleep } from '../model/clock.js';
import { RecordFlag, type InstanceRecord } from '../model/instance-record.js';
import type { MemoryHost } from '../model/memory-host.js';
import { move } from '../model/placement.js';
import { refuseWhile, refuseWhileStaged } from '../model/state-guards.js';
import { amountsOfInstance, requireAvailable } from './migration-support.js';
import { LiveMigrationRun } from './live-migration-run.js';

/** Destination: can this host take the instance? Returns what the source check and pre-migration need. */
export function checkCanLiveMigrateDestination(host: MemoryHost, req: CheckCanLiveMigrateDestinationRequest): MigrateData {
  requireAvailable(host);
  if (host.store.has(req.instance.uuid)) throw new MigrationError(`instance ${req.instance.uuid} is already on ${host.hostname}`);
  const srcType = req.srcComputeInfo.hypervisorType;
  if (srcType !== undefined && srcType !== 'memory') throw new MigrationError(`cannot take an instance from a ${srcType} hypervisor`);
  const amounts = amountsOfInstance(host, req.instance);
  const short = amounts && host.tracker.shortOf(amounts);
  if (short) throw new MigrationError(`not enough ${short} on ${host.hostname} for instance ${req.instance.uuid}`);
  return {
    blockMigration: req.blockMigration ?? false, diskOverCommit: req.diskOverCommit ?? false,
    isSharedInstancePath: host.fabric.sharedStorage, isSharedBlockStorage: true,
    targetConnectAddr: `memory://${host.hostname}`, driverData: { destHost: host.hostname },
  };
}

/** Source: the instance may leave (running, not rescued, not already leaving, not to itself). */
export function checkCanLiveMigrateSource(host: MemoryHost, req: CheckCanLiveMigrateSourceRequest): MigrateData {
  const record = host.store.require(req.instance.uuid);
  refuseWhile(record, 'liveMigration', RecordFlag.RESCUED);
  refuseWhileStaged(host, record, 'checkCanLiveMigrateSource');
  if (host.liveMigrations.has(record.uuid)) throw new MigrationError(`instance ${record.uuid} is already migrating`);
  if (req.destCheckData.driverData?.destHost === host.hostname) throw new MigrationError('an instance cannot live-migrate to its own host');
  return { ...req.destCheckData, isVolumeBacked: record.diskGb === 0 };
}

/** Destination: hold the instance's resources until it arrives (or the migration is rolled back). Idempotent. */
export function preLiveMigration(host: MemoryHost, req: PreLiveMigrationRequest): MigrateData {
  requireAvailable(host);
  const uuid = req.instance.uuid;
  if (host.store.has(uuid)) throw new MigrationError(`instance ${uuid} is already on ${host.hostname}`);
  if (!host.incoming.has(uuid)) {
    const amounts = amountsOfInstance(host, req.instance);
    if (amounts === undefined) throw new MigrationError(`the size of instance ${uuid} is unknown (no flavor, not on the fabric)`);
    try {
      host.tracker.claim(amounts);
    } catch (error) {
      throw new MigrationError(`cannot hold resources for instance ${uuid} on ${host.hostname}`, { cause: error });
    }
    host.incoming.set(uuid, amounts);
  }
  return { ...req.migrateData, targetConnectAddr: `memory://${host.hostname}`, graphicsListenAddr: '127.0.0.1', serialListenAddr: '127.0.0.1' };
}

/**
 * Source: copy the guest's memory in `migration.steps` rounds, `stepDelayMs`
 * apart (progress after each), then switch it over to the destination, where
 * it keeps its state. Abort (or the context's signal) stops it between rounds
 * and it stays here; force-complete switches over at once.
 * @throws `INVALID_STATE` (the destination was not prepared by `preLiveMigration`),
 *   `ABORTED` (liveMigrationAbort or the signal), `MIGRATION_FAILED` (no such destination, destination refused)
 */
export async function liveMigration(host: MemoryHost, ctx: OperationContext, req: LiveMigrationRequest): Promise<void> {
  const record = host.store.require(req.instance.uuid);
  refuseWhile(record, 'liveMigration', RecordFlag.RESCUED);
  refuseWhileStaged(host, record, 'liveMigration');
  const dest = host.fabric.resolve(req.dest);
  if (dest === undefined || dest === host) throw new MigrationError(`no other memory host named '${req.dest}' on this fabric`);
  if (host.liveMigrations.has(record.uuid)) throw new MigrationError(`instance ${record.uuid} is already migrating`);
  // The protocol's order (docs/contract.md): nothing moves to a destination that holds nothing for it.
  if (!dest.incoming.has(record.uuid)) {
    throw new InvalidStateError({
      instanceUuid: record.uuid, operation: 'liveMigration', state: record.state,
      detail: `destination ${dest.hostname} was not prepared for it: call preLiveMigration there first (after checkCanLiveMigrateDestination and checkCanLiveMigrateSource)`,
    });
  }
  const run = new LiveMigrationRun();
  host.liveMigrations.set(record.uuid, run);
  try {
    await copyMemory(host, ctx, run, record);
    throwIfStopped(ctx, 'liveMigration');
    switchOver(host, dest, record);
  } finally {
    host.liveMigrations.delete(record.uuid);
    run.finish();
  }
}

/** Source: make the running migration converge now. @throws `NOT_FOUND` (none running), `INSTANCE_NOT_FOUND` */
export async function liveMigrationForceComplete(host: MemoryHost, req: InstanceRequest): Promise<void> {
  const run = runOf(host, req.instance.uuid);
  run.force();
  await run.done;
}

/** Source: stop the running migration; resolves once it stopped (the instance stays here). @throws `NOT_FOUND` when none runs */
export async function liveMigrationAbort(host: MemoryHost, req: InstanceRequest): Promise<void> {
  const run = runOf(host, req.instance.uuid);
  run.abort('aborted by request');
  await run.done;
}

/** Destination: give back what a failed migration held here. Idempotent. */
export function rollbackLiveMigrationAtDestination(host: MemoryHost, req: InstanceRequest): void {
  const reserved = host.incoming.get(req.instance.uuid);
  if (reserved !== undefined) {
    host.incoming.delete(req.instance.uuid);
    host.tracker.release(reserved);
  }
  host.firewall.filtered.delete(req.instance.uuid);
}

/** Destination: the instance has arrived; it now belongs here. @throws `INSTANCE_NOT_FOUND` */
export function postLiveMigrationAtDestination(host: MemoryHost, req: InstanceRequest): void {
  host.store.require(req.instance.uuid).set(RecordFlag.INCOMING, false);
}

async function copyMemory(host: MemoryHost, ctx: OperationContext, run: LiveMigrationRun, record: InstanceRecord): Promise<void> {
  const { steps, stepDelayMs } = host.config.migration;
  const onAbort = (): void => run.wake();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  const deadlineTimer = armDeadline(ctx, onAbort);
  try {
    for (let step = 1; step <= steps && !run.forced; step++) {
      if (step === 1) host.ports.failures.check('liveMigration.transfer');
      await sleep(stepDelayMs, (wake) => run.onWake(wake));
      throwIfStopped(ctx, 'liveMigration');
      // Asked to stop: the contract's abort code, not a failure.
      if (run.aborted !== undefined) throw new AbortedError('liveMigration', { cause: new Error(`live migration of instance ${record.uuid}: ${run.aborted}`) });
      const phase = run.forced ? 'switchover' : 'memory';
      ctx.onProgress?.({ percent: Math.min(99, Math.floor((step * 100) / steps)), phase, detail: { step, steps } });
    }
    // A forced run skips the rounds; the caller's abort or deadline still wins over switching over.
    throwIfStopped(ctx, 'liveMigration');
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
    if (deadlineTimer !== undefined) clearTimeout(deadlineTimer);
  }
}

/** Call `wake` when the context's deadline passes (the SDK already answered `TIMEOUT` then). */
export function armDeadline(ctx: OperationContext, wake: () => void): ReturnType<typeof setTimeout> | undefined {
  const { deadline } = ctx;
  if (deadline === undefined || !Number.isFinite(deadline)) return undefined;
  const timer = setTimeout(wake, Math.max(0, Math.min(deadline - Date.now(), 2 ** 31 - 1)));
  timer.unref?.();
  return timer;
}

/** `ABORTED` once the context's signal fired, `TIMEOUT` once its deadline passed: the work must stop, changing nothing more. */
export function throwIfStopped(ctx: OperationContext, op: string): void {
  if (ctx.signal?.aborted) throw new AbortedError(op, { cause: ctx.signal.reason });
  if (ctx.deadline !== undefined && Date.now() >= ctx.deadline) throw new TimeoutError(op);
}

/** Move the record to the destination, using the resources pre-migration held there. */
function switchOver(host: MemoryHost, dest: MemoryHost, record: InstanceRecord): void {
  if (!dest.poweredOn || host.fabric.host(dest.hostname) !== dest) throw new MigrationError(`host ${dest.hostname} went away`);
  const reserved = dest.incoming.get(record.uuid);
  // Rolled back while the memory was copied: nothing waits there any more.
  if (reserved === undefined) throw new MigrationError(`destination ${dest.hostname} no longer holds resources for instance ${record.uuid}`);
  dest.incoming.delete(record.uuid);
  dest.tracker.release(reserved);
  try {
    move(host, dest, record, false);
  } catch (error) {
    dest.tracker.claim(reserved);
    dest.incoming.set(record.uuid, reserved);
    throw isVirtkitError(error, 'MIGRATION_FAILED') ? error : new MigrationError(`host ${dest.hostname} refused instance ${record.uuid}`, { cause: error });
  }
  record.set(RecordFlag.INCOMING, true);
}

function runOf(host: MemoryHost, uuid: string): LiveMigrationRun {
  const run = host.liveMigrations.get(uuid);
  if (run !== undefined) return run;
  if (!host.store.has(uuid)) throw new InstanceNotFoundError(uuid);
  throw new NotFoundError('live migration', uuid);
}

/**
 * Source, after a failed `liveMigration`: give back what pre-migration held
 * for the instance at the destination (as a real destination does when the
 * incoming stream dies), then rethrow `error`. Never fails on its own.
 */
export function releaseDestinationHold(host: MemoryHost, req: LiveMigrationRequest, error: unknown): never {
  const dest = host.fabric.resolve(req.dest);
  if (dest !== undefined && dest !== host && !dest.store.has(req.instance.uuid)) rollbackLiveMigrationAtDestination(dest, req);
  throw error;
}
