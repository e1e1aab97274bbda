import { randomUUID } from 'node:crypto';
import { PowerState, type Flavor } from '@virtkit/core';
import { check, checkCounters, checkEqual, checkRejects } from '../kit/assertions.js';
import { disksOff, finishRequest, moveDisks, newMigration, plus, retryOfLanded } from '../kit/cold-migration.js';
import type { KitContext, MigrationPair } from '../kit/kit-context.js';
import {
  checkOnOneHost,
  checkedMigrateData,
  checkProgress,
  computeInfo,
  finishLiveMigration,
  liveMigrate,
  liveMigrationInFlight,
  prepareLiveMigration,
  resourcesUsed,
} from '../kit/live-migration.js';
import { defineSuite } from '../kit/suite.js';
import { inStates, spawnIn, unknownInstance } from '../kit/traits.js';

const { RUNNING, PAUSED, SHUTDOWN } = PowerState;

/** `migration.live`: success, abort and rollback, force complete, progress, and the refusals. */
export const liveMigrationSuite = defineSuite('migration.live', [
  ...(['running', 'paused'] as const).map((trait) => ({
    name:
      `a ${trait} instance moves: on exactly one host after, ${trait === 'running' ? 'RUNNING' : 'PAUSED'} on ` +
      `the destination, MIGRATION_COMPLETED on the source, progress 0..100`,
    needs: ['createMigrationPair'] as const,
    requires: trait === 'paused' ? (['lifecycle.pause'] as const) : undefined,
    async run(kit: KitContext) {
      const pair = await kit.migrationPair();
      const uuid = await spawnIn(kit, trait, { driver: pair.source });
      const rec = kit.recordEvents(pair.source);
      const arrivals = kit.recordEvents(pair.destination);
      const run = await liveMigrate(kit, pair, uuid);
      // Events follow instances across hosts (contract decision): each end names the other.
      check(
        rec.events.some(
          (e) => e.instanceUuid === uuid && e.transition === 'MIGRATED_AWAY' && e.peerHost === pair.destinationHost,
        ),
        `the source must emit MIGRATED_AWAY naming ${pair.destinationHost}`,
      );
      check(
        arrivals.events.some(
          (e) => e.instanceUuid === uuid && e.transition === 'MIGRATED_IN' && e.peerHost === pair.sourceHost,
        ),
        `the destination must emit MIGRATED_IN naming ${pair.sourceHost}`,
      );
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'destination', 'where the instance is after the migration');
      await kit.expectState(
        uuid,
        trait === 'running' ? RUNNING : PAUSED,
        'live migration (on the destination)',
        pair.destination,
      );
      await checkRejects(
        pair.source.getInfo(kit.ctx, kit.ref(uuid)),
        'INSTANCE_NOT_FOUND',
        'getInfo on the source after the migration',
      );
      check(
        rec.events.some((e) => e.instanceUuid === uuid && e.transition === 'MIGRATION_COMPLETED'),
        'the source must emit MIGRATION_COMPLETED',
      );
      checkProgress(run.reports, 'liveMigration progress');
      checkEqual(run.callbacks, { post: 1, recover: 0 }, 'postMethod / recoverMethod runs');
    },
  })),
  {
    name:
      'abort: the source keeps the instance RUNNING; after rollback the destination has nothing, not even held ' +
      'resources',
    needs: ['createMigrationPair'],
    async run(kit) {
      const { pair, uuid, used, run } = await liveMigrationInFlight(kit);
      await pair.source.liveMigrationAbort(kit.ctx, kit.ref(uuid));
      await checkRejects(run.done, ['ABORTED', 'MIGRATION_FAILED'], 'liveMigration after liveMigrationAbort');
      await pair.destination.rollbackLiveMigrationAtDestination(kit.ctx, { ...kit.full(uuid), networkInfo: [] });
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', 'where the instance is after an aborted migration');
      await kit.expectState(uuid, RUNNING, 'an aborted live migration', pair.source);
      check(
        !(await pair.destination.instanceExists(kit.ctx, kit.ref(uuid))),
        'the destination must not have the instance after rollback',
      );
      if (used)
        checkEqual(
          await resourcesUsed(kit, pair.destination),
          used,
          'resources used on the destination after rollback (as before the migration)',
        );
      checkEqual(run.callbacks, { post: 0, recover: 1 }, 'postMethod / recoverMethod runs');
      await pair.destination.rollbackLiveMigrationAtDestination(kit.ctx, kit.full(uuid));
    },
  },
  {
    name: 'force complete makes a running migration finish on the destination',
    needs: ['createMigrationPair'],
    async run(kit) {
      const { pair, uuid, run } = await liveMigrationInFlight(kit);
      await pair.source.liveMigrationForceComplete(kit.ctx, kit.ref(uuid));
      await run.done;
      await finishLiveMigration(kit, pair, uuid);
      checkEqual(
        await checkOnOneHost(kit, pair, uuid),
        'destination',
        'where the instance is after a forced migration',
      );
      await kit.expectState(uuid, RUNNING, 'a force-completed live migration', pair.destination);
      checkProgress(run.reports, 'liveMigration progress');
    },
  },
  {
    name:
      'the live-migration checks keep a requested block migration and do not call an instance with a local root ' +
      'disk volume-backed (its disk would not be copied)',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const data = await checkedMigrateData(kit, pair, uuid, true);
      check(data.blockMigration !== false, `a requested block migration was dropped: ${JSON.stringify(data)}`);
      check(
        data.isVolumeBacked !== true,
        `the source check calls an instance booted from an image with a ${kit.flavor.rootGb ?? 0} GiB root disk ` +
          `volume-backed: ${JSON.stringify(data)}`,
      );
    },
  },
  {
    name:
      'the checks hand liveMigration data that move the disks: a shared instance path, shared block storage or a ' +
      'block migration (on each pair the fixtures make, with and without shared instance storage)',
    needs: ['createMigrationPair'],
    async run(kit) {
      const kinds = ['createMigrationPair', 'createUnsharedMigrationPair'] as const;
      for (const fixture of kinds.filter((k) => kit.fixtures[k] !== undefined)) {
        kit.step(`the checks on a pair from ${fixture}`);
        const pair = await kit.migrationPair(fixture);
        const uuid = await kit.spawn({}, pair.source);
        const data = await checkedMigrateData(kit, pair, uuid, undefined);
        check(
          data.isSharedInstancePath === true || data.isSharedBlockStorage === true || data.blockMigration === true,
          `${fixture}: without a shared instance path the data must say the block storage is shared or ask for a ` +
            `block migration, else the disks stay behind: ${JSON.stringify(data)}`,
        );
      }
    },
  },
  {
    name:
      'a retried preLiveMigration holds the resources once: after the rollback the destination has nothing and ' +
      'its usage is as before',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const used = await resourcesUsed(kit, pair.destination);
      const migrateData = await prepareLiveMigration(kit, pair, uuid);
      kit.step('preLiveMigration again, as after a lost answer');
      const instance = kit.instance(uuid);
      await retryOfLanded(
        pair.destination.preLiveMigration(kit.ctx, { instance, migrateData, networkInfo: [] }),
        ['INSTANCE_EXISTS'],
        'the retried preLiveMigration',
      );
      await pair.destination.rollbackLiveMigrationAtDestination(kit.ctx, { instance, networkInfo: [] });
      check(
        !(await pair.destination.listInstanceUuids(kit.ctx)).includes(uuid),
        'the destination must not list the instance after the rollback',
      );
      if (used)
        checkEqual(
          await resourcesUsed(kit, pair.destination),
          used,
          'destination: used [vcpus, memoryMb, localGb] after a retried preLiveMigration and the rollback',
        );
      await kit.expectState(uuid, RUNNING, 'a rolled back live migration', pair.source);
    },
  },
  {
    name: 'the live-migration destination check on the host that has the instance is MIGRATION_FAILED',
    async run(kit) {
      const uuid = await kit.spawn();
      const host = kit.driver.hostApi.hostname ?? 'kit-host';
      await checkRejects(
        kit.driver.checkCanLiveMigrateDestination(kit.ctx, {
          instance: kit.instance(uuid),
          srcComputeInfo: await computeInfo(kit, kit.driver, host),
          dstComputeInfo: await computeInfo(kit, kit.driver, host),
        }),
        'MIGRATION_FAILED',
        'checkCanLiveMigrateDestination of an instance this host has',
      );
      await kit.expectState(uuid, RUNNING, 'a refused destination check');
    },
  },
  ...inStates(['stopped'], (t) => ({
    name: `live migration of a ${t.label} instance is INVALID_STATE and it stays`,
    async run(kit, uuid) {
      await checkRejects(
        kit.driver.checkCanLiveMigrateSource(kit.ctx, { ...kit.full(uuid), destCheckData: {} }),
        'INVALID_STATE',
        'checkCanLiveMigrateSource while stopped',
      );
      await checkRejects(
        kit.driver.liveMigration(kit.ctx, { ...kit.full(uuid), dest: 'kit-destination' }),
        'INVALID_STATE',
        'liveMigration while stopped',
      );
      await kit.expectState(uuid, t.state, 'refused live migration');
    },
  })),
  {
    name: 'with no migration running: abort changes nothing, force complete is NOT_FOUND, rollback succeeds',
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.liveMigrationAbort(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, RUNNING, 'liveMigrationAbort with no migration');
      await checkRejects(
        kit.driver.liveMigrationForceComplete(kit.ctx, kit.ref(uuid)),
        'NOT_FOUND',
        'liveMigrationForceComplete with no migration',
      );
      await kit.driver.rollbackLiveMigrationAtDestination(kit.ctx, kit.full(unknownInstance()));
      checkEqual(
        await kit.driver.listInstanceUuids(kit.ctx),
        [uuid],
        'instances after a rollback of an instance that never arrived',
      );
    },
  },
  {
    name: 'live migration of an unknown instance is INSTANCE_NOT_FOUND; a malformed destination is VALIDATION_FAILED',
    async run(kit) {
      await checkRejects(
        kit.driver.liveMigration(kit.ctx, { ...kit.full(unknownInstance()), dest: 'kit-destination' }),
        'INSTANCE_NOT_FOUND',
        'liveMigration(unknown)',
      );
      await checkRejects(
        kit.driver.liveMigrationForceComplete(kit.ctx, kit.ref(unknownInstance())),
        'INSTANCE_NOT_FOUND',
        'liveMigrationForceComplete(unknown)',
      );
      const uuid = await kit.spawn();
      await checkRejects(
        kit.driver.liveMigration(kit.ctx, { ...kit.full(uuid), dest: 'host; rm -rf /' }),
        'VALIDATION_FAILED',
        'a destination with a shell fragment',
      );
      await kit.expectState(uuid, RUNNING, 'refused live migration');
    },
  },
]);

