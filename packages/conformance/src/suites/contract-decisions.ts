import { isIP } from 'node:net';
import { randomUUID } from 'node:crypto';
import {
  PowerState,
  ProviderTree,
  type BlockDeviceMappingInput,
  type GetDeviceNameForInstanceRequest,
  type LifecycleEvent,
  type MigrateData,
} from '@virtkit/core';
import { check, checkEqual, checkRejects } from '../kit/assertions.js';
import type { KitContext, MigrationPair } from '../kit/kit-context.js';
import {
  checkOnOneHost,
  liveMigrationInFlight,
  prepareLiveMigration,
  resourcesUsed,
  type LiveMigrationRun,
} from '../kit/live-migration.js';
import { snapshotImage } from '../kit/snapshot-image.js';
import { defineSuite, type KitSuite } from '../kit/suite.js';

// The decisions of docs/contract.md where drivers used to disagree, checked over the public calls.
// One suite per capability involved, so the planner runs each where the map advertises it.

const { RUNNING, NOSTATE, SHUTDOWN } = PowerState;
const GIB = 1024 ** 3;

/** After an abort: rolled back at the destination, the instance RUNNING at the source only, no claim left there. */
async function checkAbortedMigration(
  kit: KitContext,
  pair: MigrationPair,
  uuid: string,
  run: LiveMigrationRun,
  used: number[] | undefined,
  how: string,
): Promise<void> {
  // A call queued behind the migration returns once the driver's migration has ended (powerOn of a running instance
  // changes nothing).
  await pair.source.powerOn(kit.ctx, kit.ref(uuid));
  await pair.destination.rollbackLiveMigrationAtDestination(kit.ctx, { ...kit.full(uuid), networkInfo: [] });
  checkEqual(await checkOnOneHost(kit, pair, uuid), 'source', `where the instance is after ${how}`);
  await kit.expectState(uuid, RUNNING, how, pair.source);
  if (used)
    checkEqual(
      await resourcesUsed(kit, pair.destination),
      used,
      `resources used on the destination after ${how} and rollback (as before)`,
    );
  checkEqual(run.callbacks.post, 0, `postMethod runs after ${how}`);
}

const liveMigrationDecisions = defineSuite('migration.live', [
  {
    name:
      'contract: liveMigrationAbort makes liveMigration reject with ABORTED (not MIGRATION_FAILED); RUNNING at ' +
      'the source, nothing held at the destination',
    needs: ['createMigrationPair'],
    async run(kit) {
      const { pair, uuid, used, run } = await liveMigrationInFlight(kit);
      await pair.source.liveMigrationAbort(kit.ctx, kit.ref(uuid));
      await checkRejects(run.done, 'ABORTED', 'liveMigration after liveMigrationAbort');
      await checkAbortedMigration(kit, pair, uuid, run, used, 'an aborted live migration');
    },
  },
  {
    name:
      "contract: the caller's signal aborts a live migration with ABORTED; RUNNING at the source, nothing held " +
      'at the destination',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const used = await resourcesUsed(kit, pair.destination);
      const migrateData = await prepareLiveMigration(kit, pair, uuid);
      const controller = new AbortController();
      const reports: number[] = [];
      const callbacks = { post: 0, recover: 0 };
      const done = pair.source.liveMigration(
        { ...kit.ctx, signal: controller.signal, onProgress: (p: { percent: number }) => void reports.push(p.percent) },
        {
          instance: kit.instance(uuid),
          dest: pair.destinationHost,
          migrateData,
          postMethod: async () => void callbacks.post++,
          recoverMethod: async () => void callbacks.recover++,
        },
      );
      done.catch(() => undefined);
      const run = { done, reports: reports as never, callbacks };
      const until = Date.now() + 10_000;
      while (reports.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 1));
      controller.abort(new Error('the kit aborts the migration'));
      await checkRejects(done, 'ABORTED', 'liveMigration after the caller aborted its signal');
      await checkAbortedMigration(kit, pair, uuid, run, used, 'a live migration aborted by the signal');
    },
  },
  {
    name:
      'contract: liveMigration before preLiveMigration at the destination is INVALID_STATE naming the missing ' +
      'step, and changes nothing',
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({}, pair.source);
      const used = await resourcesUsed(kit, pair.destination);
      const instance = kit.instance(uuid);
      const unprepared = [
        ['no migrate data at all', undefined],
        ['the checks only (no preLiveMigration)', await checksOnly(kit, pair, uuid)],
      ] as const;
      for (const [what, migrateData] of unprepared) {
        const error = await checkRejects(
          pair.source.liveMigration(kit.ctx, { instance, dest: pair.destinationHost, migrateData }),
          'INVALID_STATE',
          `liveMigration with ${what}`,
        );
        check(
          /preLiveMigration/.test(error.message),
          `the INVALID_STATE of a liveMigration with ${what} must name the missing step (preLiveMigration), got: ` +
            `${error.message}`,
        );
        checkEqual(
          await checkOnOneHost(kit, pair, uuid),
          'source',
          `where the instance is after a liveMigration with ${what}`,
        );
        await kit.expectState(uuid, RUNNING, `a refused liveMigration (${what})`, pair.source);
      }
      if (used)
        checkEqual(
          await resourcesUsed(kit, pair.destination),
          used,
          'resources used on the destination after refused migrations',
        );
    },
  },
]);

