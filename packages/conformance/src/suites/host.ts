import { randomUUID } from 'node:crypto';
import { PowerState, ProviderTree, isVirtkitError } from '@virtkit/core';
import { check, checkCounters, checkEqual, checkRejects, malformed } from '../kit/assertions.js';
import type { KitContext, KitDriver } from '../kit/kit-context.js';
import { checkOnOneHost, finishLiveMigration, liveMigrationInFlight, resourcesUsed } from '../kit/live-migration.js';
import { defineSuite } from '../kit/suite.js';

const { RUNNING, SHUTDOWN } = PowerState;

const CPU_TIMES = ['kernel', 'idle', 'user', 'iowait'] as const;

/** `host.power`. */
export const hostPowerSuite = defineSuite('host.power', [
  {
    name: 'each power action is carried out and answered back; the host still serves afterwards',
    async run(kit) {
      for (const action of ['shutdown', 'startup', 'reboot'] as const) {
        checkEqual(await kit.driver.hostPowerAction(kit.ctx, { action }), action, `hostPowerAction(${action})`);
      }
      check(
        (await kit.driver.getAvailableNodes(kit.ctx, { refresh: true })).length > 0,
        'the host must list its node after startup and reboot',
      );
      await checkRejects(
        kit.driver.hostPowerAction(kit.ctx, malformed({ action: 'explode' })),
        'VALIDATION_FAILED',
        "hostPowerAction('explode')",
      );
    },
  },
  {
    name:
      'a host shutdown stops every running guest (SHUTDOWN, one STOPPED event each) and leaves a stopped one ' +
      'alone; startup starts none',
    requires: ['lifecycle'],
    async run(kit) {
      const running = [await kit.spawn(), await kit.spawn()];
      const stopped = await kit.spawn({ powerOn: false });
      const rec = kit.recordEvents();
      checkEqual(await kit.driver.hostPowerAction(kit.ctx, { action: 'shutdown' }), 'shutdown', 'hostPowerAction');
      for (const uuid of [...running, stopped]) await kit.expectState(uuid, SHUTDOWN, 'a host shutdown');
      for (const uuid of running) {
        const mine = rec.events.filter((e) => e.instanceUuid === uuid).map((e) => e.transition);
        checkEqual(mine, ['STOPPED'], `events of running instance ${uuid} on the host shutdown`);
      }
      checkEqual(
        rec.events.filter((e) => e.instanceUuid === stopped).length,
        0,
        'events of the instance that was already stopped',
      );
      checkEqual(await kit.driver.hostPowerAction(kit.ctx, { action: 'startup' }), 'startup', 'hostPowerAction');
      for (const uuid of [...running, stopped])
        await kit.expectState(uuid, SHUTDOWN, 'host startup (guests stay stopped)');
      checkEqual(rec.events.length, 2, 'lifecycle events after the host shutdown and startup (one per running guest)');
      await kit.driver.powerOn(kit.ctx, kit.full(running[0]!));
      await kit.expectState(running[0]!, RUNNING, 'powerOn after the host started up');
      checkEqual(
        [...(await kit.driver.listInstanceUuids(kit.ctx))].sort(),
        [...running, stopped].sort(),
        'instances after a host shutdown and startup (none lost, none added)',
      );
    },
  },
  {
    name:
      'while the host is powered off, nothing starts a guest (spawn, powerOn, hard reboot are INVALID_STATE and ' +
      'change nothing)',
    requires: ['lifecycle'],
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.hostPowerAction(kit.ctx, { action: 'shutdown' });
      await checkRejects(kit.driver.powerOn(kit.ctx, kit.full(uuid)), 'INVALID_STATE', 'powerOn on a powered-off host');
      await checkRejects(
        kit.driver.reboot(kit.ctx, { ...kit.full(uuid), rebootType: 'HARD' }),
        'INVALID_STATE',
        'a hard reboot on a powered-off host',
      );
      await kit.expectState(uuid, SHUTDOWN, 'refused starts on a powered-off host');
      const req = kit.spawnRequest();
      kit.track(req.instance.uuid);
      await checkRejects(kit.driver.spawn(kit.ctx, req), 'INVALID_STATE', 'spawn on a powered-off host');
      checkEqual(await kit.driver.listInstanceUuids(kit.ctx), [uuid], 'instances after a refused spawn');
      kit.step('starting the host up again');
      await kit.driver.hostPowerAction(kit.ctx, { action: 'startup' });
      await kit.driver.powerOn(kit.ctx, kit.full(uuid));
      await kit.expectState(uuid, RUNNING, 'powerOn once the host started up');
      await kit.expectState(await kit.spawn(), RUNNING, 'spawn once the host started up');
    },
  },
  {
    name:
      'a host reboot stops the running guests and the host is up again: host-boot resume starts them, powerOn ' +
      'works',
    requires: ['lifecycle'],
    async run(kit) {
      const [first, second] = [await kit.spawn(), await kit.spawn()];
      checkEqual(await kit.driver.hostPowerAction(kit.ctx, { action: 'reboot' }), 'reboot', 'hostPowerAction');
      for (const uuid of [first, second]) await kit.expectState(uuid, SHUTDOWN, 'a host reboot');
      const rec = kit.recordEvents();
      await kit.driver.resumeStateOnHostBoot(kit.ctx, kit.ref(first));
      await kit.expectState(first, RUNNING, 'resumeStateOnHostBoot after the host reboot');
      checkEqual(
        rec.events.map((e) => [e.instanceUuid, e.transition]),
        [[first, 'STARTED']],
        'events of the host-boot resume',
      );
      await kit.driver.powerOn(kit.ctx, kit.full(second));
      await kit.expectState(second, RUNNING, 'powerOn after the host reboot');
    },
  },
  {
    name: 'after a host reboot the uptime starts again: at most the seconds since the reboot',
    requires: ['host.stats'],
    async run(kit) {
      const before = Date.now();
      await kit.driver.hostPowerAction(kit.ctx, { action: 'reboot' });
      // a few milliseconds up: an uptime counted in the wrong unit then shows
      await kit.settle(5);
      const { uptimeSec } = await kit.driver.getHostUptime(kit.ctx);
      const bound = Math.ceil((Date.now() - before) / 1000);
      check(uptimeSec >= 0 && uptimeSec <= bound, `uptime after a reboot must be 0..${bound} s, got ${uptimeSec}`);
    },
  },
  {
    name: 'startup of a running host changes nothing: its CPU times do not go backwards (no reboot)',
    requires: ['host.stats'],
    async run(kit) {
      await kit.settle(20);
      const before = await kit.driver.getHostCpuStats(kit.ctx);
      checkEqual(await kit.driver.hostPowerAction(kit.ctx, { action: 'startup' }), 'startup', 'hostPowerAction');
      const after = await kit.driver.getHostCpuStats(kit.ctx);
      for (const key of CPU_TIMES)
        check(
          after[key] >= before[key],
          `CPU time '${key}' must not go backwards over the startup of a running host: ${before[key]} -> ${after[key]}`,
        );
    },
  },
  {
    name:
      'a host shutdown during a live migration ends it: the instance stays on the source, stopped, and the ' +
      'destination holds nothing',
    needs: ['createMigrationPair'],
    requires: ['migration.live'],
    async run(kit) {
      const { pair, uuid, used, run } = await liveMigrationInFlight(kit);
      await pair.source.hostPowerAction(kit.ctx, { action: 'shutdown' });
      await checkRejects(run.done, ['ABORTED', 'MIGRATION_FAILED'], 'liveMigration when its source host shut down');
      await pair.destination.rollbackLiveMigrationAtDestination(kit.ctx, kit.full(uuid));
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', 'where the instance is after its host shut down');
      await kit.expectState(uuid, SHUTDOWN, 'the source host shut down mid-migration', pair.source);
      if (used) checkEqual(await resourcesUsed(kit, pair.destination), used, 'resources used on the destination');
    },
  },
]);

