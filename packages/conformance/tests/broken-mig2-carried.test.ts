/**
 * Broken variants of @virtkit/memory in what a migration carries and what the live-migration protocol's ends refuse
 * (issue #10, session 7's migration mutants): a volume held through a cold migration's confirm and revert, the NICs
 * of finishMigration's networkInfo, pre-migration on the instance's own host, a destination rolled back or shut down
 * during the copy. Each is one plausible bug away from the correct driver and caught by the kit test whose name says
 * what was wrong; the correct memory driver passes the same suites.
 */
import {
  type ConfirmMigrationRequest,
  type FinishMigrationRequest,
  type FinishRevertMigrationRequest,
  type HostPowerActionRequest,
  type InstanceDiskInfo,
  type InstanceRequest,
  type MigrateData,
  type OperationContext as Ctx,
  type PreLiveMigrationRequest,
} from '@virtkit/core';
import { MemoryDriver } from '@virtkit/memory';
import { expectCaught, expectNoFalseAlarm, type BrokenDriver } from './broken/broken-driver';

/** What the variants below read of a memory host: the volumes of an instance's record there. */
interface VolumeView {
  store: { get(uuid: string): { extras?: { volumes?: Map<string, { volumeId: string }> } } | undefined };
}

/** The volume ids the instance's record on `host` holds. */
function volumeIdsOf(host: VolumeView, uuid: string): string[] {
  return [...(host.store.get(uuid)?.extras?.volumes?.values() ?? [])].map((a) => a.volumeId);
}

/** confirmMigration lets go of the instance's volumes as a whole, not of the source copy's hold only. */
class ConfirmFreesVolume extends MemoryDriver {
  protected override async _confirmMigration(c: Ctx, r: ConfirmMigrationRequest): Promise<void> {
    const host = this.hostFor(null);
    const ids = volumeIdsOf(host, r.instance.uuid);
    await super._confirmMigration(c, r);
    for (const id of ids) host.fabric.volumes.release(id, r.instance.uuid);
  }
}

/** finishRevertMigration lets go of the volumes the destination copy held, which its destroy already gave back. */
class RevertFreesVolume extends MemoryDriver {
  protected override async _finishRevertMigration(c: Ctx, r: FinishRevertMigrationRequest): Promise<void> {
    const host = this.hostFor(null);
    await super._finishRevertMigration(c, r);
    for (const id of volumeIdsOf(host, r.instance.uuid)) host.fabric.volumes.release(id, r.instance.uuid);
  }
}

/** finishMigration builds the destination copy with the source's NICs, ignoring the networkInfo it was handed. */
class FinishKeepsSourceNics extends MemoryDriver {
  protected override async _finishMigration(c: Ctx, r: FinishMigrationRequest): Promise<void> {
    return super._finishMigration(c, { ...r, networkInfo: undefined });
  }
}

/** preLiveMigration on the host that has the instance answers "nothing to prepare" instead of refusing. */
class PreOnOwnHostAccepted extends MemoryDriver {
  protected override async _preLiveMigration(c: Ctx, r: PreLiveMigrationRequest): Promise<MigrateData> {
    if (this.hostFor('preLiveMigration').store.has(r.instance.uuid)) return r.migrateData;
    return super._preLiveMigration(c, r);
  }
}

/** A rollback at the destination keeps the hold while the source is still sending the instance. */
class RollbackIgnoresInFlight extends MemoryDriver {
  protected override async _rollbackLiveMigrationAtDestination(c: Ctx, r: InstanceRequest): Promise<void> {
    const host = this.hostFor('rollbackLiveMigrationAtDestination');
    if (host.fabric.locate(r.instance.uuid)?.liveMigrations.has(r.instance.uuid)) return;
    return super._rollbackLiveMigrationAtDestination(c, r);
  }
}

/** getInstanceDiskInfo lists an ephemeral disk of no size for a flavor without one (`>= 0` for `> 0`). */
class EmptyEphemeralListed extends MemoryDriver {
  protected override async _getInstanceDiskInfo(c: Ctx, r: InstanceRequest): Promise<InstanceDiskInfo[]> {
    const disks = await super._getInstanceDiskInfo(c, r);
    const empty = { type: 'qcow2', virtualSizeBytes: 0, diskSizeBytes: 0, overCommitDiskSizeBytes: 0 };
    return [...disks, { ...empty, path: `${disks[0]?.path ?? '/var/lib/memory'}.eph0` }];
  }
}