/** `migration.cold`: move, confirm, revert, and the refusals. */
export const coldMigrationSuite = defineSuite('migration.cold', [
  {
    name:
      'cold migration: SHUTDOWN after migrateDiskAndPowerOff, RUNNING on the destination, confirm removes the ' +
      'source copy',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const rec = kit.recordEvents(pair.source);
      const migration = await moveDisks(kit, pair, uuid);
      check(
        rec.events.some((e) => e.instanceUuid === uuid && e.transition === 'STOPPED'),
        'the source must emit STOPPED',
      );
      await pair.source.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      check(
        rec.events.some(
          (e) => e.instanceUuid === uuid && e.transition === 'MIGRATED_AWAY' && e.peerHost === pair.destinationHost,
        ),
        `the source must emit MIGRATED_AWAY naming ${pair.destinationHost} once confirmed`,
      );
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'destination', 'where the instance is after confirmMigration');
      await kit.expectState(uuid, RUNNING, 'finishMigration', pair.destination);
      await pair.source.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
    },
  },
  {
    name: 'revert: after the destination copy is destroyed, finishRevertMigration brings the source copy back RUNNING',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const migration = await moveDisks(kit, pair, uuid);
      await pair.destination.destroy(kit.ctx, kit.ref(uuid));
      await pair.source.finishRevertMigration(kit.ctx, { ...kit.full(uuid), migration });
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', 'where the instance is after the revert');
      await kit.expectState(uuid, RUNNING, 'finishRevertMigration', pair.source);
    },
  },
  {
    name:
      'each step of a cold migration is observable: after migrateDiskAndPowerOff the source copy is SHUTDOWN ' +
      'and the destination has nothing; after finishMigration the source keeps its copy, stopped, until confirm',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const migration = newMigration(pair);
      kit.step('migrateDiskAndPowerOff on the source');
      const diskInfo = await pair.source.migrateDiskAndPowerOff(kit.ctx, {
        ...kit.full(uuid),
        dest: pair.destinationHost,
        flavor: kit.flavor,
      });
      await kit.expectState(uuid, SHUTDOWN, 'migrateDiskAndPowerOff', pair.source);
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', 'where the instance is before finishMigration');
      kit.step('finishMigration on the destination');
      kit.track(uuid);
      await pair.destination.finishMigration(kit.ctx, {
        ...kit.full(uuid),
        migration,
        diskInfo,
        imageMeta: kit.imageMeta,
        resizeInstance: false,
      });
      await kit.expectState(uuid, RUNNING, 'finishMigration', pair.destination);
      await kit.expectState(uuid, SHUTDOWN, 'finishMigration (the source copy, kept until confirm)', pair.source);
      kit.step('confirmMigration on the source');
      await pair.source.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'destination', 'where the instance is after confirmMigration');
      await kit.expectState(uuid, RUNNING, 'confirmMigration (the destination copy)', pair.destination);
    },
  },
  ...([true, false] as const).map((powerOn) => ({
    name:
      `a revert before finishMigration brings the source copy back ` +
      `${powerOn ? 'RUNNING' : 'SHUTDOWN (powerOn false)'}; the destination never has it`,
    needs: ['createMigrationPair'] as const,
    async run(kit: KitContext) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const migration = newMigration(pair);
      await pair.source.migrateDiskAndPowerOff(kit.ctx, {
        ...kit.full(uuid),
        dest: pair.destinationHost,
        flavor: kit.flavor,
      });
      kit.step(`finishRevertMigration(powerOn: ${powerOn}) on the source`);
      await pair.source.finishRevertMigration(kit.ctx, { ...kit.full(uuid), migration, powerOn });
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', 'where the instance is after the revert');
      await kit.expectState(uuid, powerOn ? RUNNING : SHUTDOWN, 'finishRevertMigration', pair.source);
      if (!powerOn) {
        await pair.source.powerOn(kit.ctx, kit.full(uuid));
        await kit.expectState(uuid, RUNNING, 'powerOn after a revert with powerOn false', pair.source);
      }
      kit.step('a new cold migration after the revert');
      const again = await moveDisks(kit, pair, uuid);
      await pair.source.confirmMigration(kit.ctx, { ...kit.full(uuid), migration: again });
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'destination', 'where the instance is after migrating again');
    },
  })),
  {
    name: 'finishMigration with powerOn false leaves the instance SHUTDOWN on the destination',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const migration = await moveDisks(kit, pair, uuid, false);
      await pair.source.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      await kit.expectState(uuid, SHUTDOWN, 'finishMigration(powerOn: false)', pair.destination);
    },
  },
  {
    name: 'a migration to the same host keeps the instance there',
    features: ['sameHostMigration'],
    async run(kit) {
      const uuid = await kit.spawn();
      const host = kit.driver.hostApi.hostname ?? 'kit-host';
      const migration = { id: `kit-${randomUUID()}`, sourceCompute: host, destCompute: host, migrationType: 'resize' };
      const diskInfo = await kit.driver.migrateDiskAndPowerOff(kit.ctx, {
        ...kit.full(uuid),
        dest: host,
        flavor: kit.flavor,
      });
      await kit.driver.finishMigration(kit.ctx, {
        ...kit.full(uuid),
        migration,
        diskInfo,
        imageMeta: kit.imageMeta,
        resizeInstance: true,
      });
      await kit.driver.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      checkEqual(await kit.driver.listInstanceUuids(kit.ctx), [uuid], 'instances after a same-host migration');
      await kit.expectState(uuid, RUNNING, 'a same-host migration');
    },
  },
  {
    name:
      'a resize to a larger flavor on another host: getInfo and usage on the destination follow the new flavor, ' +
      'the source holds nothing once confirmed',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const base = [await resourcesUsed(kit, pair.source), await resourcesUsed(kit, pair.destination)];
      const uuid = await kit.spawn({}, pair.source);
      const bigger = largerFlavor(kit);
      const migration = { ...newMigration(pair), migrationType: 'resize' };
      kit.step(`resizing to ${bigger.name} on the destination`);
      const diskInfo = await pair.source.migrateDiskAndPowerOff(kit.ctx, {
        ...kit.full(uuid),
        dest: pair.destinationHost,
        flavor: bigger,
      });
      await pair.destination.finishMigration(kit.ctx, {
        instance: { ...kit.instance(uuid), flavor: bigger },
        migration,
        diskInfo,
        imageMeta: kit.imageMeta,
        resizeInstance: true,
      });
      await checkFlavorInfo(kit, pair.destination, uuid, bigger, 'getInfo on the destination after the resize');
      await pair.source.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      checkEqual(
        await checkOnOneHost(kit, pair, uuid),
        'destination',
        'where the instance is after the confirmed resize',
      );
      if (base[0])
        checkEqual(
          await resourcesUsed(kit, pair.source),
          base[0],
          'source: used [vcpus, memoryMb, localGb] after the confirmed resize',
        );
      if (base[1])
        checkEqual(
          await resourcesUsed(kit, pair.destination),
          plus(base[1], bigger),
          `destination: used [vcpus, memoryMb, localGb] holding the instance at ${bigger.name}`,
        );
    },
  },
  {
    name: 'a resize in place reverted: the old flavor is back in getInfo and usage, RUNNING',
    features: ['sameHostMigration'],
    async run(kit) {
      const base = await resourcesUsed(kit, kit.driver);
      const uuid = await kit.spawn();
      const host = kit.driver.hostApi.hostname ?? 'kit-host';
      const bigger = largerFlavor(kit);
      const migration = { id: `kit-${randomUUID()}`, sourceCompute: host, destCompute: host, migrationType: 'resize' };
      kit.step(`resizing in place to ${bigger.name}`);
      const diskInfo = await kit.driver.migrateDiskAndPowerOff(kit.ctx, {
        ...kit.full(uuid),
        dest: host,
        flavor: bigger,
      });
      await kit.driver.finishMigration(kit.ctx, {
        instance: { ...kit.instance(uuid), flavor: bigger },
        migration,
        diskInfo,
        imageMeta: kit.imageMeta,
        resizeInstance: true,
      });
      await checkFlavorInfo(kit, kit.driver, uuid, bigger, 'getInfo after the resize in place');
      if (base)
        checkEqual(
          await resourcesUsed(kit, kit.driver),
          plus(base, bigger),
          `used [vcpus, memoryMb, localGb] at ${bigger.name}`,
        );
      kit.step('reverting the resize');
      await kit.driver.finishRevertMigration(kit.ctx, { ...kit.full(uuid), migration });
      await kit.expectState(uuid, RUNNING, 'finishRevertMigration of a resize in place');
      await checkFlavorInfo(kit, kit.driver, uuid, kit.flavor, 'getInfo after the revert');
      if (base)
        checkEqual(
          await resourcesUsed(kit, kit.driver),
          plus(base, kit.flavor),
          'used [vcpus, memoryMb, localGb] after the revert',
        );
      checkEqual(await kit.driver.listInstanceUuids(kit.ctx), [uuid], 'instances after a reverted resize in place');
    },
  },
  {
    name:
      'a retried finishMigration (the first one landed) changes nothing: the instance is on the destination once, ' +
      'RUNNING, and its usage there is counted once',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const base = await resourcesUsed(kit, pair.destination);
      const uuid = await kit.spawn({}, pair.source);
      const migration = newMigration(pair);
      const diskInfo = await disksOff(kit, pair.source, uuid, pair.destinationHost);
      kit.track(uuid);
      const finish = finishRequest(kit, uuid, migration, diskInfo);
      await pair.destination.finishMigration(kit.ctx, finish);
      kit.step('finishMigration again, as after a lost answer');
      await retryOfLanded(pair.destination.finishMigration(kit.ctx, finish), ['INSTANCE_EXISTS'], 'the retry');
      await kit.expectState(uuid, RUNNING, 'a retried finishMigration', pair.destination);
      checkEqual(
        (await pair.destination.listInstanceUuids(kit.ctx)).filter((u) => u === uuid).length,
        1,
        'how often the destination lists the instance after a retried finishMigration',
      );
      if (base)
        checkEqual(
          await resourcesUsed(kit, pair.destination),
          plus(base, kit.flavor),
          'destination: used [vcpus, memoryMb, localGb] after a retried finishMigration',
        );
      await pair.source.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'destination', 'where the instance is after confirmMigration');
      await kit.expectState(uuid, RUNNING, 'confirmMigration after a retried finishMigration', pair.destination);
    },
  },
  {
    name:
      'a resize to a larger flavor on another host, reverted after finishMigration: the source copy is back ' +
      'RUNNING at the old flavor (getInfo, usage), the destination holds nothing',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      // a bystander on each host: usage that a wrong release would push below it shows
      await kit.spawn({}, pair.source);
      await kit.spawn({ powerOn: false }, pair.destination);
      const base = [await resourcesUsed(kit, pair.source), await resourcesUsed(kit, pair.destination)];
      const uuid = await kit.spawn({}, pair.source);
      const bigger = largerFlavor(kit);
      const migration = { ...newMigration(pair), migrationType: 'resize' };
      kit.step(`resizing to ${bigger.name} on the destination`);
      const diskInfo = await disksOff(kit, pair.source, uuid, pair.destinationHost, bigger);
      kit.track(uuid);
      await pair.destination.finishMigration(kit.ctx, finishRequest(kit, uuid, migration, diskInfo, bigger));
      kit.step('reverting: the destination copy destroyed, then finishRevertMigration on the source');
      await pair.destination.destroy(kit.ctx, kit.ref(uuid));
      await pair.source.finishRevertMigration(kit.ctx, { ...kit.full(uuid), migration });
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', 'where the instance is after the revert');
      await kit.expectState(uuid, RUNNING, 'finishRevertMigration after finishMigration', pair.source);
      await checkFlavorInfo(kit, pair.source, uuid, kit.flavor, 'getInfo on the source after the revert');
      if (base[0])
        checkEqual(
          await resourcesUsed(kit, pair.source),
          plus(base[0], kit.flavor),
          'source: used [vcpus, memoryMb, localGb] after the revert (the old flavor)',
        );
      if (base[1])
        checkEqual(
          await resourcesUsed(kit, pair.destination),
          base[1],
          'destination: used [vcpus, memoryMb, localGb] after the revert',
        );
    },
  },
  {
    name: 'a resize in place retried (finishMigration twice): getInfo and usage follow the new flavor, counted once',
    features: ['sameHostMigration'],
    async run(kit) {
      const base = await resourcesUsed(kit, kit.driver);
      const uuid = await kit.spawn();
      const host = kit.driver.hostApi.hostname ?? 'kit-host';
      const bigger = largerFlavor(kit);
      const migration = { id: `kit-${randomUUID()}`, sourceCompute: host, destCompute: host, migrationType: 'resize' };
      const diskInfo = await disksOff(kit, kit.driver, uuid, host, bigger);
      const finish = finishRequest(kit, uuid, migration, diskInfo, bigger);
      await kit.driver.finishMigration(kit.ctx, finish);
      kit.step('finishMigration again, as after a lost answer');
      await retryOfLanded(kit.driver.finishMigration(kit.ctx, finish), [], 'the retried resize in place');
      await kit.expectState(uuid, RUNNING, 'a retried resize in place');
      await checkFlavorInfo(kit, kit.driver, uuid, bigger, 'getInfo after a retried resize in place');
      if (base)
        checkEqual(
          await resourcesUsed(kit, kit.driver),
          plus(base, bigger),
          `used [vcpus, memoryMb, localGb] at ${bigger.name} after a retried resize in place`,
        );
      await kit.driver.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      kit.step('confirmMigration again, as after a lost answer');
      await kit.driver.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      checkEqual(await kit.driver.listInstanceUuids(kit.ctx), [uuid], 'instances after a confirmed resize in place');
      await kit.expectState(uuid, RUNNING, 'a confirmed resize in place, confirmed twice');
      if (base)
        checkEqual(
          await resourcesUsed(kit, kit.driver),
          plus(base, bigger),
          `used [vcpus, memoryMb, localGb] at ${bigger.name} once confirmed`,
        );
    },
  },
  {
    name: 'a resize in place reverted before finishMigration: the old flavor in getInfo and usage, RUNNING',
    features: ['sameHostMigration'],
    async run(kit) {
      const bystander = await kit.spawn(); // usage that a wrong release would push below it shows
      const base = await resourcesUsed(kit, kit.driver);
      const uuid = await kit.spawn();
      const host = kit.driver.hostApi.hostname ?? 'kit-host';
      const migration = { id: `kit-${randomUUID()}`, sourceCompute: host, destCompute: host, migrationType: 'resize' };
      await disksOff(kit, kit.driver, uuid, host, largerFlavor(kit));
      kit.step('reverting before finishMigration');
      await kit.driver.finishRevertMigration(kit.ctx, { ...kit.full(uuid), migration });
      await kit.expectState(uuid, RUNNING, 'finishRevertMigration of a resize in place never finished');
      await checkFlavorInfo(kit, kit.driver, uuid, kit.flavor, 'getInfo after the revert');
      if (base)
        checkEqual(
          await resourcesUsed(kit, kit.driver),
          plus(base, kit.flavor),
          'used [vcpus, memoryMb, localGb] after the revert',
        );
      checkEqual(
        (await kit.driver.listInstanceUuids(kit.ctx)).sort(),
        [bystander, uuid].sort(),
        'instances after the revert',
      );
    },
  },
  {
    name:
      'once confirmed, a cold migration can be followed by another: back to the first host, RUNNING there, ' +
      'nothing left on the second',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const there = await moveDisks(kit, pair, uuid);
      await pair.source.confirmMigration(kit.ctx, { ...kit.full(uuid), migration: there });
      kit.step('migrating back to the first host');
      const back: MigrationPair = {
        source: pair.destination,
        destination: pair.source,
        sourceHost: pair.destinationHost,
        destinationHost: pair.sourceHost,
      };
      const migration = await moveDisks(kit, back, uuid);
      await pair.destination.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', 'where the instance is after migrating back');
      await kit.expectState(uuid, RUNNING, 'a cold migration back to the first host', pair.source);
    },
  },
  {
    name:
      'while a host is powered off, a cold migration starts nothing there: finishMigration and ' +
      'finishRevertMigration are refused and change nothing',
    needs: ['createMigrationPair'],
    requires: ['host.power'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const migration = newMigration(pair);
      const diskInfo = await disksOff(kit, pair.source, uuid, pair.destinationHost);
      kit.track(uuid);
      kit.step('finishMigration on a powered-off destination');
      await pair.destination.hostPowerAction(kit.ctx, { action: 'shutdown' });
      await checkRejects(
        pair.destination.finishMigration(kit.ctx, finishRequest(kit, uuid, migration, diskInfo)),
        ['INVALID_STATE', 'MIGRATION_FAILED'],
        'finishMigration on a powered-off host',
      );
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', 'where the instance is after the refused finish');
      kit.step('finishRevertMigration on a powered-off source');
      await pair.source.hostPowerAction(kit.ctx, { action: 'shutdown' });
      await checkRejects(
        pair.source.finishRevertMigration(kit.ctx, { ...kit.full(uuid), migration }),
        'INVALID_STATE',
        'finishRevertMigration on a powered-off host',
      );
      await kit.expectState(uuid, SHUTDOWN, 'a refused finishRevertMigration', pair.source);
      kit.step('both hosts started up again: the revert goes through');
      await pair.source.hostPowerAction(kit.ctx, { action: 'startup' });
      await pair.destination.hostPowerAction(kit.ctx, { action: 'startup' });
      await pair.source.finishRevertMigration(kit.ctx, { ...kit.full(uuid), migration });
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', 'where the instance is after the revert');
      await kit.expectState(uuid, RUNNING, 'finishRevertMigration once the host started up', pair.source);
    },
  },
  {
    name:
      'finishMigration of an instance the host already has (nothing was migrated to it) is refused and changes ' +
      'nothing',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.destination);
      const migration = newMigration(pair);
      const diskInfo = await pair.destination.getInstanceDiskInfo(kit.ctx, kit.full(uuid));
      await checkRejects(
        pair.destination.finishMigration(kit.ctx, { ...finishRequest(kit, uuid, migration, diskInfo), powerOn: false }),
        ['INSTANCE_EXISTS', 'MIGRATION_FAILED'],
        'finishMigration of an instance already on the host',
      );
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'destination', 'where the instance is after the refusal');
      await kit.expectState(uuid, RUNNING, 'a refused finishMigration', pair.destination);
    },
  },
  {
    name: 'getInstanceDiskInfo lists the local disks with their sizes',
    async run(kit) {
      const uuid = await kit.spawn();
      const disks = await kit.driver.getInstanceDiskInfo(kit.ctx, kit.full(uuid));
      check(Array.isArray(disks), `getInstanceDiskInfo must return a list, got ${JSON.stringify(disks)}`);
      for (const disk of disks) {
        check(
          typeof disk.type === 'string' && typeof disk.path === 'string',
          `a disk needs a type and a path: ${JSON.stringify(disk)}`,
        );
        checkCounters(
          disk,
          ['virtualSizeBytes', 'diskSizeBytes', 'overCommitDiskSizeBytes'],
          'getInstanceDiskInfo disk',
        );
      }
    },
  },
  {
    name:
      "getInstanceDiskInfo: the local disks hold at least the flavor's root disk, each at its own path, each " +
      'overcommitted by its virtual size less its size on disk',
    async run(kit) {
      const uuid = await kit.spawn();
      const disks = await kit.driver.getInstanceDiskInfo(kit.ctx, kit.full(uuid));
      const virtual = disks.reduce((sum, d) => sum + d.virtualSizeBytes, 0);
      const rootBytes = (kit.flavor.rootGb ?? 0) * 1024 ** 3;
      check(
        virtual >= rootBytes,
        `the local disks of an instance with a ${kit.flavor.rootGb ?? 0} GiB root disk add up to ${virtual} bytes`,
      );
      checkEqual(new Set(disks.map((d) => d.path)).size, disks.length, 'distinct paths of the local disks');
      check(
        disks.every((d) => d.type.length > 0 && d.path.length > 0),
        `each local disk names its format and path: ${JSON.stringify(disks)}`,
      );
      checkEqual(
        disks.map((d) => d.overCommitDiskSizeBytes),
        disks.map((d) => Math.max(0, d.virtualSizeBytes - d.diskSizeBytes)),
        'overCommitDiskSizeBytes of each disk (virtual size less size on disk)',
      );
    },
  },
  ...inStates(['suspended'], (t) => ({
    name: `migrateDiskAndPowerOff of a ${t.label} instance is INVALID_STATE and it stays`,
    async run(kit, uuid) {
      await checkRejects(
        kit.driver.migrateDiskAndPowerOff(kit.ctx, { ...kit.full(uuid), dest: 'kit-destination', flavor: kit.flavor }),
        'INVALID_STATE',
        `migrateDiskAndPowerOff while ${t.label}`,
      );
      await kit.expectState(uuid, t.state, 'refused migrateDiskAndPowerOff');
    },
  })),
  {
    name:
      'an unknown instance is INSTANCE_NOT_FOUND (confirm of one succeeds); a malformed destination is ' +
      'VALIDATION_FAILED',
    async run(kit) {
      const unknown = kit.full(unknownInstance());
      const migration = { id: 'kit-migration', destCompute: 'kit-destination' };
      await checkRejects(
        kit.driver.migrateDiskAndPowerOff(kit.ctx, { ...unknown, dest: 'kit-destination', flavor: kit.flavor }),
        'INSTANCE_NOT_FOUND',
        'migrateDiskAndPowerOff(unknown)',
      );
      await checkRejects(
        kit.driver.getInstanceDiskInfo(kit.ctx, unknown),
        'INSTANCE_NOT_FOUND',
        'getInstanceDiskInfo(unknown)',
      );
      await checkRejects(
        kit.driver.finishRevertMigration(kit.ctx, { ...unknown, migration }),
        'INSTANCE_NOT_FOUND',
        'finishRevertMigration(unknown)',
      );
      await kit.driver.confirmMigration(kit.ctx, { ...unknown, migration });
      const uuid = await kit.spawn();
      await checkRejects(
        kit.driver.migrateDiskAndPowerOff(kit.ctx, { ...kit.full(uuid), dest: '../host', flavor: kit.flavor }),
        'VALIDATION_FAILED',
        'destination ../host',
      );
      await kit.expectState(uuid, RUNNING, 'refused migrateDiskAndPowerOff');
    },
  },
]);

