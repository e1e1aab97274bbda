import { randomUUID } from 'node:crypto';
import { IMAGE_DISK_FORMATS, PowerState, isVirtkitError } from '@virtkit/core';
import { check, checkEqual, checkRejects, malformed } from '../kit/assertions.js';
import type { KitContext } from '../kit/kit-context.js';
import { defineSuite } from '../kit/suite.js';

const { RUNNING, SHUTDOWN } = PowerState;
/** The largest flavor a request may carry (core's Flavor bounds): valid, yet no host holds it. */
const MAX_VCPUS = 4096;
const MAX_MEMORY_MB = 64 * 1024 * 1024;

/** `flavor` grown to the largest a request may carry: a valid request no host can hold. */
export function impossibleFlavor<F extends object>(flavor: F): F & { name: string; vcpus: number; memoryMb: number } {
  return { ...flavor, name: 'kit.impossible', vcpus: MAX_VCPUS, memoryMb: MAX_MEMORY_MB };
}
const USED = ['vcpusUsed', 'memoryMbUsed', 'localGbUsed'] as const;

/** `lifecycle`: spawn, destroy, power, reboot, events. */
export const lifecycleSuite = defineSuite('lifecycle', [
  {
    name: 'spawn shows the instance in listings and counts, RUNNING',
    async run(kit) {
      const req = kit.spawnRequest();
      kit.track(req.instance.uuid);
      await kit.driver.spawn(kit.ctx, req);
      await kit.expectState(req.instance.uuid, RUNNING, 'spawn');
      check(
        (await kit.driver.listInstanceUuids(kit.ctx)).includes(req.instance.uuid),
        'listInstanceUuids must include the new instance',
      );
      check((await kit.driver.listInstances(kit.ctx)).length === 1, 'listInstances must list one instance');
      checkEqual(await kit.driver.countInstances(kit.ctx), 1, 'countInstances');
      check(await kit.driver.instanceExists(kit.ctx, kit.ref(req.instance.uuid)), 'instanceExists must be true');
    },
  },
  {
    name: 'spawn with powerOn false leaves the instance SHUTDOWN',
    async run(kit) {
      const uuid = await kit.spawn({ powerOn: false });
      await kit.expectState(uuid, SHUTDOWN, 'spawn(powerOn: false)');
    },
  },
  {
    name: 'spawning an existing uuid with another request is INSTANCE_EXISTS and changes nothing',
    async run(kit) {
      const req = kit.spawnRequest();
      kit.track(req.instance.uuid);
      await kit.driver.spawn(kit.ctx, req);
      await kit.driver.powerOff(kit.ctx, kit.ref(req.instance.uuid));
      const other = { ...req, instance: { ...req.instance, name: `${req.instance.name}-other` } };
      await checkRejects(kit.driver.spawn(kit.ctx, other), 'INSTANCE_EXISTS', 'second spawn (another name)');
      await kit.expectState(req.instance.uuid, SHUTDOWN, 'refused second spawn');
      checkEqual(await kit.driver.countInstances(kit.ctx), 1, 'countInstances');
    },
  },
  {
    name: 'a malformed spawn is VALIDATION_FAILED and creates nothing',
    async run(kit) {
      const req = kit.spawnRequest();
      await checkRejects(
        kit.driver.spawn(kit.ctx, malformed({ ...req, instance: { uuid: req.instance.uuid } })),
        'VALIDATION_FAILED',
        'spawn without flavor',
      );
      await checkRejects(
        kit.driver.spawn(kit.ctx, {
          ...req,
          instance: { ...req.instance, flavor: { ...req.instance.flavor, vcpus: -1 } },
        }),
        'VALIDATION_FAILED',
        'spawn with negative vcpus',
      );
      await checkRejects(
        kit.driver.spawn(kit.ctx, { ...req, instance: { ...req.instance, name: 'a,b=c' } }),
        'VALIDATION_FAILED',
        'spawn with a comma in the name',
      );
      checkEqual(await kit.driver.countInstances(kit.ctx), 0, 'countInstances after refused spawns');
    },
  },
  {
    name: 'a failed spawn (impossible flavor, unbootable image format) leaves nothing behind',
    async run(kit) {
      const nodename = kit.supports('inventory') ? await firstNode(kit) : undefined;
      const used = async (): Promise<number[]> => {
        if (nodename === undefined) return [];
        const r = await kit.driver.getAvailableResource(kit.ctx, { nodename });
        return USED.map((k) => r[k]);
      };
      const listedBefore = new Set<string>(await kit.driver.listInstanceUuids(kit.ctx));
      const usedBefore = await used();
      const nothingLeft = async (uuid: string, step: string): Promise<void> => {
        const added = ((await kit.driver.listInstanceUuids(kit.ctx)) as string[]).filter((u) => !listedBefore.has(u));
        check(
          added.length === 0,
          `after ${step}, listInstanceUuids must not have grown, but it now also lists ${added.join(', ')}`,
        );
        check(
          !(await kit.driver.instanceExists(kit.ctx, kit.ref(uuid))),
          `after ${step}, instanceExists must be false`,
        );
        if (nodename !== undefined)
          checkEqual(await used(), usedBefore, `${USED.join(', ')} on node '${nodename}' after ${step}`);
      };

      // A flavor within the request's bounds that no host can hold.
      const req = kit.spawnRequest();
      kit.track(req.instance.uuid);
      const flavor = impossibleFlavor(req.instance.flavor);
      const error = await rejection(kit.driver.spawn(kit.ctx, { ...req, instance: { ...req.instance, flavor } }));
      if (error === undefined) {
        // Only a driver without a resource model (no `inventory`) may accept it; the spawn must then be complete.
        check(
          nodename === undefined,
          `spawn of ${MAX_VCPUS} vCPUs and ${MAX_MEMORY_MB} MiB must be refused (INSUFFICIENT_RESOURCES) by a ` +
            `driver that reports its resources, but it succeeded`,
        );
        check(
          await kit.driver.instanceExists(kit.ctx, kit.ref(req.instance.uuid)),
          'a spawn that succeeded must leave an instance that exists',
        );
        await kit.driver.destroy(kit.ctx, kit.ref(req.instance.uuid));
      } else {
        check(
          isVirtkitError(error),
          `spawn of an impossible flavor must fail with a virtkit error (INSUFFICIENT_RESOURCES, DRIVER_ERROR...), ` +
            `got ${describeError(error)}`,
        );
        check(
          error.code !== 'VALIDATION_FAILED',
          `spawn of an impossible flavor is a valid request (within the Flavor bounds): expected ` +
            `INSUFFICIENT_RESOURCES (or DRIVER_ERROR, INVALID_STATE...), got VALIDATION_FAILED: ${error.message}`,
        );
        await nothingLeft(req.instance.uuid, `the refused spawn of an impossible flavor (${error.code})`);
      }

      // An image whose disk format is not among the driver's image types.
      const types: readonly string[] = kit.driver.capabilities.imageTypes ?? [];
      const format = types.length > 0 ? IMAGE_DISK_FORMATS.find((f) => !types.includes(f)) : undefined;
      if (format === undefined) return;
      const image = kit.spawnRequest({ imageMeta: { ...kit.imageMeta, diskFormat: format } });
      kit.track(image.instance.uuid);
      const refused = await rejection(kit.driver.spawn(kit.ctx, image));
      check(
        refused !== undefined,
        `spawn of a ${format} image must be refused: the driver boots only ${types.join(', ')} (map.imageTypes), ` +
          `but it succeeded`,
      );
      check(
        isVirtkitError(refused),
        `spawn of a ${format} image must fail with a virtkit error, got ${describeError(refused)}`,
      );
      await nothingLeft(image.instance.uuid, `the refused spawn of a ${format} image (${refused.code})`);
    },
  },
  {
    name:
      'spawn asking for accelerators from a driver whose accelerators feature is unsupported is NOT_SUPPORTED and ' +
      'creates nothing',
    async run(kit) {
      if (kit.feature('accelerators') !== 'unsupported') kit.unverified('the driver may give accelerators');
      const req = kit.spawnRequest({ accelInfo: [{ deviceProfile: 'kit-gpu' }] });
      kit.track(req.instance.uuid);
      await checkRejects(kit.driver.spawn(kit.ctx, req), 'NOT_SUPPORTED', 'spawn with accelInfo');
      check(
        !(await kit.driver.instanceExists(kit.ctx, kit.ref(req.instance.uuid))),
        'instanceExists must be false after the refused spawn with accelInfo',
      );
      checkEqual(await kit.driver.countInstances(kit.ctx), 0, 'countInstances after the refused spawn');
    },
  },
  {
    name: 'destroy removes the instance; destroying an unknown one succeeds',
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.destroy(kit.ctx, kit.ref(uuid));
      check(!(await kit.driver.instanceExists(kit.ctx, kit.ref(uuid))), 'instance must be gone after destroy');
      await checkRejects(kit.driver.getInfo(kit.ctx, kit.ref(uuid)), 'INSTANCE_NOT_FOUND', 'getInfo after destroy');
      await kit.driver.destroy(kit.ctx, kit.ref(uuid));
      await kit.driver.destroy(kit.ctx, kit.ref(randomUUID()));
      await kit.driver.cleanup(kit.ctx, kit.ref(randomUUID()));
    },
  },
  {
    name: 'power off and on, both ways, idempotent toward the target',
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.powerOn(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, RUNNING, 'powerOn of a running instance');
      await kit.driver.powerOff(kit.ctx, { ...kit.ref(uuid), timeoutSec: 0 });
      await kit.expectState(uuid, SHUTDOWN, 'powerOff');
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, SHUTDOWN, 'powerOff of a stopped instance');
      await kit.driver.powerOn(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, RUNNING, 'powerOn of a stopped instance');
      await checkRejects(
        kit.driver.powerOn(kit.ctx, kit.ref(randomUUID())),
        'INSTANCE_NOT_FOUND',
        'powerOn of an unknown instance',
      );
    },
  },
  {
    name: 'soft reboot needs RUNNING; hard reboot starts a stopped instance',
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.reboot(kit.ctx, { ...kit.ref(uuid), rebootType: 'SOFT' });
      await kit.expectState(uuid, RUNNING, 'soft reboot');
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      await checkRejects(
        kit.driver.reboot(kit.ctx, { ...kit.ref(uuid), rebootType: 'SOFT' }),
        'INVALID_STATE',
        'soft reboot of a stopped instance',
      );
      await kit.expectState(uuid, SHUTDOWN, 'refused soft reboot');
      await kit.driver.reboot(kit.ctx, { ...kit.ref(uuid), rebootType: 'HARD' });
      await kit.expectState(uuid, RUNNING, 'hard reboot of a stopped instance');
    },
  },
  {
    name: 'events follow state: one per change, in order, matching getInfo',
    async run(kit) {
      const rec = kit.recordEvents();
      const uuid = await kit.spawn();
      const steps: [string, () => Promise<unknown>, number][] = [
        ['spawn', async () => undefined, RUNNING],
        ['powerOff', () => kit.driver.powerOff(kit.ctx, kit.ref(uuid)), SHUTDOWN],
        ['powerOn', () => kit.driver.powerOn(kit.ctx, kit.ref(uuid)), RUNNING],
      ];
      for (const [step, call, expected] of steps) {
        await call();
        await kit.settle(); // late events (a stale state reported from a timer) would show here
        const last = rec.events[rec.events.length - 1];
        check(
          last !== undefined && last.state === expected && last.instanceUuid === uuid,
          `after ${step} and a quiet period, the last event must report state ${expected} for the instance, got ` +
            `${JSON.stringify(last)}`,
        );
        const seen = rec.events.length;
        await kit.expectState(uuid, expected, step);
        check(
          rec.events.length === seen,
          `after ${step}, getInfo found a state the events had not reported (${rec.events
            .slice(seen)
            .map((e) => e.transition)
            .join(', ')})`,
        );
      }
      await kit.driver.destroy(kit.ctx, kit.ref(uuid));
      await kit.settle(); // late events from the driver would show here
      checkEqual(
        rec.events.map((e) => e.transition),
        ['STARTED', 'STOPPED', 'STARTED', 'STOPPED', 'DELETED'],
        'event transitions',
      );
      const seq = rec.events.map((e) => e.sequence);
      check(
        seq.every((s, i) => i === 0 || s > seq[i - 1]!),
        `event sequence numbers must increase: ${seq.join(',')}`,
      );
    },
  },
  {
    name: 'a throwing listener never breaks the driver',
    async run(kit) {
      kit.driver.on('lifecycle', () => {
        throw new Error('listener failure (expected by the kit)');
      });
      const rec = kit.recordEvents();
      const uuid = await kit.spawn();
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, SHUTDOWN, 'powerOff with a throwing listener');
      checkEqual(
        rec.events.map((e) => e.transition),
        ['STARTED', 'STOPPED'],
        'events seen by the other listener',
      );
    },
  },
  {
    name: 'calls on one instance run one at a time, in arrival order',
    async run(kit) {
      const uuid = await kit.spawn();
      const calls = [
        kit.driver.powerOff(kit.ctx, kit.ref(uuid)),
        kit.driver.powerOn(kit.ctx, kit.ref(uuid)),
        kit.driver.powerOff(kit.ctx, kit.ref(uuid)),
      ];
      await Promise.all(calls);
      await kit.expectState(uuid, SHUTDOWN, 'powerOff, powerOn, powerOff issued together');
    },
  },
  {
    name: 'host-boot resume, file checks and polling answer',
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.resumeStateOnHostBoot(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, RUNNING, 'resumeStateOnHostBoot of a running instance');
      check(
        typeof (await kit.driver.instanceOnDisk(kit.ctx, kit.ref(uuid))) === 'boolean',
        'instanceOnDisk must answer a boolean',
      );
      check(
        !(await kit.driver.instanceOnDisk(kit.ctx, kit.ref(randomUUID()))),
        'instanceOnDisk of an instance no host ever had must be false (there are no files to reach)',
      );
      await kit.driver.pollRebootingInstances(kit.ctx, { timeoutSec: 60, instances: [{ uuid }] });
      await kit.driver.destroy(kit.ctx, kit.ref(uuid));
      check(
        (await kit.driver.deleteInstanceFiles(kit.ctx, kit.ref(uuid))) === true,
        'deleteInstanceFiles after destroy must report nothing left',
      );
    },
  },
]);

