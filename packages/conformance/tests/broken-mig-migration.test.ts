/**
 * Broken variants of @virtkit/memory in the staged cold-migration paths and the live-migration data (issue #10, the
 * migration mutants): each one plausible bug away from the correct driver, each caught by the kit test whose name
 * says what was wrong. The correct memory driver passes the same suites.
 */
import {
  MigrationError,
  type CheckCanLiveMigrateDestinationRequest,
  type CheckCanLiveMigrateSourceRequest,
  type FinishMigrationRequest,
  type FinishRevertMigrationRequest,
  type InstanceDiskInfo,
  type InstanceRequest,
  type MigrateData,
  type OperationContext as Ctx,
  type PreLiveMigrationRequest,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { expectCaught, expectNoFalseAlarm, type BrokenDriver } from './broken/broken-driver';

/** A retried finishMigration (the first answer was lost) is refused: the driver does not recognise its own work. */
class RetriedFinishRefused extends MemoryDriver {
  protected override async _finishMigration(c: Ctx, r: FinishMigrationRequest): Promise<void> {
    const host = this.hostFor('finishMigration');
    const staged = host.fabric.staged(r.instance.uuid);
    if (host.store.has(r.instance.uuid) && staged !== undefined && staged.source !== host.hostname) {
      throw new MigrationError(`instance ${r.instance.uuid} is already here`);
    }
    return super._finishMigration(c, r);
  }
}

/** A revert after finishMigration gives the source back the old size as if it had been resized in place. */
class CrossHostRevertResizesSource extends MemoryDriver {
  protected override async _finishRevertMigration(c: Ctx, r: FinishRevertMigrationRequest): Promise<void> {
    const host = this.hostFor('finishRevertMigration');
    const staged = host.fabric.staged(r.instance.uuid);
    if (staged?.source === host.hostname && staged.dest !== host.hostname && staged.finished) {
      host.tracker.replace(staged.to, staged.from);
    }
    return super._finishRevertMigration(c, r);
  }
}

/** A retried resize in place applies the new size again: the instance is counted twice the growth. */
class RetriedResizeCountsTwice extends MemoryDriver {
  protected override async _finishMigration(c: Ctx, r: FinishMigrationRequest): Promise<void> {
    const host = this.hostFor('finishMigration');
    const staged = host.fabric.staged(r.instance.uuid);
    if (staged?.source === host.hostname && staged.dest === host.hostname) staged.finished = false;
    return super._finishMigration(c, r);
  }
}

/** A resize in place reverted before finishMigration "gives back" a growth that never happened. */
class UnfinishedResizeRevertShrinks extends MemoryDriver {
  protected override async _finishRevertMigration(c: Ctx, r: FinishRevertMigrationRequest): Promise<void> {
    const host = this.hostFor('finishRevertMigration');
    const staged = host.fabric.staged(r.instance.uuid);
    if (staged?.source === host.hostname && staged.dest === host.hostname) staged.finished = true;
    return super._finishRevertMigration(c, r);
  }
}

/** The destination check ignores the block migration the orchestrator asked for. */
class BlockMigrationDropped extends MemoryDriver {
  protected override async _checkCanLiveMigrateDestination(
    c: Ctx,
    r: CheckCanLiveMigrateDestinationRequest,
  ): Promise<MigrateData> {
    return super._checkCanLiveMigrateDestination(c, { ...r, blockMigration: undefined });
  }
}

/** The source check calls every instance volume-backed (its local root disk would not be copied). */
class EverythingVolumeBacked extends MemoryDriver {
  protected override async _checkCanLiveMigrateSource(
    c: Ctx,
    r: CheckCanLiveMigrateSourceRequest,
  ): Promise<MigrateData> {
    return { ...(await super._checkCanLiveMigrateSource(c, r)), isVolumeBacked: true };
  }
}

/** Without shared instance storage the destination check neither shares block storage nor asks for a block copy. */
class DisksLeftBehind extends MemoryDriver {
  protected override async _checkCanLiveMigrateDestination(
    c: Ctx,
    r: CheckCanLiveMigrateDestinationRequest,
  ): Promise<MigrateData> {
    return { ...(await super._checkCanLiveMigrateDestination(c, r)), isSharedBlockStorage: false };
  }
}

/** A retried preLiveMigration claims the instance's resources again; the rollback gives back one claim only. */
class RetriedPreClaimsTwice extends MemoryDriver {
  protected override async _preLiveMigration(c: Ctx, r: PreLiveMigrationRequest): Promise<MigrateData> {
    this.hostFor('preLiveMigration').incoming.delete(r.instance.uuid);
    return super._preLiveMigration(c, r);
  }
}

/** finishMigration does not look at the host: the guest starts on a host that is powered off. */
class FinishIgnoresHostOff extends MemoryDriver {
  protected override async _finishMigration(c: Ctx, r: FinishMigrationRequest): Promise<void> {
    const host = this.hostFor('finishMigration');
    const was = host.poweredOn;
    host.poweredOn = true;
    try {
      await super._finishMigration(c, r);
    } finally {
      host.poweredOn = was;
    }
  }
}

/** getInstanceDiskInfo counts every byte of a disk as overcommitted, also the bytes written. */
class OvercommitWholeDisk extends MemoryDriver {
  protected override async _getInstanceDiskInfo(c: Ctx, r: InstanceRequest): Promise<InstanceDiskInfo[]> {
    const disks = await super._getInstanceDiskInfo(c, r);
    return disks.map((d) => ({ ...d, overCommitDiskSizeBytes: d.virtualSizeBytes }));
  }
}

const DISK_INFO =
  "getInstanceDiskInfo: the local disks hold at least the flavor's root disk, each at its own path, each " +
  'overcommitted by its virtual size less its size on disk';
const HOST_OFF =
  'while a host is powered off, a cold migration starts nothing there: finishMigration and ' +
  'finishRevertMigration are refused and change nothing';
const RETRIED_FINISH =
  'a retried finishMigration (the first one landed) changes nothing: the instance is on the destination once, ' +
  'RUNNING, and its usage there is counted once';
const REVERT_AFTER_FINISH =
  'a resize to a larger flavor on another host, reverted after finishMigration: the source copy is back ' +
  'RUNNING at the old flavor (getInfo, usage), the destination holds nothing';
const RETRIED_RESIZE =
  'a resize in place retried (finishMigration twice): getInfo and usage follow the new flavor, counted once';
const UNFINISHED_REVERT =
  'a resize in place reverted before finishMigration: the old flavor in getInfo and usage, RUNNING';
const CHECKS_KEEP =
  'the live-migration checks keep a requested block migration and do not call an instance with a local root ' +
  'disk volume-backed (its disk would not be copied)';
const DISKS_MOVE =
  'the checks hand liveMigration data that move the disks: a shared instance path, shared block storage or a ' +
  'block migration (on each pair the fixtures make, with and without shared instance storage)';
const RETRIED_PRE =
  'a retried preLiveMigration holds the resources once: after the rollback the destination has nothing and ' +
  'its usage is as before';

const CORPUS: readonly BrokenDriver[] = [
  {
    bug: 'getInstanceDiskInfo counts the written bytes as overcommitted too',
    kind: 'secondary outputs',
    Driver: OvercommitWholeDisk,
    only: ['migration.cold'],
    caughtBy: { capability: 'migration.cold', test: DISK_INFO },
    reason: /overCommitDiskSizeBytes of each disk/,
  },
  {
    bug: 'finishMigration starts the guest on a powered-off host',
    kind: 'transitions',
    Driver: FinishIgnoresHostOff,
    only: ['migration.cold'],
    caughtBy: { capability: 'migration.cold', test: HOST_OFF },
    reason: /finishMigration on a powered-off host: expected INVALID_STATE or MIGRATION_FAILED, but it succeeded/,
  },
  {
    bug: 'a retried finishMigration is refused',
    kind: 'failure paths',
    Driver: RetriedFinishRefused,
    only: ['migration.cold'],
    caughtBy: { capability: 'migration.cold', test: RETRIED_FINISH },
    reason: /the retry: expected success or INSTANCE_EXISTS, got MIGRATION_FAILED/,
  },
  {
    bug: 'a revert after finishMigration resizes the source copy back',
    kind: 'resources',
    Driver: CrossHostRevertResizesSource,
    only: ['migration.cold'],
    caughtBy: { capability: 'migration.cold', test: REVERT_AFTER_FINISH },
  },
  {
    bug: 'a retried resize in place counts the growth twice',
    kind: 'resources',
    Driver: RetriedResizeCountsTwice,
    only: ['migration.cold'],
    caughtBy: { capability: 'migration.cold', test: RETRIED_RESIZE },
    reason: /after a retried resize in place/,
  },
  {
    bug: 'a resize in place reverted before finishMigration shrinks the usage',
    kind: 'resources',
    Driver: UnfinishedResizeRevertShrinks,
    only: ['migration.cold'],
    caughtBy: { capability: 'migration.cold', test: UNFINISHED_REVERT },
  },
  {
    bug: 'the destination check drops a requested block migration',
    kind: 'secondary outputs',
    Driver: BlockMigrationDropped,
    only: ['migration.live'],
    caughtBy: { capability: 'migration.live', test: CHECKS_KEEP },
    reason: /a requested block migration was dropped/,
  },
  {
    bug: 'the source check calls every instance volume-backed',
    kind: 'secondary outputs',
    Driver: EverythingVolumeBacked,
    only: ['migration.live'],
    caughtBy: { capability: 'migration.live', test: CHECKS_KEEP },
    reason: /volume-backed/,
  },
  {
    bug: 'without shared storage the migration data neither share block storage nor copy the disks',
    kind: 'secondary outputs',
    Driver: DisksLeftBehind,
    only: ['migration.live'],
    caughtBy: { capability: 'migration.live', test: DISKS_MOVE },
    reason: /the disks stay behind/,
  },
  {
    bug: 'a retried preLiveMigration claims the resources twice',
    kind: 'resources',
    Driver: RetriedPreClaimsTwice,
    only: ['migration.live'],
    caughtBy: { capability: 'migration.live', test: RETRIED_PRE },
    reason: /after a retried preLiveMigration and the rollback/,
  },
];

describe('the kit catches broken migration paths of the memory driver', () => {
  it('passes the correct memory driver on the migration suites (no false alarm)', async () => {
    await expectNoFalseAlarm(CORPUS, ['migration.cold', 'migration.live']);
  }, 60_000);

  it.each(CORPUS.map((b) => [`${b.kind}: ${b.bug}`, b] as const))(
    '%s',
    async (_label, broken) => expectCaught(broken),
    60_000,
  );
});
