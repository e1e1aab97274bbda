import {
  InstanceExistsError,
  PowerState,
  type LiveMigrationRequest,
  type OperationContext as Ctx,
  type SnapshotRequest,
  type SpawnRequest,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import type { BrokenDriver } from './broken-driver';

const LATE_SPAWN =
  'a spawn that fails late (after the guest exists) leaves nothing behind, and the uuid can be spawned again';
const migrationFailure = (step: string): string =>
  `a live migration failing at ${step} leaves the instance RUNNING on the source, nothing on the destination, usage as before on both hosts`;

/** The failed-spawn cleanup does nothing: a spawn that fails after the guest exists leaves it behind. */
class NoFailedSpawnCleanup extends MemoryDriver {
  protected override async _failedSpawnCleanup(): Promise<void> {}
}

/** A uuid whose spawn failed is remembered as taken and refused ever after. */
class FailedSpawnTombstone extends MemoryDriver {
  readonly #failed = new Set<string>();
  protected override async _spawn(c: Ctx, r: SpawnRequest): Promise<void> {
    if (this.#failed.has(r.instance.uuid)) throw new InstanceExistsError(r.instance.uuid);
    try {
      await super._spawn(c, r);
    } catch (error) {
      this.#failed.add(r.instance.uuid);
      throw error;
    }
  }
}

/** The interrupted-snapshot cleanup does nothing: the partial image stays and blocks a retry. */
class NoSnapshotCleanup extends MemoryDriver {
  protected override async _postInterruptedSnapshotCleanup(): Promise<void> {}
}

/** A snapshot that fails (or is aborted) powers the guest off "to release the disk". */
class FailedSnapshotStopsGuest extends MemoryDriver {
  protected override async _snapshot(c: Ctx, r: SnapshotRequest): Promise<void> {
    try {
      await super._snapshot(c, r);
    } catch (error) {
      await super._powerOff({ requestId: 'broken' }, { instance: r.instance });
      this.reportPowerState(r.instance.uuid, PowerState.SHUTDOWN);
      throw error;
    }
  }
}

/** Rollback at the destination forgets to release what pre-migration reserved there. */
class RollbackKeepsReservation extends MemoryDriver {
  protected override async _rollbackLiveMigrationAtDestination(): Promise<void> {}
}

/** A failed live migration leaves the instance stopped on the source. */
class FailedMigrationStopsSource extends MemoryDriver {
  protected override async _liveMigration(c: Ctx, r: LiveMigrationRequest): Promise<void> {
    try {
      await super._liveMigration(c, r);
    } catch (error) {
      await super._powerOff({ requestId: 'broken' }, { instance: r.instance });
      this.reportPowerState(r.instance.uuid, PowerState.SHUTDOWN);
      throw error;
    }
  }
}

export const FAILURE_PATHS: readonly BrokenDriver[] = [
  {
    bug: 'the failed-spawn cleanup does nothing',
    kind: 'failure paths',
    Driver: NoFailedSpawnCleanup,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: LATE_SPAWN },
    reason: /instances and used resources after a spawn that failed late/,
  },
  {
    bug: 'a uuid whose spawn failed is refused ever after',
    kind: 'failure paths',
    Driver: FailedSpawnTombstone,
    only: ['lifecycle'],
    caughtBy: { capability: 'lifecycle', test: LATE_SPAWN },
    reason: /INSTANCE_EXISTS/,
  },
  {
    bug: 'the interrupted-snapshot cleanup does nothing',
    kind: 'failure paths',
    Driver: NoSnapshotCleanup,
    only: ['image.snapshot'],
    caughtBy: {
      capability: 'image.snapshot',
      test: 'a snapshot that fails part way leaves the instance as it was and nothing behind; a retry into the same image succeeds',
    },
  },
  {
    bug: 'a failed or aborted snapshot powers the guest off',
    kind: 'failure paths',
    Driver: FailedSnapshotStopsGuest,
    only: ['image.snapshot'],
    caughtBy: {
      capability: 'image.snapshot',
      test: 'a snapshot aborted by the caller rejects ABORTED, leaves the instance as it was, and a new snapshot succeeds',
    },
  },
  {
    bug: 'rollback at the destination keeps the reservation',
    kind: 'failure paths',
    Driver: RollbackKeepsReservation,
    only: ['migration.live', 'inventory'],
    caughtBy: {
      capability: 'migration.live',
      test: 'an orchestrator that gives up after preLiveMigration: rollback at the destination releases everything pre-migration held there',
    },
    reason: /destination: instances and used resources/,
  },
  {
    bug: 'a failed live migration leaves the instance stopped on the source',
    kind: 'failure paths',
    Driver: FailedMigrationStopsSource,
    only: ['migration.live'],
    caughtBy: { capability: 'migration.live', test: migrationFailure('liveMigration') },
    reason: /expected state RUNNING, getInfo says SHUTDOWN/,
  },
];
