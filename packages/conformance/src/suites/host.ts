import { check, checkCounters, checkEqual, checkRejects, malformed } from '../kit/assertions.js';
import type { KitContext } from '../kit/kit-context.js';
import { defineSuite } from '../kit/suite.js';

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

/** The host name the kit gave `initHost`. */
function hostName(kit: KitContext): string {
  return kit.driver.hostApi.hostname ?? 'kit-host';
}