/** `migration.cold`: what destroy leaves on the source of a cold migration under way. */
export const coldMigrationDestroySuite = defineSuite('migration.cold', [
  {
    name:
      'an instance destroyed on the source of a cold migration leaves nothing behind: its uuid spawned there ' +
      'again powers off and on',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const req = kit.spawnRequest();
      kit.track(req.instance.uuid);
      await pair.source.spawn(kit.ctx, req);
      await pair.source.migrateDiskAndPowerOff(kit.ctx, {
        instance: req.instance,
        dest: pair.destinationHost,
        flavor: req.instance.flavor,
      });
      kit.step('destroying the instance on the source while its migration is under way');
      await pair.source.destroy(kit.ctx, kit.ref(req.instance.uuid));
      check(
        !(await pair.source.instanceExists(kit.ctx, kit.ref(req.instance.uuid))),
        'the source must not have the destroyed instance',
      );
      kit.step('spawning the uuid again on the source');
      await pair.source.spawn(kit.ctx, req);
      await kit.expectState(req.instance.uuid, RUNNING, 'the new spawn', pair.source);
      await pair.source.powerOff(kit.ctx, kit.ref(req.instance.uuid));
      await pair.source.powerOn(kit.ctx, kit.ref(req.instance.uuid));
      await kit.expectState(req.instance.uuid, RUNNING, 'powerOn of the new instance', pair.source);
    },
  },
]);

/** The error `promise` rejects with, or undefined when it succeeds. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error ?? new Error(String(error));
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function firstNode(kit: KitContext): Promise<string> {
  const [node] = await kit.driver.getAvailableNodes(kit.ctx, { refresh: false });
  check(typeof node === 'string', 'getAvailableNodes must list a node');
  return node;
}