/** `migration.sharedStorage`. */
export const sharedStorageSuite = defineSuite('migration.sharedStorage', [
  {
    name: 'the other host answers whether it sees the marker; after cleanup it no longer does',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const data = await pair.source.checkInstanceSharedStorageLocal(kit.ctx, kit.full(uuid));
      if (data === null) return; // this host cannot tell: storage is treated as not shared
      check(
        typeof data === 'object',
        `checkInstanceSharedStorageLocal must return data or null, got ${JSON.stringify(data)}`,
      );
      const shared = await pair.destination.checkInstanceSharedStorageRemote(kit.ctx, { data });
      check(
        typeof shared === 'boolean',
        `checkInstanceSharedStorageRemote must answer a boolean, got ${JSON.stringify(shared)}`,
      );
      await pair.source.checkInstanceSharedStorageCleanup(kit.ctx, { data });
      checkEqual(
        await pair.destination.checkInstanceSharedStorageRemote(kit.ctx, { data }),
        false,
        'the remote check after cleanup',
      );
    },
  },
  {
    name:
      'an instance path the live-migration destination check calls shared is one the destination sees: the ' +
      'shared-storage check and instanceOnDisk there agree',
    needs: ['createMigrationPair'],
    requires: ['migration.live', 'lifecycle'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const destCheckData = await pair.destination.checkCanLiveMigrateDestination(kit.ctx, {
        instance: kit.instance(uuid),
        srcComputeInfo: { host: pair.sourceHost },
        dstComputeInfo: { host: pair.destinationHost },
      });
      await pair.destination.cleanupLiveMigrationDestinationCheck(kit.ctx, { destCheckData });
      // Claiming shared storage that is not shared loses data (the disks are not copied); the converse is only slower.
      if (destCheckData.isSharedInstancePath !== true) return;
      const data = await pair.source.checkInstanceSharedStorageLocal(kit.ctx, kit.full(uuid));
      if (data !== null) {
        checkEqual(
          await pair.destination.checkInstanceSharedStorageRemote(kit.ctx, { data }),
          true,
          "the destination's shared-storage check of an instance path it called shared",
        );
        await pair.source.checkInstanceSharedStorageCleanup(kit.ctx, { data });
      }
      checkEqual(
        await pair.destination.instanceOnDisk(kit.ctx, kit.ref(uuid)),
        true,
        "instanceOnDisk at the destination, which called the instance's path shared",
      );
    },
  },
  {
    name:
      'on hosts that do not share instance storage, the other host sees no marker (its own host does), the ' +
      'destination check does not call the path shared, and instanceOnDisk is true at its host only',
    needs: ['createUnsharedMigrationPair'],
    requires: ['lifecycle'],
    async run(kit) {
      const pair = await kit.migrationPair('createUnsharedMigrationPair');
      const uuid = await kit.spawn({}, pair.source);
      const data = await pair.source.checkInstanceSharedStorageLocal(kit.ctx, kit.full(uuid));
      if (data !== null) {
        checkEqual(
          await pair.destination.checkInstanceSharedStorageRemote(kit.ctx, { data }),
          false,
          "the other host's check of the marker (storage not shared)",
        );
        checkEqual(
          await pair.source.checkInstanceSharedStorageRemote(kit.ctx, { data }),
          true,
          'the check of the marker on the host that left it (its own storage)',
        );
        await pair.source.checkInstanceSharedStorageCleanup(kit.ctx, { data });
      }
      if (kit.supports('migration.live')) {
        const destCheckData = await pair.destination.checkCanLiveMigrateDestination(kit.ctx, {
          instance: kit.instance(uuid),
          srcComputeInfo: { host: pair.sourceHost },
          dstComputeInfo: { host: pair.destinationHost },
        });
        await pair.destination.cleanupLiveMigrationDestinationCheck(kit.ctx, { destCheckData });
        check(
          destCheckData.isSharedInstancePath !== true,
          'the destination check must not call the instance path shared on hosts that do not share storage',
        );
      }
      checkEqual(
        await pair.destination.instanceOnDisk(kit.ctx, kit.ref(uuid)),
        false,
        'instanceOnDisk on the other host (storage not shared)',
      );
      checkEqual(await pair.source.instanceOnDisk(kit.ctx, kit.ref(uuid)), true, 'instanceOnDisk on its own host');
    },
  },
  {
    name: 'a marker nobody left is not seen; a marker path with .. is VALIDATION_FAILED',
    async run(kit) {
      const data = { path: `/kit/no-such-marker-${randomUUID()}` };
      checkEqual(
        await kit.driver.checkInstanceSharedStorageRemote(kit.ctx, { data }),
        false,
        'checkInstanceSharedStorageRemote of a marker nobody left',
      );
      await kit.driver.checkInstanceSharedStorageCleanup(kit.ctx, { data });
      await checkRejects(
        kit.driver.checkInstanceSharedStorageRemote(kit.ctx, { data: { path: '/var/../etc/shadow' } }),
        'VALIDATION_FAILED',
        'a marker path with ..',
      );
    },
  },
]);

/** The kit's flavor, one vCPU, twice the memory and one GiB of root disk larger. */
function largerFlavor(kit: KitContext): Flavor {
  const f = kit.flavor;
  return { ...f, name: `${f.name}.larger`, vcpus: f.vcpus + 1, memoryMb: f.memoryMb * 2, rootGb: (f.rootGb ?? 0) + 1 };
}

/** getInfo's vCPUs and maximum memory must be `flavor`'s. */
async function checkFlavorInfo(
  kit: KitContext,
  driver: KitContext['driver'],
  uuid: string,
  flavor: Flavor,
  what: string,
): Promise<void> {
  const info = await driver.getInfo(kit.ctx, kit.ref(uuid));
  checkEqual(
    [info.numCpu, info.maxMemKb],
    [flavor.vcpus, flavor.memoryMb * 1024],
    `${what} (numCpu, maxMemKb) for ${flavor.name}`,
  );
}
