import { PowerState, type VolumeConnectionInfo } from '@virtkit/core';
import { check, checkEqual, checkRejects } from '../kit/assertions.js';
import { disksOff, finishRequest, newMigration } from '../kit/cold-migration.js';
import type { KitContext, MigrationPair } from '../kit/kit-context.js';
import {
  checkedMigrateData,
  checkOnOneHost,
  liveMigrationInFlight,
  resourcesUsed,
  type LiveMigrationRun,
} from '../kit/live-migration.js';
import { defineSuite } from '../kit/suite.js';
import { unknownInstance } from '../kit/traits.js';

// What a migration carries and what the protocol's ends refuse: a volume held through a cold migration's confirm
// and revert, the NICs the orchestrator hands finishMigration, pre-migration on the host that has the instance, a
// destination rolled back or powered off while the memory is copied; and no local disk of no size.

const { RUNNING } = PowerState;

/** `migration.cold`: a volume held through confirm and through revert; the NICs of `networkInfo`. */
export const coldMigrationCarriedSuite = defineSuite('migration.cold', [
  ...(['confirm', 'revert'] as const).map((end) => ({
    name:
      `a volume attached through a cold migration is still held after the ${end}: CONFLICT for another instance on ` +
      `the ${end === 'confirm' ? 'destination' : 'source'} until the migrated instance is destroyed`,
    needs: ['createMigrationPair', 'createVolume'] as const,
    requires: ['volume'] as const,
    async run(kit: KitContext) {
      const pair = await kit.migrationPair();
      const volume = await kit.volume();
      const blockDeviceInfo = mappingOf(volume);
      const uuid = await kit.spawn({ blockDeviceInfo }, pair.source);
      const keeper = end === 'confirm' ? pair.destination : pair.source;
      const other = await kit.spawn({}, keeper);
      const migration = newMigration(pair);
      const diskInfo = await disksOff(kit, pair.source, uuid, pair.destinationHost);
      kit.track(uuid);
      await pair.destination.finishMigration(kit.ctx, {
        ...finishRequest(kit, uuid, migration, diskInfo),
        blockDeviceInfo,
      });
      if (end === 'confirm') {
        await pair.source.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      } else {
        kit.step('reverting: the destination copy destroyed, then finishRevertMigration on the source');
        await pair.destination.destroy(kit.ctx, kit.ref(uuid));
        await pair.source.finishRevertMigration(kit.ctx, { ...kit.full(uuid), migration, blockDeviceInfo });
      }
      checkEqual(await checkOnOneHost(kit, pair, uuid), end === 'confirm' ? 'destination' : 'source', `after ${end}`);
      await kit.expectState(uuid, RUNNING, `the migrated instance after ${end}`, keeper);
      kit.step(`attaching the migrated instance's volume to another instance on its host after ${end}`);
      await checkRejects(
        keeper.attachVolume(kit.ctx, { ...kit.full(other), connectionInfo: volume, mountpoint: 'vdb' }),
        'CONFLICT',
        `a volume the migrated instance holds after ${end}, for another instance`,
      );
      kit.step('destroying the migrated instance: its volume is free for the other instance');
      await keeper.destroy(kit.ctx, { ...kit.ref(uuid), blockDeviceInfo });
      await keeper.attachVolume(kit.ctx, { ...kit.full(other), connectionInfo: volume, mountpoint: 'vdb' });
      await keeper.detachVolume(kit.ctx, { ...kit.full(other), connectionInfo: volume, mountpoint: 'vdb' });
    },
  })),
  {
    name:
      'finishMigration plugs the NICs of its networkInfo: the destination copy has exactly those (by MAC), ' +
      'once each',
    needs: ['createMigrationPair'],
    requires: ['diagnostics'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const [kept, added] = [kit.vif(), kit.vif()];
      const uuid = await kit.spawn({ networkInfo: [kept] }, pair.source);
      const migration = newMigration(pair);
      const diskInfo = await disksOff(kit, pair.source, uuid, pair.destinationHost);
      kit.track(uuid);
      kit.step('finishMigration with the NIC the instance had and one more');
      await pair.destination.finishMigration(kit.ctx, {
        ...finishRequest(kit, uuid, migration, diskInfo),
        networkInfo: [kept, added],
      });
      await pair.source.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      const nics = (await pair.destination.getInstanceDiagnostics(kit.ctx, kit.ref(uuid))).nicDetails;
      checkEqual(
        nics.map((n) => n.macAddress.toLowerCase()).sort(),
        [kept.address, added.address].map((a) => a.toLowerCase()).sort(),
        "MACs of the destination copy's NICs (diagnostics) after finishMigration with two NICs",
      );
    },
  },
  {
    name:
      'getInstanceDiskInfo lists only disks that exist: each has a positive virtual size (no empty ephemeral or ' +
      'swap disk when the flavor has none)',
    async run(kit) {
      const uuid = await kit.spawn();
      const disks = await kit.driver.getInstanceDiskInfo(kit.ctx, kit.full(uuid));
      const empty = disks.filter((d) => !(d.virtualSizeBytes > 0));
      check(empty.length === 0, `local disks of no size (flavor ${kit.flavor.name}): ${JSON.stringify(empty)}`);
    },
  },
]);