/** The destination and source checks of the protocol, without the preparation step. */
async function checksOnly(kit: KitContext, pair: MigrationPair, uuid: string): Promise<MigrateData> {
  const instance = kit.instance(uuid);
  const destCheckData = await pair.destination.checkCanLiveMigrateDestination(kit.ctx, {
    instance,
    srcComputeInfo: { host: pair.sourceHost },
    dstComputeInfo: { host: pair.destinationHost },
  });
  try {
    return await pair.source.checkCanLiveMigrateSource(kit.ctx, { instance, destCheckData });
  } finally {
    await pair.destination.cleanupLiveMigrationDestinationCheck(kit.ctx, { destCheckData });
  }
}

const rescueDecisions = defineSuite('lifecycle.rescue', [
  {
    name:
      "contract: rescue with empty image metadata boots from the instance's own image (feature " +
      'defaultRescueImage), else NOT_SUPPORTED, never VALIDATION_FAILED',
    async run(kit) {
      const uuid = await kit.spawn();
      if (kit.feature('defaultRescueImage') === 'supported') {
        await kit.driver.rescue(kit.ctx, { ...kit.ref(uuid), imageMeta: {} });
        const info = await kit.driver.getInfo(kit.ctx, kit.ref(uuid));
        check(
          info.rescued === true && info.state === RUNNING,
          `after a rescue with empty image metadata getInfo must say rescued and RUNNING, got ${JSON.stringify(info)}`,
        );
        await kit.driver.unrescue(kit.ctx, kit.ref(uuid));
        const after = await kit.driver.getInfo(kit.ctx, kit.ref(uuid));
        check(
          after.rescued !== true && after.state === RUNNING,
          `after unrescue getInfo must say not rescued and RUNNING, got ${JSON.stringify(after)}`,
        );
      } else {
        await checkRejects(
          kit.driver.rescue(kit.ctx, { ...kit.ref(uuid), imageMeta: {} }),
          'NOT_SUPPORTED',
          'rescue with empty image metadata without the defaultRescueImage feature',
        );
        const info = await kit.driver.getInfo(kit.ctx, kit.ref(uuid));
        check(
          info.rescued !== true && info.state === RUNNING,
          `a refused rescue changes nothing, got ${JSON.stringify(info)}`,
        );
      }
    },
  },
]);