/** `host.maintenance`. */
export const hostMaintenanceSuite = defineSuite('host.maintenance', [
  {
    name: 'maintenance mode on and off, each idempotent and answered back',
    async run(kit) {
      const host = hostName(kit);
      for (const [mode, answer] of [
        [true, 'on_maintenance'],
        [true, 'on_maintenance'],
        [false, 'off_maintenance'],
        [false, 'off_maintenance'],
      ] as const) {
        checkEqual(
          await kit.driver.hostMaintenanceMode(kit.ctx, { host, mode }),
          answer,
          `hostMaintenanceMode(${mode})`,
        );
      }
      await checkRejects(
        kit.driver.hostMaintenanceMode(kit.ctx, malformed({ host, mode: 'yes' })),
        'VALIDATION_FAILED',
        "hostMaintenanceMode(mode: 'yes')",
      );
    },
  },
  {
    name: 'the host is disabled and enabled again, each idempotent and answered back',
    async run(kit) {
      for (const [enabled, answer] of [
        [false, 'disabled'],
        [false, 'disabled'],
        [true, 'enabled'],
        [true, 'enabled'],
      ] as const) {
        checkEqual(await kit.driver.setHostEnabled(kit.ctx, { enabled }), answer, `setHostEnabled(${enabled})`);
      }
      await checkRejects(
        kit.driver.setHostEnabled(kit.ctx, malformed({ enabled: 1 })),
        'VALIDATION_FAILED',
        'setHostEnabled(1)',
      );
    },
  },
  {
    name:
      'entering maintenance moves every instance to another host in its power state and leaves the host empty; ' +
      'leaving it moves nothing back',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const base = [await resourcesUsed(kit, pair.source), await resourcesUsed(kit, pair.destination)];
      const running = await kit.spawn({}, pair.source);
      const stopped = await kit.spawn({ powerOn: false }, pair.source);
      const mode = (on: boolean): Promise<string> =>
        pair.source.hostMaintenanceMode(kit.ctx, { host: pair.sourceHost, mode: on });
      checkEqual(await mode(false), 'off_maintenance', 'hostMaintenanceMode(false) of a host not in maintenance');
      checkEqual(
        [...(await pair.source.listInstanceUuids(kit.ctx))].sort(),
        [running, stopped].sort(),
        'source instances after leaving a maintenance it was not in (nothing moves)',
      );
      checkEqual(await mode(true), 'on_maintenance', 'hostMaintenanceMode(true)');
      for (const [uuid, state] of [
        [running, RUNNING],
        [stopped, SHUTDOWN],
      ] as const) {
        checkEqual(await checkOnOneHost(kit, pair, uuid), 'destination', `where instance ${uuid} is in maintenance`);
        await kit.expectState(uuid, state, 'the move out of a host entering maintenance', pair.destination);
      }
      await checkUsage(kit, pair.source, base[0], 0, 'source in maintenance (holds nothing)');
      await checkUsage(kit, pair.destination, base[1], 2, 'destination holding both moved instances');
      checkEqual(await mode(false), 'off_maintenance', 'hostMaintenanceMode(false)');
      checkEqual(await pair.source.listInstanceUuids(kit.ctx), [], 'source instances after leaving maintenance');
      checkEqual(
        [...(await pair.destination.listInstanceUuids(kit.ctx))].sort(),
        [running, stopped].sort(),
        'destination instances after the source left maintenance',
      );
    },
  },
  {
    name:
      'entering maintenance with no other host able to take the instances (disabled, in maintenance, powered off) ' +
      'is MIGRATION_FAILED and moves nothing',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const enter = (): Promise<string> =>
        pair.source.hostMaintenanceMode(kit.ctx, { host: pair.sourceHost, mode: true });
      const refused = async (why: string): Promise<void> => {
        await checkRejects(enter(), 'MIGRATION_FAILED', `entering maintenance while the other host is ${why}`);
        checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', `where the instance is (the other host ${why})`);
        await kit.expectState(uuid, RUNNING, `the refused maintenance (the other host ${why})`, pair.source);
      };
      await pair.destination.setHostEnabled(kit.ctx, { enabled: false });
      await refused('disabled');
      await pair.destination.setHostEnabled(kit.ctx, { enabled: true });
      await pair.destination.hostMaintenanceMode(kit.ctx, { host: pair.destinationHost, mode: true });
      await refused('in maintenance');
      await pair.destination.hostMaintenanceMode(kit.ctx, { host: pair.destinationHost, mode: false });
      if (pair.destination.capabilities.capabilities['host.power'] === true) {
        await pair.destination.hostPowerAction(kit.ctx, { action: 'shutdown' });
        await refused('powered off');
        await pair.destination.hostPowerAction(kit.ctx, { action: 'startup' });
      }
      checkEqual(await enter(), 'on_maintenance', 'entering maintenance once the other host takes instances');
      checkEqual(await checkOnOneHost(kit, pair, uuid), 'destination', 'where the instance is in maintenance');
    },
  },
  {
    name:
      'entering maintenance while a live migration leaves the host, refused or not, ends with the instance on one ' +
      'host, running, and the usage of the destination agreeing',
    needs: ['createMigrationPair'],
    requires: ['migration.live'],
    async run(kit) {
      const { pair, uuid, used, run } = await liveMigrationInFlight(kit);
      try {
        await pair.source.hostMaintenanceMode(kit.ctx, { host: pair.sourceHost, mode: true });
      } catch (error) {
        check(isVirtkitError(error), `a refused maintenance must be a virtkit error, got ${String(error)}`);
      }
      const migrated = await run.done.then(
        () => true,
        () => false,
      );
      if (migrated) await finishLiveMigration(kit, pair, uuid);
      else await pair.destination.rollbackLiveMigrationAtDestination(kit.ctx, kit.full(uuid));
      const where = await checkOnOneHost(kit, pair, uuid);
      const at = where === 'source' ? pair.source : pair.destination;
      await kit.expectState(uuid, RUNNING, `the maintenance during a live migration (now at the ${where})`, at);
      await checkUsage(
        kit,
        pair.destination,
        used,
        where === 'destination' ? 1 : 0,
        `destination (instance at ${where})`,
      );
    },
  },
  {
    name: 'a host in maintenance or disabled takes no instance by live migration; enabled again, it does',
    needs: ['createMigrationPair'],
    requires: ['migration.live'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const destinationCheck = (): Promise<unknown> =>
        pair.destination.checkCanLiveMigrateDestination(kit.ctx, {
          instance: kit.instance(uuid),
          srcComputeInfo: { host: pair.sourceHost },
          dstComputeInfo: { host: pair.destinationHost },
        });
      await pair.destination.hostMaintenanceMode(kit.ctx, { host: pair.destinationHost, mode: true });
      await checkRejects(destinationCheck(), 'MIGRATION_FAILED', 'the destination check of a host in maintenance');
      await pair.destination.hostMaintenanceMode(kit.ctx, { host: pair.destinationHost, mode: false });
      await pair.destination.setHostEnabled(kit.ctx, { enabled: false });
      await checkRejects(destinationCheck(), 'MIGRATION_FAILED', 'the destination check of a disabled host');
      await pair.destination.setHostEnabled(kit.ctx, { enabled: true });
      const data = await destinationCheck();
      await pair.destination.cleanupLiveMigrationDestinationCheck(kit.ctx, { destCheckData: data as never });
      await kit.expectState(uuid, RUNNING, 'the destination checks', pair.source);
    },
  },
  {
    name: 'a disabled host carries the COMPUTE_STATUS_DISABLED trait, and drops it once enabled again',
    requires: ['inventory'],
    async run(kit) {
      const [nodename] = await kit.driver.getAvailableNodes(kit.ctx, { refresh: false });
      const disabled = async (): Promise<boolean> =>
        (await kit.driver.getTraits(kit.ctx, { nodename: nodename! })).includes('COMPUTE_STATUS_DISABLED');
      // the provider tree the driver updates says the same as getTraits
      const tree = new ProviderTree();
      tree.newRoot(nodename!, randomUUID());
      const inTree = async (): Promise<boolean> => {
        await kit.driver.updateProviderTree(kit.ctx, { nodename: nodename!, providerTree: tree });
        return tree.get(nodename!).traits.includes('COMPUTE_STATUS_DISABLED');
      };
      checkEqual([await disabled(), await inTree()], [false, false], 'COMPUTE_STATUS_DISABLED on an enabled host');
      await kit.driver.setHostEnabled(kit.ctx, { enabled: false });
      checkEqual([await disabled(), await inTree()], [true, true], 'COMPUTE_STATUS_DISABLED on a disabled host');
      await kit.driver.setHostEnabled(kit.ctx, { enabled: true });
      checkEqual(
        [await disabled(), await inTree()],
        [false, false],
        'COMPUTE_STATUS_DISABLED once the host is enabled again (getTraits, the provider tree)',
      );
    },
  },
]);

