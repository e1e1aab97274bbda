import { randomUUID } from 'node:crypto';
import { ProviderTree, TRAIT_NAME_PATTERN, isVirtkitError } from '@virtkit/core';
import { check, checkCounters, checkEqual, checkRejects, malformed } from '../kit/assertions.js';
import type { KitContext } from '../kit/kit-context.js';
import { defineSuite } from '../kit/suite.js';
import { unknownInstance } from '../kit/traits.js';

const USED = ['vcpusUsed', 'memoryMbUsed', 'localGbUsed'] as const;
/** The largest vCPUs and memory a flavor may carry (core's Flavor bounds): valid, yet no host holds them. */
const MAX_VCPUS = 4096;
const MAX_MEMORY_MB = 64 * 1024 * 1024;

/** `inventory`: the resource report, the provider tree, traits, overhead. */
export const inventorySuite = defineSuite('inventory', [
  {
    name: 'the available resource report has every key, with the right types',
    async run(kit) {
      const r = await kit.driver.getAvailableResource(kit.ctx, { nodename: await firstNode(kit) });
      checkCounters(r, ['vcpus', 'memoryMb', 'localGb', ...USED], 'getAvailableResource');
      check(
        Number.isInteger(r.hypervisorVersion) && r.hypervisorVersion >= 0,
        `hypervisorVersion must be an integer, got ${JSON.stringify(r.hypervisorVersion)}`,
      );
      check(
        typeof r.diskAvailableLeast === 'number' && Number.isFinite(r.diskAvailableLeast),
        'diskAvailableLeast must be a number',
      );
      for (const key of ['hypervisorType', 'hypervisorHostname', 'cpuInfo'] as const) {
        check(
          typeof r[key] === 'string' && r[key].length > 0,
          `'${key}' must be a non-empty string, got ${JSON.stringify(r[key])}`,
        );
      }
      check(isJson(r.cpuInfo), `cpuInfo must be JSON text, got ${JSON.stringify(r.cpuInfo)}`);
      check(
        Array.isArray(r.supportedInstances) &&
          r.supportedInstances.length > 0 &&
          r.supportedInstances.every(
            (t: unknown) => Array.isArray(t) && t.length === 3 && t.every((s) => typeof s === 'string' && s.length > 0),
          ),
        `supportedInstances must be at least one [arch, hypervisorType, vmMode] triple of non-empty strings, got ` +
          `${JSON.stringify(r.supportedInstances)}`,
      );
      const cpu = JSON.parse(r.cpuInfo) as unknown;
      check(
        typeof cpu === 'object' && cpu !== null && !Array.isArray(cpu),
        `cpuInfo must be a JSON object, got ${r.cpuInfo}`,
      );
      const arch = (cpu as { arch?: unknown }).arch;
      const arches = r.supportedInstances.map((t) => t[0]);
      check(
        typeof arch === 'string' && arches.includes(arch),
        `cpuInfo must name its arch, one of the supported instances' (${arches.join(', ')}), got ` +
          JSON.stringify(arch),
      );
    },
  },
  {
    name:
      'the resource report names the node asked for; disk available least is at most the local disk, also with an ' +
      'instance',
    async run(kit) {
      const nodename = await firstNode(kit);
      const check1 = async (when: string): Promise<void> => {
        const r = await kit.driver.getAvailableResource(kit.ctx, { nodename });
        checkEqual(r.hypervisorHostname, nodename, `hypervisorHostname ${when} (the node asked for)`);
        check(
          r.diskAvailableLeast <= r.localGb,
          `diskAvailableLeast (${r.diskAvailableLeast} GB) ${when} must not exceed localGb (${r.localGb} GB)`,
        );
      };
      await check1('of an empty host');
      await kit.spawn();
      await check1('with an instance');
    },
  },
  {
    name:
      'calls naming a node the driver does not manage are NOT_FOUND (resources, traits, provider tree), never ' +
      "this node's figures",
    async run(kit) {
      const other = `kit-no-such-node-${randomUUID().slice(0, 8)}`;
      await checkRejects(
        kit.driver.getAvailableResource(kit.ctx, { nodename: other }),
        'NOT_FOUND',
        'getAvailableResource(unknown node)',
      );
      await checkRejects(kit.driver.getTraits(kit.ctx, { nodename: other }), 'NOT_FOUND', 'getTraits(unknown node)');
      const tree = new ProviderTree();
      tree.newRoot(other, randomUUID());
      await checkRejects(
        kit.driver.updateProviderTree(kit.ctx, { nodename: other, providerTree: tree }),
        'NOT_FOUND',
        'updateProviderTree(unknown node)',
      );
      checkEqual(tree.get(other).inventory, {}, 'the inventory of the unknown node after the refused update');
    },
  },
  {
    name: 'spawning raises vcpusUsed, memoryMbUsed and localGbUsed by the flavor; destroying lowers them again',
    async run(kit) {
      const nodename = await firstNode(kit);
      const used = async (): Promise<number[]> => {
        const r = await kit.driver.getAvailableResource(kit.ctx, { nodename });
        return USED.map((k) => r[k]);
      };
      const before = await used();
      const uuid = await kit.spawn();
      const during = await used();
      const flavor = [kit.flavor.vcpus, kit.flavor.memoryMb, kit.flavor.rootGb];
      USED.forEach((key, i) =>
        check(
          during[i]! >= before[i]! + flavor[i]!,
          `${key} must grow by at least ${flavor[i]} on spawn: ${before[i]} -> ${during[i]}`,
        ),
      );
      await kit.driver.destroy(kit.ctx, kit.ref(uuid));
      checkEqual(await used(), before, `${USED.join(', ')} after destroy`);
    },
  },
  {
    name:
      'a flavor that only its vCPUs rule out, and one that only its memory rules out, are each refused (never ' +
      'VALIDATION_FAILED) and leave the usage as it was',
    requires: ['lifecycle'],
    async run(kit) {
      const nodename = await firstNode(kit);
      const used = async (): Promise<number[]> => {
        const r = await kit.driver.getAvailableResource(kit.ctx, { nodename });
        return USED.map((k) => r[k]);
      };
      await kit.spawn();
      const before = await used();
      // Each within the Flavor bounds, far beyond any host in one resource, the kit's flavor in the others.
      for (const [what, change] of [
        ['vCPUs', { vcpus: MAX_VCPUS }],
        ['memory', { memoryMb: MAX_MEMORY_MB }],
      ] as const) {
        const req = kit.spawnRequest();
        kit.track(req.instance.uuid);
        const flavor = { ...req.instance.flavor, ...change, name: `kit.too-much-${what}` };
        let error: unknown;
        try {
          await kit.driver.spawn(kit.ctx, { ...req, instance: { ...req.instance, flavor } });
        } catch (e) {
          error = e;
        }
        check(error !== undefined, `spawn of a flavor with too much ${what} for any host must be refused`);
        check(
          isVirtkitError(error) && error.code !== 'VALIDATION_FAILED',
          `spawn of a flavor with too much ${what} is a valid request: expected INSUFFICIENT_RESOURCES (or ` +
            `DRIVER_ERROR...), got ${error instanceof Error ? error.message : typeof error}`,
        );
        check(
          !(await kit.driver.instanceExists(kit.ctx, kit.ref(req.instance.uuid))),
          `after the refused spawn (too much ${what}), instanceExists must be false`,
        );
        checkEqual(await used(), before, `${USED.join(', ')} after the refused spawn (too much ${what})`);
      }
    },
  },
  {
    name:
      'updateProviderTree puts VCPU, MEMORY_MB and DISK_GB on the node; an update without change keeps the ' +
      'generation',
    async run(kit) {
      const nodename = await firstNode(kit);
      const tree = new ProviderTree();
      tree.newRoot(nodename, randomUUID());
      await kit.driver.updateProviderTree(kit.ctx, { nodename, providerTree: tree });
      const node = tree.get(nodename);
      const r = await kit.driver.getAvailableResource(kit.ctx, { nodename });
      const expected: [string, number][] = [
        ['VCPU', r.vcpus],
        ['MEMORY_MB', r.memoryMb],
        ['DISK_GB', r.localGb],
      ];
      for (const [cls, total] of expected) {
        check(
          node.inventory[cls]?.total === total,
          `${cls} total must be ${total} (getAvailableResource), got ${JSON.stringify(node.inventory[cls])}`,
        );
      }
      await kit.driver.updateProviderTree(kit.ctx, { nodename, providerTree: tree });
      checkEqual(tree.get(nodename).generation, node.generation, 'the generation after an update that changes nothing');
    },
  },
  {
    name: 'updateProviderTree without the node in the tree is NOT_FOUND; a plain object is VALIDATION_FAILED',
    async run(kit) {
      const nodename = await firstNode(kit);
      await checkRejects(
        kit.driver.updateProviderTree(kit.ctx, { nodename, providerTree: new ProviderTree() }),
        'NOT_FOUND',
        'a tree without the node',
      );
      await checkRejects(
        kit.driver.updateProviderTree(kit.ctx, malformed({ nodename, providerTree: { roots: [] } })),
        'VALIDATION_FAILED',
        'a plain object as the tree',
      );
    },
  },
  {
    name: 'traits are well-formed names without duplicates, the same when asked again',
    async run(kit) {
      const nodename = await firstNode(kit);
      const traits: string[] = await kit.driver.getTraits(kit.ctx, { nodename });
      check(
        Array.isArray(traits) && traits.every((t) => TRAIT_NAME_PATTERN.test(t)),
        `getTraits must return trait names, got ${JSON.stringify(traits)}`,
      );
      checkEqual(new Set(traits).size, traits.length, 'distinct traits');
      checkEqual(
        [...(await kit.driver.getTraits(kit.ctx, { nodename }))].sort(),
        [...traits].sort(),
        'getTraits asked again',
      );
      await checkRejects(
        kit.driver.getTraits(kit.ctx, malformed({ nodename: 7 })),
        'VALIDATION_FAILED',
        'getTraits(nodename 7)',
      );
    },
  },
  {
    name: 'the overhead estimate is three non-negative numbers',
    async run(kit) {
      const estimate = await kit.driver.estimateInstanceOverhead(kit.ctx, kit.full(unknownInstance()));
      checkCounters(estimate, ['memoryMb', 'diskGb', 'vcpus'], 'estimateInstanceOverhead');
      await checkRejects(
        kit.driver.estimateInstanceOverhead(
          kit.ctx,
          malformed({ instance: { uuid: unknownInstance(), flavor: { name: 'x', vcpus: 0 } } }),
        ),
        'VALIDATION_FAILED',
        'a flavor with 0 vcpus',
      );
    },
  },
]);

