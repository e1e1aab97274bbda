import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { IMAGE_DISK_FORMATS } from '@virtkit/core';
import { check, checkEqual, checkRejects, malformed } from '../kit/assertions.js';
import { diffMaps } from '../kit/map-diff.js';
import { defineSuite } from '../kit/suite.js';

/** Calls every driver has, and properties of the capability map. */
export const coreSuite = defineSuite('core', [
  {
    name: 'the capability map is frozen, plain JSON, and names the driver',
    async run(kit) {
      const map = kit.driver.capabilities;
      check(
        Object.isFrozen(map) && Object.isFrozen(map.capabilities) && Object.isFrozen(map.features),
        'the map and its parts must be frozen',
      );
      checkEqual(JSON.parse(JSON.stringify(map)), map, 'the map must survive a JSON round trip');
      check(typeof map.driver.name === 'string' && map.driver.name.length > 0, 'the map must name the driver');
    },
  },
  {
    name: "the capability map does not change over the driver's life",
    async run(kit) {
      const before = JSON.stringify(kit.driver.capabilities);
      if (kit.driver.capabilities.capabilities.lifecycle) {
        const uuid = await kit.spawn();
        await kit.driver.destroy(kit.ctx, kit.ref(uuid));
      }
      await kit.driver.getAvailableNodes(kit.ctx, { refresh: true });
      const changed = diffMaps(JSON.parse(before), JSON.parse(JSON.stringify(kit.driver.capabilities)));
      check(changed.length === 0, `the capability map changed after calls; changed keys: ${changed.join(', ')}`);
      let threw = false;
      try {
        (kit.driver.capabilities.capabilities as Record<string, boolean>)['volume.extend'] =
          !kit.driver.capabilities.capabilities['volume.extend'];
      } catch {
        threw = true;
      }
      const written = diffMaps(JSON.parse(before), JSON.parse(JSON.stringify(kit.driver.capabilities)));
      check(
        written.length === 0,
        `the capability map changed after an attempted write; changed keys: ${written.join(', ')}`,
      );
      void threw;
    },
  },
  {
    name: 'getInfo of an unknown instance is INSTANCE_NOT_FOUND',
    async run(kit) {
      await checkRejects(kit.driver.getInfo(kit.ctx, kit.ref(randomUUID())), 'INSTANCE_NOT_FOUND', 'getInfo(unknown)');
      check(
        (await kit.driver.instanceExists(kit.ctx, kit.ref(randomUUID()))) === false,
        'instanceExists(unknown) must be false',
      );
    },
  },
  {
    name: 'a fresh driver lists no instances and counts agree',
    async run(kit) {
      checkEqual(await kit.driver.listInstances(kit.ctx), [], 'listInstances');
      checkEqual(await kit.driver.listInstanceUuids(kit.ctx), [], 'listInstanceUuids');
      checkEqual(await kit.driver.countInstances(kit.ctx), 0, 'countInstances');
    },
  },
  {
    name: 'nodes: at least one node, nodeIsAvailable agrees, host ip is an IP',
    async run(kit) {
      const nodes: string[] = await kit.driver.getAvailableNodes(kit.ctx, { refresh: false });
      check(Array.isArray(nodes) && nodes.length > 0, 'getAvailableNodes must return at least one node');
      check(
        await kit.driver.nodeIsAvailable(kit.ctx, { nodename: nodes[0] }),
        `nodeIsAvailable(${nodes[0]}) must be true`,
      );
      check(
        !(await kit.driver.nodeIsAvailable(kit.ctx, { nodename: `no-such-node-${randomUUID()}` })),
        'nodeIsAvailable(unknown) must be false',
      );
      const ip = await kit.driver.getHostIp(kit.ctx);
      check(isIP(ip) !== 0, `getHostIp must return an IP address, got ${JSON.stringify(ip)}`);
      const binding = await kit.driver.networkBindingHostId(kit.ctx, kit.ref(randomUUID()));
      check(typeof binding === 'string' && binding.length > 0, 'networkBindingHostId must return a host id');
    },
  },
  {
    name: 'malformed requests are VALIDATION_FAILED',
    async run(kit) {
      await checkRejects(
        kit.driver.getInfo(kit.ctx, { instance: { uuid: 'not-a-uuid' } }),
        'VALIDATION_FAILED',
        'getInfo(bad uuid)',
      );
      await checkRejects(
        kit.driver.getInfo(kit.ctx, { instance: { uuid: randomUUID(), __proto__: { polluted: true } } } as never),
        'INSTANCE_NOT_FOUND',
        'getInfo with a literal __proto__ (not an own key)',
      );
      await checkRejects(
        kit.driver.getInfo(kit.ctx, malformed(JSON.parse('{"instance":{"uuid":"x","__proto__":{"a":1}}}') as unknown)),
        'VALIDATION_FAILED',
        'getInfo with an own __proto__ key',
      );
      await checkRejects(
        kit.driver.nodeIsAvailable(kit.ctx, malformed({ nodename: 42 })),
        'VALIDATION_FAILED',
        'nodeIsAvailable(42)',
      );
    },
  },
  {
    name: 'the advertised image types are known disk formats, each named once',
    async run(kit) {
      const types: readonly string[] = kit.driver.capabilities.imageTypes ?? [];
      const known: readonly string[] = IMAGE_DISK_FORMATS;
      const unknown = types.filter((t) => !known.includes(t));
      check(unknown.length === 0, `imageTypes must name disk formats only, got ${JSON.stringify(unknown)}`);
      checkEqual(new Set(types).size, types.length, `distinct imageTypes (${types.join(', ')})`);
    },
  },
  {
    name: 'getInfo memKb (when reported) is more than 0 while the guest runs or is paused, and 0 once it is stopped',
    requires: ['lifecycle'],
    async run(kit) {
      const uuid = await kit.spawn();
      const memKb = async (): Promise<number | undefined> => (await kit.driver.getInfo(kit.ctx, kit.ref(uuid))).memKb;
      const running = await memKb();
      if (running === undefined) return;
      check(running > 0, `memKb of a running guest must be more than 0, got ${running}`);
      if (kit.supports('lifecycle.pause')) {
        await kit.driver.pause(kit.ctx, kit.ref(uuid));
        const paused = await memKb();
        check(
          paused !== undefined && paused > 0,
          `memKb of a paused guest (its memory is kept) must be more than 0, got ${paused}`,
        );
        await kit.driver.unpause(kit.ctx, kit.ref(uuid));
      }
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      checkEqual(await memKb(), 0, 'memKb of a stopped guest');
    },
  },
  {
    name: 'an aborted signal stops a call before it starts (ABORTED)',
    async run(kit) {
      const controller = new AbortController();
      controller.abort();
      await checkRejects(
        kit.driver.getAvailableNodes({ signal: controller.signal }, {}),
        'ABORTED',
        'call with an aborted signal',
      );
      await checkRejects(
        kit.driver.getAvailableNodes({ deadline: Date.now() - 1 }, {}),
        'TIMEOUT',
        'call past its deadline',
      );
    },
  },
]);