/** `host.stats`. */
export const hostStatsSuite = defineSuite('host.stats', [
  {
    name: 'host uptime is seconds that do not go backwards, with an optional load average',
    async run(kit) {
      const first = await kit.driver.getHostUptime(kit.ctx);
      checkCounters(first, ['uptimeSec'], 'getHostUptime');
      if (first.loadAverage !== undefined) {
        check(
          Array.isArray(first.loadAverage) && first.loadAverage.length === 3,
          `loadAverage must be three numbers, got ${JSON.stringify(first.loadAverage)}`,
        );
        checkCounters({ ...first.loadAverage }, ['0', '1', '2'], 'getHostUptime loadAverage');
      }
      check(first.text === undefined || typeof first.text === 'string', 'uptime text must be a string when present');
      await kit.settle(20);
      const second = await kit.driver.getHostUptime(kit.ctx);
      check(
        second.uptimeSec >= first.uptimeSec,
        `uptime must not go backwards: ${first.uptimeSec} -> ${second.uptimeSec}`,
      );
    },
  },
  {
    name: 'host CPU stats have kernel, idle, user, iowait and frequency; the times do not go backwards',
    async run(kit) {
      const first = await kit.driver.getHostCpuStats(kit.ctx);
      checkCounters(first, [...CPU_TIMES, 'frequency'], 'getHostCpuStats');
      await kit.settle(20);
      const second = await kit.driver.getHostCpuStats(kit.ctx);
      checkCounters(second, [...CPU_TIMES, 'frequency'], 'getHostCpuStats (second read)');
      for (const key of CPU_TIMES)
        check(second[key] >= first[key], `CPU time '${key}' must not go backwards: ${first[key]} -> ${second[key]}`);
    },
  },
]);