/** `migration.live`: the protocol's ends refusing what they cannot do, and a destination lost while copying. */
export const liveMigrationEndsSuite = defineSuite('migration.live', [
  {
    name: 'postLiveMigrationAtDestination of an instance that never arrived is INSTANCE_NOT_FOUND',
    async run(kit) {
      const uuid = await kit.spawn();
      await checkRejects(
        kit.driver.postLiveMigrationAtDestination(kit.ctx, { ...kit.full(unknownInstance()), networkInfo: [] }),
        'INSTANCE_NOT_FOUND',
        'postLiveMigrationAtDestination(unknown)',
      );
      checkEqual(await kit.driver.listInstanceUuids(kit.ctx), [uuid], 'instances after the refusal');
      await kit.expectState(uuid, RUNNING, 'a refused postLiveMigrationAtDestination');
    },
  },
  {
    name:
      'preLiveMigration on the host that has the instance is refused and changes nothing: it stays RUNNING there ' +
      'with its usage unchanged, also after a rollback there',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const used = await resourcesUsed(kit, pair.source);
      const instance = kit.instance(uuid);
      const migrateData = await checkedMigrateData(kit, pair, uuid);
      kit.step('preLiveMigration on the source, which has the instance');
      await checkRejects(
        pair.source.preLiveMigration(kit.ctx, { instance, migrateData, networkInfo: [] }),
        ['INSTANCE_EXISTS', 'MIGRATION_FAILED'],
        'preLiveMigration on the host that has the instance',
      );
      await kit.expectState(uuid, RUNNING, 'a refused preLiveMigration', pair.source);
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', 'where the instance is after the refusal');
      if (used) checkEqual(await resourcesUsed(kit, pair.source), used, 'source: used after the refusal');
      // nothing was held for it there: rolling the source back as a destination leaves the instance alone
      await pair.source.rollbackLiveMigrationAtDestination(kit.ctx, { instance, networkInfo: [] });
      await kit.expectState(uuid, RUNNING, 'a rollback on the host that has the instance', pair.source);
      if (used) checkEqual(await resourcesUsed(kit, pair.source), used, 'source: used after that rollback');
    },
  },
  {
    name:
      'a destination rolled back while the memory is copied: liveMigration is MIGRATION_FAILED, the instance ' +
      'stays RUNNING on the source, the destination holds nothing',
    needs: ['createMigrationPair'],
    async run(kit) {
      const { pair, uuid, used, run } = await liveMigrationInFlight(kit);
      kit.step('rollbackLiveMigrationAtDestination while liveMigration runs');
      await pair.destination.rollbackLiveMigrationAtDestination(kit.ctx, { ...kit.full(uuid), networkInfo: [] });
      await checkLostDestination(kit, pair, uuid, used, run, 'a destination rolled back during the copy');
    },
  },
  {
    name:
      'a destination powered off while the memory is copied: liveMigration is MIGRATION_FAILED, the instance ' +
      'stays RUNNING on the source, the destination holds nothing once started up and rolled back',
    needs: ['createMigrationPair'],
    requires: ['host.power'],
    async run(kit) {
      const { pair, uuid, used, run } = await liveMigrationInFlight(kit);
      kit.step('hostPowerAction shutdown on the destination while liveMigration runs');
      await pair.destination.hostPowerAction(kit.ctx, { action: 'shutdown' });
      await checkRejects(run.done, 'MIGRATION_FAILED', 'liveMigration to a destination powered off during the copy');
      await pair.destination.hostPowerAction(kit.ctx, { action: 'startup' });
      await pair.destination.rollbackLiveMigrationAtDestination(kit.ctx, { ...kit.full(uuid), networkInfo: [] });
      await checkLostDestination(kit, pair, uuid, used, run, 'a destination powered off during the copy');
    },
  },
]);

/** After a live migration whose destination went away: it failed, the source runs it, the destination is empty. */
async function checkLostDestination(
  kit: KitContext,
  pair: MigrationPair,
  uuid: string,
  used: number[] | undefined,
  run: LiveMigrationRun,
  what: string,
): Promise<void> {
  await checkRejects(run.done, 'MIGRATION_FAILED', `liveMigration after ${what}`);
  checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', `where the instance is after ${what}`);
  await kit.expectState(uuid, RUNNING, what, pair.source);
  check(
    !(await pair.destination.instanceExists(kit.ctx, kit.ref(uuid))),
    `the destination must not have the instance after ${what}`,
  );
  if (used) checkEqual(await resourcesUsed(kit, pair.destination), used, `destination: used after ${what}`);
  checkEqual(run.callbacks.post, 0, `postMethod runs after ${what}`);
}

/** The block-device mapping of one volume at vdb. */
function mappingOf(volume: VolumeConnectionInfo): {
  blockDeviceMapping: { mountDevice: string; connectionInfo: VolumeConnectionInfo }[];
} {
  return { blockDeviceMapping: [{ mountDevice: '/dev/vdb', connectionInfo: volume }] };
}
