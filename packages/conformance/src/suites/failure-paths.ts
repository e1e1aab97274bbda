import { PowerState, isVirtkitError } from '@virtkit/core';
import { KitAssertionError, check, checkEqual } from '../kit/assertions.js';
import { MIGRATION_STEPS, type MigrationStep } from '../kit/failure-fixtures.js';
import type { KitContext, KitDriver, MigrationPair } from '../kit/kit-context.js';
import {
  checkOnOneHost,
  finishLiveMigration,
  liveMigrate,
  prepareLiveMigration,
  resourcesUsed,
  startLiveMigration,
} from '../kit/live-migration.js';
import { snapshotImage } from '../kit/snapshot-image.js';
import { defineSuite, type KitTest } from '../kit/suite.js';

const { RUNNING } = PowerState;

/** Everything a host shows from outside: its instances and its used resources. */
export async function footprint(kit: KitContext, driver: KitDriver): Promise<string> {
  const uuids = [...(await driver.listInstanceUuids(kit.ctx))].sort();
  return JSON.stringify({ instances: uuids, used: (await resourcesUsed(kit, driver)) ?? null });
}

/** Fail unless `promise` rejects with a virtkit error; returns its code. */
async function failsWith(promise: Promise<unknown>, what: string): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (!isVirtkitError(error))
      throw new KitAssertionError(`${what} must fail with a virtkit error, got ${String(error)}`);
    return error.code;
  }
  throw new KitAssertionError(`${what} was made to fail (fixtures.failures), yet it succeeded`);
}

/** `lifecycle`: a spawn that fails after the guest exists. */
export const spawnFailureSuite = defineSuite('lifecycle', [
  {
    name: 'a spawn that fails late (after the guest exists) leaves nothing behind, and the uuid can be spawned again',
    failureFixture: 'spawnLate',
    async run(kit) {
      const other = await kit.spawn({ powerOn: false });
      const before = await footprint(kit, kit.driver);
      await kit.armFailure('spawnLate', kit.driver);
      const req = kit.spawnRequest();
      kit.track(req.instance.uuid);
      kit.step('spawn made to fail late');
      const code = await failsWith(kit.driver.spawn(kit.ctx, req), 'the spawn');
      kit.step(`after the late spawn failure (${code})`);
      checkEqual(
        await footprint(kit, kit.driver),
        before,
        'instances and used resources after a spawn that failed late',
      );
      check(
        !(await kit.driver.instanceExists(kit.ctx, kit.ref(req.instance.uuid))),
        'instanceExists must be false after a failed spawn',
      );
      await kit.expectState(other, PowerState.SHUTDOWN, 'a failed spawn of another instance');
      kit.step('spawning the same uuid again');
      await kit.driver.spawn(kit.ctx, req);
      await kit.expectState(req.instance.uuid, RUNNING, 'spawning the uuid of a failed spawn again');
    },
  },
]);

/** `image.snapshot`: a snapshot that fails part way, and one aborted by the caller. */
export const snapshotFailureSuite = defineSuite('image.snapshot', [
  {
    name:
      'a snapshot that fails part way leaves the instance as it was and nothing behind; a retry into the same ' +
      'image succeeds',
    failureFixture: 'snapshot',
    needs: ['createImage'],
    async run(kit) {
      const uuid = await kit.spawn();
      const before = await footprint(kit, kit.driver);
      await kit.armFailure('snapshot', kit.driver);
      const imageId = await snapshotImage(kit);
      kit.step('snapshot made to fail part way');
      await failsWith(kit.driver.snapshot(kit.ctx, { ...kit.ref(uuid), imageId }), 'the snapshot');
      kit.step('after the failed snapshot');
      await kit.expectState(uuid, RUNNING, 'a failed snapshot');
      checkEqual(await footprint(kit, kit.driver), before, 'instances and used resources after a failed snapshot');
      kit.step('a snapshot into the same image after the failure');
      await kit.driver.snapshot(kit.ctx, { ...kit.ref(uuid), imageId });
      kit.step('power off after the failed snapshot (the instance must not stay busy)');
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, PowerState.SHUTDOWN, 'power off after a failed snapshot');
    },
  },
  {
    name:
      'a snapshot aborted by the caller rejects ABORTED, leaves the instance as it was, and a new snapshot ' +
      'succeeds',
    needs: ['createImage'],
    async run(kit) {
      const uuid = await kit.spawn();
      const before = await footprint(kit, kit.driver);
      const controller = new AbortController();
      const imageId = await snapshotImage(kit);
      let reports = 0;
      const ctx = {
        ...kit.ctx,
        signal: controller.signal,
        onProgress: () => void (++reports === 1 && controller.abort(new Error('kit abort'))),
      };
      kit.step('snapshot aborted at its first progress report');
      let outcome: string;
      try {
        await kit.driver.snapshot(ctx, { ...kit.ref(uuid), imageId });
        outcome = 'ok';
      } catch (error) {
        outcome = isVirtkitError(error) ? error.code : String(error);
      }
      if (outcome === 'ok')
        kit.unverified('the snapshot finished before the abort took effect (too fast to abort here)');
      checkEqual(outcome, 'ABORTED', 'the code of an aborted snapshot');
      // whatever the driver still does after answering ABORTED must not change the instance
      await kit.settle(20);
      kit.step('after the aborted snapshot');
      await kit.expectState(uuid, RUNNING, 'an aborted snapshot');
      checkEqual(await footprint(kit, kit.driver), before, 'instances and used resources after an aborted snapshot');
      await kit.driver.postInterruptedSnapshotCleanup(kit.ctx, kit.ref(uuid));
      // what becomes of the partial image is the orchestrator's business after an abort; the instance must not stay
      // busy
      kit.step('a new snapshot after the abort');
      await kit.driver.snapshot(kit.ctx, { ...kit.ref(uuid), imageId: await snapshotImage(kit) });
      await kit.settle(20);
      await kit.expectState(uuid, RUNNING, 'an aborted snapshot, then a new snapshot');
    },
  },
]);