/** `inventory.legacy` (deprecated). */
export const inventoryLegacySuite = defineSuite('inventory.legacy', [
  {
    name: 'the flat inventory has VCPU, MEMORY_MB and DISK_GB records',
    async run(kit) {
      const nodename = await firstNode(kit);
      const inventory = await kit.driver.getInventory(kit.ctx, { nodename });
      for (const cls of ['VCPU', 'MEMORY_MB', 'DISK_GB'] as const) {
        const record = inventory[cls];
        check(record !== undefined, `getInventory must have a ${cls} record`);
        checkCounters(
          record,
          ['total', 'reserved', 'minUnit', 'maxUnit', 'stepSize', 'allocationRatio'],
          `getInventory ${cls}`,
        );
        check(record!.total > 0, `${cls} total must be positive`);
      }
      await checkRejects(
        kit.driver.getInventory(kit.ctx, { nodename: `kit-no-such-node-${randomUUID().slice(0, 8)}` }),
        'NOT_FOUND',
        'getInventory(a node the driver does not manage)',
      );
      if (kit.supports('inventory')) {
        const r = await kit.driver.getAvailableResource(kit.ctx, { nodename });
        checkEqual(
          [inventory.VCPU?.total, inventory.MEMORY_MB?.total, inventory.DISK_GB?.total],
          [r.vcpus, r.memoryMb, r.localGb],
          'getInventory totals vs getAvailableResource',
        );
      }
    },
  },
]);