const snapshotDecisions = defineSuite('image.snapshot', [
  {
    name:
      'contract: snapshot fills an image the caller created; an unknown image id is NOT_FOUND, an image already ' +
      'holding data CONFLICT, both changing nothing',
    needs: ['createImage'],
    async run(kit) {
      const uuid = await kit.spawn();
      const unknown = { ...kit.progress(), imageId: `kit-never-created-${randomUUID()}` };
      await checkRejects(
        kit.driver.snapshot(unknown.ctx, { ...kit.ref(uuid), imageId: unknown.imageId }),
        'NOT_FOUND',
        'snapshot into an image nobody created',
      );
      check(
        !unknown.reports.some((r) => r.percent === 100),
        'a snapshot refused with NOT_FOUND must not report completion',
      );
      await kit.expectState(uuid, RUNNING, 'a snapshot refused with NOT_FOUND');
      const imageId = await snapshotImage(kit);
      await kit.driver.snapshot(kit.ctx, { ...kit.ref(uuid), imageId });
      await checkRejects(
        kit.driver.snapshot(kit.ctx, { ...kit.ref(uuid), imageId }),
        'CONFLICT',
        'a second snapshot into an image that holds data',
      );
      await kit.expectState(uuid, RUNNING, 'a snapshot refused with CONFLICT');
      // The image an interrupted snapshot did not fill is still usable.
      const other = await kit.spawn();
      await kit.driver.snapshot(kit.ctx, { ...kit.ref(other), imageId: await snapshotImage(kit) });
    },
  },
]);

const inventoryDecisions = defineSuite('inventory', [
  {
    name:
      "contract: updateProviderTree keeps allocation ratios already on the inventory (the kit's driver " +
      'configures none)',
    async run(kit) {
      const [nodename] = await kit.driver.getAvailableNodes(kit.ctx, { refresh: false });
      check(typeof nodename === 'string', 'getAvailableNodes must name a node');
      const fresh = new ProviderTree();
      fresh.newRoot(nodename, randomUUID());
      await kit.driver.updateProviderTree(kit.ctx, { providerTree: fresh, nodename });
      const classes = Object.keys(fresh.get(nodename).inventory);
      check(classes.length > 0, 'updateProviderTree must write an inventory');
      const tree = new ProviderTree();
      tree.newRoot(nodename, randomUUID());
      // Ratios an operator set, unlike any default: each must survive the driver's update.
      const preset = Object.fromEntries(classes.map((rc, i) => [rc, 7.25 + i]));
      tree.updateInventory(
        nodename,
        Object.fromEntries(classes.map((rc) => [rc, { total: 1, allocationRatio: preset[rc] }])),
      );
      await kit.driver.updateProviderTree(kit.ctx, { providerTree: tree, nodename });
      const after = tree.get(nodename).inventory as Record<string, { allocationRatio?: number }>;
      checkEqual(
        Object.fromEntries(classes.map((rc) => [rc, after[rc]?.allocationRatio])),
        preset,
        'allocation ratios after updateProviderTree (the ones already set)',
      );
    },
  },
]);

const volumeDecisions = defineSuite('volume', [
  {
    name:
      "contract: the volume connector's ip is the host IP when no block-storage address is configured (the " +
      "kit's driver configures none)",
    async run(kit) {
      const uuid = await kit.spawn();
      const connector = await kit.driver.getVolumeConnector(kit.ctx, kit.full(uuid));
      check(isIP(connector.ip) !== 0, `the connector's ip must be an IP address, got ${JSON.stringify(connector.ip)}`);
      checkEqual(
        connector.ip,
        await kit.driver.getHostIp(kit.ctx),
        'the volume connector ip (no block-storage address configured)',
      );
    },
  },
]);