/**
 * Run the orchestrator's live-migration protocol with `step` made to fail,
 * then its cleanup (destination-check cleanup, rollback at the destination).
 */
async function migrateFailingAt(
  kit: KitContext,
  pair: MigrationPair,
  uuid: string,
  step: MigrationStep,
): Promise<string> {
  await kit.armFailure('migration', pair, step);
  kit.step(`live migration made to fail at ${step}`);
  const instance = kit.instance(uuid);
  let code = 'ok';
  try {
    const migrateData = await prepareLiveMigration(kit, pair, uuid);
    const run = startLiveMigration(kit, pair, uuid, migrateData);
    await run.done;
    await finishLiveMigration(kit, pair, uuid);
  } catch (error) {
    code = isVirtkitError(error) ? error.code : String(error);
  }
  if (code === 'ok')
    throw new KitAssertionError(`the live migration was made to fail at ${step} (fixtures.failures), yet it succeeded`);
  kit.step(`the orchestrator's cleanup after the failure at ${step}`);
  await pair.destination.rollbackLiveMigrationAtDestination(kit.ctx, { instance, networkInfo: [] });
  return code;
}

function migrationFailureTest(step: MigrationStep): KitTest {
  return {
    name:
      `a live migration failing at ${step} leaves the instance RUNNING on the source, nothing on the ` +
      `destination, usage as before on both hosts`,
    needs: ['createMigrationPair'],
    failureFixture: 'migration',
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const bystander = await kit.spawn({ powerOn: false }, pair.destination);
      const before = [await footprint(kit, pair.source), await footprint(kit, pair.destination)];
      const code = await migrateFailingAt(kit, pair, uuid, step);
      kit.step(`after the failure at ${step} (${code}) and the rollback`);
      checkEqual(
        await checkOnOneHost(kit, pair, uuid),
        'source',
        `where the instance is after a migration that failed at ${step}`,
      );
      await kit.expectState(uuid, RUNNING, `a live migration that failed at ${step}`, pair.source);
      checkEqual(
        await footprint(kit, pair.source),
        before[0],
        `source: instances and used resources after the failure at ${step}`,
      );
      checkEqual(
        await footprint(kit, pair.destination),
        before[1],
        `destination: instances and used resources after the failure at ${step}`,
      );
      await kit.expectState(
        bystander,
        PowerState.SHUTDOWN,
        `a failed migration of another instance (on the destination)`,
        pair.destination,
      );
      kit.step(`migrating again after the failure at ${step}`);
      await liveMigrate(kit, pair, uuid);
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'destination', 'where the instance is after migrating again');
    },
  };
}

/**
 * The orchestrator gives up after `preLiveMigration` (no `liveMigration` runs): only the rollback can release the
 * destination's hold.
 */
const GIVE_UP_AFTER_PRE =
  'an orchestrator that gives up after preLiveMigration: rollback at the destination releases everything ' +
  'pre-migration held there';

function giveUpAfterPreTest(): KitTest {
  return {
    name: GIVE_UP_AFTER_PRE,
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const before = [await footprint(kit, pair.source), await footprint(kit, pair.destination)];
      kit.step('checks and preLiveMigration, then no liveMigration');
      await prepareLiveMigration(kit, pair, uuid);
      kit.step('rollback at the destination');
      await pair.destination.rollbackLiveMigrationAtDestination(kit.ctx, {
        instance: kit.instance(uuid),
        networkInfo: [],
      });
      checkEqual(
        await footprint(kit, pair.destination),
        before[1],
        'destination: instances and used resources after the rollback',
      );
      checkEqual(
        await footprint(kit, pair.source),
        before[0],
        'source: instances and used resources after the rollback',
      );
      await kit.expectState(uuid, RUNNING, 'a live migration given up after preLiveMigration', pair.source);
    },
  };
}

/** `migration.live`: a failure at each step of the protocol, and a migration given up after its preparation. */
export const migrationFailureSuite = defineSuite('migration.live', [
  ...MIGRATION_STEPS.map(migrationFailureTest),
  giveUpAfterPreTest(),
]);
