import {
  AbortedError,
  InstanceNotFoundError,
  InvalidStateError,
  MigrationError,
  NotFoundError,
  isVirtkitError,
  type LiveMigrationRequest,
  type OperationContext as Ctx,
} from '@virtkit/core';
import { armDeadline, throwIfStopped } from '../model/call-deadline.js';
import { sleep } from '../model/clock.js';
import { RecordFlag, type InstanceRecord } from '../model/instance-record.js';
import { LiveMigrationRun } from '../model/live-migration-run.js';
import type { MemoryHost } from '../model/memory-host.js';
import { move } from '../model/placement.js';
import { refuseWhile, refuseWhileStaged } from '../model/state-guards.js';

// A live migration's run on the source (migration.ts holds the hooks): the checks, the memory copied in rounds
// that abort, force-complete, the signal and the deadline can stop, and the switch-over to the destination.

/** The live migration's work on the source: checks, the memory rounds, the switch-over. */
export async function migrateLive(host: MemoryHost, ctx: Ctx, req: LiveMigrationRequest): Promise<void> {
  const record = host.store.require(req.instance.uuid);
  refuseWhile(record, 'liveMigration', RecordFlag.RESCUED);
  refuseWhileStaged(host, record, 'liveMigration');
  const dest = host.fabric.resolve(req.dest);
  // Without this check the call is refused all the same (nothing was prepared there: INVALID_STATE, which the
  // contract names for an unprepared destination).
  // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: equivalent (above)
  if (dest === undefined || dest === host) {
    throw new MigrationError(`no other memory host named '${req.dest}' on this fabric`);
  }
  // The SDK queues calls on one instance behind a running liveMigration, so a second one never gets here while it runs.
  // Stryker disable next-line ConditionalExpression: equivalent (above)
  if (host.liveMigrations.has(record.uuid)) throw new MigrationError(`instance ${record.uuid} is already migrating`);
  // The protocol's order (docs/contract.md): nothing moves to a destination that holds nothing for it.
  if (!dest.incoming.has(record.uuid)) {
    throw new InvalidStateError({
      instanceUuid: record.uuid,
      operation: 'liveMigration',
      state: record.state,
      detail:
        `destination ${dest.hostname} was not prepared for it: call preLiveMigration there first ` +
        '(after checkCanLiveMigrateDestination and checkCanLiveMigrateSource)',
    });
  }
  const run = new LiveMigrationRun();
  host.liveMigrations.set(record.uuid, run);
  try {
    await copyMemory(host, ctx, run, record);
    // Stryker disable next-line StringLiteral: the operation name is error wording
    throwIfStopped(ctx, 'liveMigration');
    switchOver(host, dest, record);
  } finally {
    host.liveMigrations.delete(record.uuid);
    run.finish();
  }
}

async function copyMemory(host: MemoryHost, ctx: Ctx, run: LiveMigrationRun, record: InstanceRecord): Promise<void> {
  const stopWaking = wakeOnStop(ctx, run);
  // A listener or timer left on a finished run only wakes a wait that is over: no call can see it.
  // Stryker disable next-line all: equivalent (above)
  await copyRounds(host, ctx, run, record).finally(stopWaking);
}