/** `host.aggregates`. */
export const hostAggregatesSuite = defineSuite('host.aggregates', [
  {
    name: 'the host joins and leaves an aggregate; both are idempotent (a retry is safe)',
    async run(kit) {
      const request = {
        aggregate: { id: 'kit-1', name: 'kit-aggregate', availabilityZone: 'kit-az' },
        host: hostName(kit),
      };
      await kit.driver.addToAggregate(kit.ctx, request);
      await kit.driver.addToAggregate(kit.ctx, request); // joining twice: succeeds, changes nothing
      await kit.driver.removeFromAggregate(kit.ctx, request);
      await kit.driver.removeFromAggregate(kit.ctx, request); // leaving twice: succeeds, changes nothing
      await kit.driver.addToAggregate(kit.ctx, request);
      await kit.driver.removeFromAggregate(kit.ctx, request);
    },
  },
  {
    name: "undoing a failed change runs the orchestrator's revert once",
    async run(kit) {
      const aggregate = { id: 'kit-2', name: 'kit-aggregate-2' };
      for (const operation of ['add', 'remove'] as const) {
        let reverted = 0;
        await kit.driver.undoAggregateOperation(kit.ctx, {
          operation,
          aggregate,
          host: hostName(kit),
          revert: async () => void reverted++,
        });
        checkEqual(reverted, 1, `revert calls when undoing '${operation}'`);
      }
    },
  },
  {
    name: 'malformed aggregate requests are VALIDATION_FAILED',
    async run(kit) {
      const host = hostName(kit);
      await checkRejects(
        kit.driver.addToAggregate(kit.ctx, malformed({ aggregate: { id: 'kit-3' }, host })),
        'VALIDATION_FAILED',
        'an aggregate without a name',
      );
      await checkRejects(
        kit.driver.addToAggregate(
          kit.ctx,
          malformed({ aggregate: { id: 'kit-3', name: 'a', metadata: { k: 1 } }, host }),
        ),
        'VALIDATION_FAILED',
        'non-string metadata',
      );
      await checkRejects(
        kit.driver.undoAggregateOperation(
          kit.ctx,
          malformed({ operation: 'add', aggregate: { id: 'kit-3', name: 'a' }, host, revert: 'no' }),
        ),
        'VALIDATION_FAILED',
        'a revert that is not a function',
      );
    },
  },
]);

/** Fail unless the host's usage is `base` plus `count` instances of the kit's flavor (skipped without `inventory`). */
async function checkUsage(
  kit: KitContext,
  driver: KitDriver,
  base: number[] | undefined,
  count: number,
  what: string,
): Promise<void> {
  if (!base) return;
  const f = kit.flavor;
  const per = [f.vcpus, f.memoryMb, (f.rootGb ?? 0) + (f.ephemeralGb ?? 0)];
  checkEqual(
    await resourcesUsed(kit, driver),
    base.map((b, i) => b + count * per[i]!),
    `${what}: used [vcpus, memoryMb, localGb]`,
  );
}

/** The host name the kit gave `initHost`. */
function hostName(kit: KitContext): string {
  return kit.driver.hostApi.hostname ?? 'kit-host';
}