/** `inventory.usage`. */
export const inventoryUsageSuite = defineSuite('inventory.usage', [
  {
    name: 'usage lists each instance by uuid with its flavor, and drops it once destroyed',
    async run(kit) {
      checkEqual(await kit.driver.getPerInstanceUsage(kit.ctx), {}, 'usage of a host without instances');
      const uuid = await kit.spawn();
      const usage = (await kit.driver.getPerInstanceUsage(kit.ctx))[uuid];
      check(usage !== undefined, 'getPerInstanceUsage must list the new instance under its uuid');
      checkEqual(
        [usage.uuid, usage.vcpus, usage.memoryMb],
        [uuid, kit.flavor.vcpus, kit.flavor.memoryMb],
        'uuid, vcpus, memoryMb',
      );
      checkCounters(usage, ['cpuTimeNs'], 'getPerInstanceUsage');
      await kit.driver.destroy(kit.ctx, kit.ref(uuid));
      checkEqual(await kit.driver.getPerInstanceUsage(kit.ctx), {}, 'usage after destroy');
    },
  },
]);

/** The first node the driver manages. */
async function firstNode(kit: KitContext): Promise<string> {
  const [node] = await kit.driver.getAvailableNodes(kit.ctx, { refresh: false });
  check(typeof node === 'string', 'getAvailableNodes must list a node');
  return node;
}

function isJson(text: unknown): boolean {
  try {
    JSON.parse(String(text));
    return true;
  } catch {
    return false;
  }
}