const deviceNameDecisions = defineSuite('volume.deviceNames', [
  {
    name: "gap: getDeviceNameForInstance never answers the root disk's own device, even when it is the one wished",
    async run(kit) {
      const uuid = await kit.spawn();
      const root = await kit.driver.defaultRootDeviceName(kit.ctx, { ...kit.full(uuid), imageMeta: kit.imageMeta });
      const row = (deviceName?: string): BlockDeviceMappingInput => ({
        sourceType: 'volume',
        destinationType: 'volume',
        ...(deviceName ? { deviceName } : {}),
      });
      const asks: [string, GetDeviceNameForInstanceRequest][] = [
        ['no root in the request, nothing wished', { instance: kit.instance(uuid), bdms: [], blockDevice: row() }],
        ['no root in the request, the root wished', { instance: kit.instance(uuid), bdms: [], blockDevice: row(root) }],
        [
          'the root named by the instance and wished',
          { instance: { ...kit.instance(uuid), rootDeviceName: root }, bdms: [], blockDevice: row(root) },
        ],
        [
          'the root named by the boot row and wished',
          {
            instance: kit.instance(uuid),
            bdms: [{ sourceType: 'image', destinationType: 'local', bootIndex: 0, deviceName: root }],
            blockDevice: row(root),
          },
        ],
      ];
      const bare = (name: string): string => name.replace(/^\/dev\//, '');
      for (const [what, request] of asks) {
        const name: string = await kit.driver.getDeviceNameForInstance(kit.ctx, request);
        check(
          bare(name) !== bare(root),
          `getDeviceNameForInstance (${what}) answered ${name}, the root disk's own device`,
        );
      }
    },
  },
]);

const diskInfoDecisions = defineSuite('migration.cold', [
  {
    name: 'gap: getInstanceDiskInfo lists each local disk: none is the root, ephemeral and swap disks summed',
    async run(kit) {
      const flavor = {
        ...kit.flavor,
        name: 'kit.disks',
        rootGb: Math.max(1, kit.flavor.rootGb),
        ephemeralGb: 1,
        swapMb: 512,
      };
      const req = kit.spawnRequest();
      Object.assign(req.instance, { flavor });
      const uuid = req.instance.uuid;
      kit.track(uuid);
      await kit.driver.spawn(kit.ctx, req);
      const disks = await kit.driver.getInstanceDiskInfo(kit.ctx, kit.full(uuid));
      const largest = Math.max(flavor.rootGb * GIB, flavor.ephemeralGb * GIB, flavor.swapMb * 1024 * 1024);
      for (const disk of disks) {
        check(
          disk.virtualSizeBytes <= largest,
          `a disk of ${disk.virtualSizeBytes} bytes is larger than any of the flavor's disks (root ${flavor.rootGb} ` +
            `GiB, ephemeral 1 GiB, swap 512 MiB): disks summed into one? ${JSON.stringify(disks)}`,
        );
      }
      const paths = disks.map((d: { path: string }) => d.path);
      checkEqual(new Set(paths).size, paths.length, 'distinct disk paths');
    },
  },
]);

const eventDecisions = defineSuite('lifecycle', [
  {
    name:
      'contract: spawn emits one STARTED from NOSTATE and power off one STOPPED, even for a driver forwarding ' +
      "its hypervisor's own events (no STOPPED to NOSTATE)",
    async run(kit) {
      const rec = kit.recordEvents();
      const uuid = await kit.spawn();
      await kit.settle();
      const mine = (): LifecycleEvent[] => rec.events.filter((e) => e.instanceUuid === uuid);
      checkEqual(
        mine().map((e) => `${e.transition} ${e.previousState}->${e.state}`),
        [`STARTED ${NOSTATE}->${RUNNING}`],
        'events of spawn',
      );
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      await kit.settle();
      checkEqual(
        mine().map((e) => `${e.transition} ${e.previousState}->${e.state}`),
        [`STARTED ${NOSTATE}->${RUNNING}`, `STOPPED ${RUNNING}->${SHUTDOWN}`],
        'events of spawn then power off',
      );
    },
  },
]);

/** Every contract-decision suite, registered in the suites index. */
export const CONTRACT_DECISION_SUITES: readonly KitSuite[] = [
  eventDecisions,
  rescueDecisions,
  liveMigrationDecisions,
  diskInfoDecisions,
  volumeDecisions,
  deviceNameDecisions,
  inventoryDecisions,
  snapshotDecisions,
];