/** The memory copied in rounds (progress after each) until done, forced, aborted or stopped by the caller. */
async function copyRounds(host: MemoryHost, ctx: Ctx, run: LiveMigrationRun, record: InstanceRecord): Promise<void> {
  const { steps, stepDelayMs } = host.config.migration;
  // Stryker disable next-line EqualityOperator: equivalent (the number of rounds is configuration)
  for (let step = 1; step <= steps && !run.forced; step++) {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent (an armed failure fires once)
    if (step === 1) host.ports.failures.check('liveMigration.transfer');
    // Waking a round early only shortens it: the round ends and the stop lands then (no kit test may assert speed).
    // Stryker disable next-line ArrowFunction: timing only (above)
    await sleep(stepDelayMs, (wake) => run.onWake(wake));
    // Stryker disable next-line StringLiteral: the operation name is error wording
    throwIfStopped(ctx, 'liveMigration');
    // Asked to stop: the contract's abort code, not a failure.
    if (run.aborted !== undefined) {
      const cause = new Error(`live migration of instance ${record.uuid}: ${run.aborted}`);
      // Stryker disable next-line ObjectLiteral: the cause is not part of the contract
      throw new AbortedError('liveMigration', { cause });
    }
    // The contract fixes progress as 0 first, never down, 100 last (the SDK sends both ends); the percentages
    // between, the phase names and the details are the driver's.
    // Stryker disable next-line all: free within the contract (above)
    const phase = run.forced ? 'switchover' : 'memory';
    // Stryker disable next-line ObjectLiteral: free within the contract (above)
    const detail = { step, steps };
    // Stryker disable next-line ArithmeticOperator,MethodExpression,OptionalChaining: free (above)
    ctx.onProgress?.({ percent: Math.min(99, Math.floor((step * 100) / steps)), phase, detail });
  }
  // A forced run skips the rounds; the caller's abort or deadline still wins over switching over.
  // Stryker disable next-line StringLiteral: the operation name is error wording
  throwIfStopped(ctx, 'liveMigration');
}

/**
 * Wake the current round early when the caller's signal aborts or its deadline passes (the stop then lands at
 * once); returns what undoes it.
 */
// Stryker disable all: timing only (waking a round early only shortens it) and an undo that is equivalent (copyMemory)
function wakeOnStop(ctx: Ctx, run: LiveMigrationRun): () => void {
  const onAbort = (): void => run.wake();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  const deadlineTimer = armDeadline(ctx, onAbort);
  return () => {
    ctx.signal?.removeEventListener('abort', onAbort);
    if (deadlineTimer !== undefined) clearTimeout(deadlineTimer);
  };
}
// Stryker restore all

/** Move the record to the destination, using the resources pre-migration held there. */
function switchOver(host: MemoryHost, dest: MemoryHost, record: InstanceRecord): void {
  if (!dest.poweredOn) throw new MigrationError(`host ${dest.hostname} was powered off`);
  // A destination gone from the fabric (its driver closed during the copy) is out of the kit's reach: no kit test
  // closes a pair's driver in the middle of a test.
  // Stryker disable next-line ConditionalExpression: out of the kit's reach (above)
  if (host.fabric.host(dest.hostname) !== dest) throw new MigrationError(`host ${dest.hostname} went away`);
  const reserved = dest.incoming.get(record.uuid);
  // Rolled back while the memory was copied: nothing waits there any more. (Without the check, releasing nothing
  // crashes into MIGRATION_FAILED, the SDK's answer to an unexpected error in a migration call: the same to a caller.)
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent (above)
  if (reserved === undefined) {
    throw new MigrationError(`destination ${dest.hostname} no longer holds resources for instance ${record.uuid}`);
  }
  dest.incoming.delete(record.uuid);
  dest.tracker.release(reserved);
  // The move fails only when the destination has another instance of that name, a rule of this driver's (the contract
  // does not make names unique), so no kit test makes one (the catch below).
  // Stryker disable all: out of the kit's reach (above)
  try {
    move(host, dest, record, false);
  } catch (error) {
    dest.tracker.claim(reserved);
    dest.incoming.set(record.uuid, reserved);
    if (isVirtkitError(error, 'MIGRATION_FAILED')) throw error;
    throw new MigrationError(`host ${dest.hostname} refused instance ${record.uuid}`, { cause: error });
  }
  // Stryker restore all
  // Stryker disable next-line BooleanLiteral: memory-only state (no public call reads the arrival flag)
  record.set(RecordFlag.INCOMING, true);
}

/** The live migration running for the instance. @throws `NOT_FOUND` (none), `INSTANCE_NOT_FOUND` */
export function runOf(host: MemoryHost, uuid: string): LiveMigrationRun {
  const run = host.liveMigrations.get(uuid);
  if (run !== undefined) return run;
  if (!host.store.has(uuid)) throw new InstanceNotFoundError(uuid);
  throw new NotFoundError('live migration', uuid);
}