/** A host shut down while an instance is on its way stays up for it, and the instance lands on it. */
class ShutdownWaitsForArrival extends MemoryDriver {
  protected override async _hostPowerAction(c: Ctx, r: HostPowerActionRequest): Promise<void> {
    await super._hostPowerAction(c, r);
    const host = this.hostFor('hostPowerAction');
    if (r.action === 'shutdown' && host.incoming.size > 0) host.poweredOn = true;
  }
}

const volumeTest = (end: 'confirm' | 'revert'): string =>
  `a volume attached through a cold migration is still held after the ${end}: CONFLICT for another instance on ` +
  `the ${end === 'confirm' ? 'destination' : 'source'} until the migrated instance is destroyed`;
const NICS =
  'finishMigration plugs the NICs of its networkInfo: the destination copy has exactly those (by MAC), once each';
const PRE_OWN_HOST =
  'preLiveMigration on the host that has the instance is refused and changes nothing: it stays RUNNING there ' +
  'with its usage unchanged, also after a rollback there';
const ROLLED_BACK =
  'a destination rolled back while the memory is copied: liveMigration is MIGRATION_FAILED, the instance ' +
  'stays RUNNING on the source, the destination holds nothing';
const POWERED_OFF =
  'a destination powered off while the memory is copied: liveMigration is MIGRATION_FAILED, the instance ' +
  'stays RUNNING on the source, the destination holds nothing once started up and rolled back';

const NO_EMPTY_DISK =
  'getInstanceDiskInfo lists only disks that exist: each has a positive virtual size (no empty ephemeral or ' +
  'swap disk when the flavor has none)';

const CORPUS: readonly BrokenDriver[] = [
  {
    bug: 'getInstanceDiskInfo lists an empty ephemeral disk for a flavor without one',
    kind: 'secondary outputs',
    Driver: EmptyEphemeralListed,
    only: ['migration.cold'],
    caughtBy: { capability: 'migration.cold', test: NO_EMPTY_DISK },
    reason: /local disks of no size/,
  },
  ...(
    [
      ['confirm', ConfirmFreesVolume],
      ['revert', RevertFreesVolume],
    ] as const
  ).map(([end, Driver]) => ({
    bug: `${end === 'confirm' ? 'confirmMigration' : 'finishRevertMigration'} frees the volume the instance still uses`,
    kind: 'survival' as const,
    Driver,
    only: ['migration.cold', 'volume'] as const,
    caughtBy: { capability: 'migration.cold', test: volumeTest(end) },
    reason: new RegExp(`after ${end}, for another instance: expected CONFLICT, but it succeeded`),
  })),
  {
    bug: "finishMigration ignores networkInfo and keeps the source's NICs",
    kind: 'survival',
    Driver: FinishKeepsSourceNics,
    only: ['migration.cold', 'diagnostics'],
    caughtBy: { capability: 'migration.cold', test: NICS },
    reason: /MACs of the destination copy's NICs/,
  },
  {
    bug: 'preLiveMigration on the host that has the instance succeeds',
    kind: 'failure paths',
    Driver: PreOnOwnHostAccepted,
    only: ['migration.live'],
    caughtBy: { capability: 'migration.live', test: PRE_OWN_HOST },
    reason: /preLiveMigration on the host that has the instance: expected INSTANCE_EXISTS or MIGRATION_FAILED/,
  },
  {
    bug: 'a rollback at the destination is ignored while the instance is on its way, and it lands there',
    kind: 'failure paths',
    Driver: RollbackIgnoresInFlight,
    only: ['migration.live'],
    caughtBy: { capability: 'migration.live', test: ROLLED_BACK },
    reason: /expected MIGRATION_FAILED, but it succeeded/,
  },
  {
    bug: 'a destination shut down during the copy stays up for the arriving instance',
    kind: 'failure paths',
    Driver: ShutdownWaitsForArrival,
    only: ['migration.live', 'host.power'],
    caughtBy: { capability: 'migration.live', test: POWERED_OFF },
    reason: /expected MIGRATION_FAILED, but it succeeded/,
  },
];

describe('the kit catches broken carried state and protocol ends of migrations (memory variants)', () => {
  it('passes the correct memory driver on the same suites (no false alarm)', async () => {
    await expectNoFalseAlarm(CORPUS, ['migration.cold', 'migration.live', 'volume', 'diagnostics', 'host.power']);
  }, 60_000);

  it.each(CORPUS.map((b) => [`${b.kind}: ${b.bug}`, b] as const))(
    '%s',
    async (_label, broken) => expectCaught(broken),
    60_000,
  );
});
