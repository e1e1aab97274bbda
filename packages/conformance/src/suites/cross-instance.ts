import { isIP } from 'node:net';
import {
  CAPABILITY_TRAITS,
  FEATURE_FLAGS,
  PowerState,
  isVirtkitError,
  toTraits,
  type CapabilityName,
  type Flavor,
  type InstanceInfo,
  type VolumeConnectionInfo,
} from '@virtkit/core';
import { KitAssertionError, check, checkEqual, checkRejects, stateName } from '../kit/assertions.js';
import { moveDisks, newMigration, plus } from '../kit/cold-migration.js';
import type { KitContext, LiveConsoleCall, MigrationPair } from '../kit/kit-context.js';
import { liveMigrate, resourcesUsed } from '../kit/live-migration.js';
import { defineSuite, type KitSuite } from '../kit/suite.js';
import { footprint } from './failure-paths.js';

const { RUNNING, SHUTDOWN, PAUSED } = PowerState;

/** A second flavor, different in every counted resource from the kit's. */
function otherFlavor(kit: KitContext): Flavor {
  const f = kit.flavor;
  return { ...f, name: `${f.name}-b`, vcpus: f.vcpus + 1, memoryMb: f.memoryMb * 2 };
}

/** Spawn with a given flavor (tracked). */
async function spawnWithFlavor(
  kit: KitContext,
  flavor: Flavor,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const req = kit.spawnRequest(overrides);
  req.instance.flavor = flavor;
  kit.track(req.instance.uuid);
  await kit.driver.spawn(kit.ctx, req);
  return req.instance.uuid;
}

/** getInfo's counts against the flavor, when the driver reports them: vCPUs, and memory in KiB. */
function checkInfoAgainstFlavor(info: Partial<InstanceInfo>, flavor: Flavor, who: string): void {
  if (info.numCpu !== undefined) checkEqual(info.numCpu, flavor.vcpus, `getInfo(${who}).numCpu (the flavor's vCPUs)`);
  if (info.maxMemKb !== undefined)
    checkEqual(
      info.maxMemKb,
      flavor.memoryMb * 1024,
      `getInfo(${who}).maxMemKb (the flavor's memory in KiB: memoryMb * 1024)`,
    );
  if (info.memKb !== undefined && info.maxMemKb !== undefined) {
    check(
      info.memKb >= 0 && info.memKb <= info.maxMemKb,
      `getInfo(${who}).memKb must be within 0..maxMemKb, got ${info.memKb} of ${info.maxMemKb}`,
    );
  }
}

/**
 * `lifecycle`: answers for the instance asked, listings that agree, parallel calls, events with the right uuid,
 * secrets.
 */
export const crossInstanceSuite = defineSuite('lifecycle', [
  {
    name: 'getInfo answers for the instance asked: two instances of different flavors and states each report their own',
    async run(kit) {
      const b = otherFlavor(kit);
      const first = await spawnWithFlavor(kit, kit.flavor);
      const second = await spawnWithFlavor(kit, b, { powerOn: false });
      for (const [uuid, flavor, state, who] of [
        [first, kit.flavor, RUNNING, 'the first'],
        [second, b, SHUTDOWN, 'the second'],
      ] as const) {
        kit.step(`getInfo of ${who} instance`);
        const info = await kit.driver.getInfo(kit.ctx, kit.ref(uuid));
        if (info.state !== state)
          throw new KitAssertionError(`getInfo(${who} instance) must report its own state`, undefined, {
            expected: stateName(state),
            actual: stateName(info.state),
          });
        checkInfoAgainstFlavor(info, flavor, `${who} instance`);
      }
    },
  },
  {
    name: "getInfo reports the flavor's vCPUs and memory in KiB (numCpu, maxMemKb), and memKb within it",
    async run(kit) {
      const uuid = await kit.spawn();
      checkInfoAgainstFlavor(await kit.driver.getInfo(kit.ctx, kit.ref(uuid)), kit.flavor, 'the instance');
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      checkInfoAgainstFlavor(await kit.driver.getInfo(kit.ctx, kit.ref(uuid)), kit.flavor, 'the stopped instance');
    },
  },
  {
    name: 'listInstances, listInstanceUuids, countInstances and instanceExists agree, with the names spawned',
    async run(kit) {
      const uuids = [await kit.spawn(), await kit.spawn({ powerOn: false }), await kit.spawn()];
      const gone = uuids.pop()!;
      await kit.driver.destroy(kit.ctx, kit.ref(gone));
      const names: string[] = await kit.driver.listInstances(kit.ctx);
      checkEqual(
        [...names].sort(),
        uuids.map((u) => kit.instance(u).name).sort(),
        'listInstances (the name of each live instance)',
      );
      checkEqual([...(await kit.driver.listInstanceUuids(kit.ctx))].sort(), [...uuids].sort(), 'listInstanceUuids');
      checkEqual(await kit.driver.countInstances(kit.ctx), uuids.length, 'countInstances');
      for (const u of uuids)
        check(await kit.driver.instanceExists(kit.ctx, kit.ref(u)), `instanceExists(${u}) must be true`);
      check(
        !(await kit.driver.instanceExists(kit.ctx, kit.ref(gone))),
        'instanceExists of the destroyed instance must be false',
      );
    },
  },
  {
    name: 'parallel calls on two instances each act on their own instance',
    async run(kit) {
      const a = await kit.spawn();
      const b = await kit.spawn({ powerOn: false });
      for (let round = 1; round <= 4; round++) {
        const [on, off] = round % 2 === 1 ? [b, a] : [a, b];
        kit.step(`round ${round}: powerOff of one instance and powerOn of the other, together`);
        await Promise.all([kit.driver.powerOff(kit.ctx, kit.ref(off)), kit.driver.powerOn(kit.ctx, kit.ref(on))]);
        await kit.expectState(
          off,
          SHUTDOWN,
          `round ${round}: powerOff issued together with powerOn of the other instance`,
        );
        await kit.expectState(
          on,
          RUNNING,
          `round ${round}: powerOn issued together with powerOff of the other instance`,
        );
      }
      if (!kit.supports('lifecycle.pause')) return;
      kit.step('pause of one instance and powerOff of the other, together');
      await Promise.all([kit.driver.pause(kit.ctx, kit.ref(a)), kit.driver.powerOff(kit.ctx, kit.ref(b))]);
      await kit.expectState(a, PAUSED, 'pause issued together with powerOff of the other instance');
      await kit.expectState(b, SHUTDOWN, 'powerOff issued together with pause of the other instance');
    },
  },
  {
    name: 'lifecycle events of two instances name the instance that changed',
    async run(kit) {
      const a = await kit.spawn();
      const b = await kit.spawn();
      const rec = kit.recordEvents();
      for (const [uuid, other, who] of [
        [a, b, 'first'],
        [b, a, 'second'],
      ] as const) {
        rec.events.splice(0);
        kit.step(`powerOff of the ${who} instance`);
        await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
        await kit.settle(10);
        const uuids = rec.events.map((e) => e.instanceUuid);
        check(!uuids.includes(other), `powerOff of the ${who} instance emitted an event naming the other instance`);
        check(
          uuids.includes(uuid),
          `powerOff of the ${who} instance emitted no event naming it (got ` +
            `${JSON.stringify(rec.events.map((e) => e.transition))})`,
        );
      }
    },
  },
  {
    name: 'secrets handed to the driver (admin password, volume credentials, rescue password) never reach its log',
    async run(kit) {
      const adminPassword = kit.secret('admin password of spawn');
      const uuid = await kit.spawn({ adminPassword });
      // an error path too: drivers tend to log requests when something fails
      const failing = kit.spawnRequest({ adminPassword: kit.secret('admin password of a failed spawn') });
      kit.track(failing.instance.uuid);
      failing.instance.flavor = {
        ...failing.instance.flavor,
        name: 'kit.impossible',
        vcpus: 4096,
        memoryMb: 64 * 1024 * 1024,
      };
      await kit.driver.spawn(kit.ctx, failing).catch(() => undefined);
      if (kit.supports('volume') && kit.fixtures.createVolume) {
        const connectionInfo = await kit.volume();
        const data = {
          ...(connectionInfo.data ?? {}),
          authUsername: 'kit-user',
          authPassword: kit.secret('volume connection password'),
        };
        await kit.driver
          .attachVolume(kit.ctx, {
            ...kit.full(uuid),
            connectionInfo: { ...connectionInfo, data },
            mountpoint: '/dev/vdb',
          })
          .catch(() => undefined);
      }
      if (kit.supports('guest.password'))
        await kit.driver.setAdminPassword(kit.ctx, {
          ...kit.full(uuid),
          newPassword: kit.secret('new admin password'),
        });
      if (kit.supports('lifecycle.rescue')) {
        await kit.driver.rescue(kit.ctx, {
          ...kit.ref(uuid),
          imageMeta: kit.fixtures.rescueImageMeta ?? kit.imageMeta,
          rescuePassword: kit.secret('rescue password'),
        });
      }
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      const leaked = kit.secretsInLog();
      check(leaked.length === 0, leaked.join('; '));
    },
  },
]);

/** `core`: a host address that can be used. */
export const hostAddressSuite = defineSuite('core', [
  {
    name: 'the host IP is an address others can reach (not unspecified 0.0.0.0 or ::)',
    async run(kit) {
      const ip: string = await kit.driver.getHostIp(kit.ctx);
      if (isIP(ip) === 0) return; // not an address at all: the core test 'nodes: ... host ip is an IP' reports it
      check(
        !['0.0.0.0', '::', '0:0:0:0:0:0:0:0'].includes(ip),
        `getHostIp must not be the unspecified address, got ${ip}`,
      );
    },
  },
]);

/** Every trait name the map can imply. */
function mapVocabulary(imageTypes: readonly string[]): Set<string> {
  const out = new Set<string>(Object.values(CAPABILITY_TRAITS).filter((t): t is string => typeof t === 'string'));
  for (const def of Object.values(FEATURE_FLAGS) as { trait?: string }[]) if (def.trait) out.add(def.trait);
  for (const t of imageTypes) out.add(`COMPUTE_IMAGE_TYPE_${t.toUpperCase()}`);
  return out;
}

/** `inventory`: traits that agree with the map; usage on both hosts of a migration. */
export const inventoryMeaningSuite = defineSuite('inventory', [
  {
    name: 'traits agree with the capability map (every trait the map implies, none it denies)',
    async run(kit) {
      const [nodename] = await kit.driver.getAvailableNodes(kit.ctx, { refresh: false });
      const traits: string[] = await kit.driver.getTraits(kit.ctx, { nodename });
      const implied = toTraits(kit.driver.capabilities);
      const missing = implied.filter((t) => !traits.includes(t));
      check(
        missing.length === 0,
        `getTraits must include what the capability map implies; missing: ${missing.join(', ')}`,
      );
      const vocabulary = mapVocabulary(kit.driver.capabilities.imageTypes ?? []);
      const denied = traits.filter((t) => vocabulary.has(t) && !implied.includes(t));
      check(denied.length === 0, `getTraits reports traits the capability map does not back: ${denied.join(', ')}`);
    },
  },
  {
    name: 'after a live migration, usage drops by the flavor on the source and rises by it on the destination',
    requires: ['migration.live'],
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const before = [await resourcesUsed(kit, pair.source), await resourcesUsed(kit, pair.destination)];
      const uuid = await kit.spawn({}, pair.source);
      await liveMigrate(kit, pair, uuid);
      kit.step('usage after the live migration');
      await checkUsageMoved(kit, pair, before, 'after the live migration');
    },
  },
  {
    name: 'an instance with a tagged NIC and no volume cold-migrates: RUNNING at the destination, gone from the source',
    requires: ['migration.cold'],
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const uuid = await kit.spawn({ networkInfo: [{ ...kit.vif(), tag: 'kit-nic' }] }, pair.source);
      const migration = await moveDisks(kit, pair, uuid);
      await pair.source.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      check(
        !(await pair.source.listInstanceUuids(kit.ctx)).includes(uuid),
        'the source must not list the instance after the confirmed migration',
      );
      await kit.expectState(uuid, RUNNING, 'the confirmed cold migration', pair.destination);
    },
  },
  {
    name:
      'after a cold migration is confirmed, usage drops by the flavor on the source and rises by it on the ' +
      'destination',
    requires: ['migration.cold'],
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const before = [await resourcesUsed(kit, pair.source), await resourcesUsed(kit, pair.destination)];
      const uuid = await kit.spawn({}, pair.source);
      const migration = await moveDisks(kit, pair, uuid);
      await pair.source.confirmMigration(kit.ctx, { ...kit.full(uuid), migration });
      kit.step('usage after the confirmed cold migration');
      await checkUsageMoved(kit, pair, before, 'after the migration was confirmed');
    },
  },
]);

/** `volume`: detaching one of two volumes, in either order. */
export const volumeIndependenceSuite = defineSuite('volume', [
  {
    name:
      "a cold migration brings the instance's volumes (its mapping) and tagged NICs to the destination: it shows " +
      'them, and attaching them again exactly is a no-op',
    requires: ['migration.cold'],
    needs: ['createVolume', 'createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const volume = await kit.volume();
      const vif = { ...kit.vif(), tag: 'kit-nic' };
      const blockDeviceInfo = { blockDeviceMapping: [{ mountDevice: '/dev/vdb', connectionInfo: volume }] };
      const req = kit.spawnRequest({ networkInfo: [vif], blockDeviceInfo });
      kit.track(req.instance.uuid);
      await pair.source.spawn(kit.ctx, req);
      kit.step('cold-migrating the instance (migrateDiskAndPowerOff, finishMigration with its NICs and volumes)');
      const diskInfo = await pair.source.migrateDiskAndPowerOff(kit.ctx, {
        ...kit.full(req.instance.uuid),
        dest: pair.destinationHost,
        flavor: kit.flavor,
      });
      await pair.destination.finishMigration(kit.ctx, {
        ...kit.full(req.instance.uuid),
        migration: newMigration(pair),
        diskInfo,
        imageMeta: kit.imageMeta,
        resizeInstance: false,
        powerOn: true,
        networkInfo: [vif],
        blockDeviceInfo,
      });
      const ref = kit.ref(req.instance.uuid);
      if (pair.destination.capabilities.capabilities.diagnostics === true) {
        const d = await pair.destination.getInstanceDiagnostics(kit.ctx, ref);
        const disks = d.diskDetails.map((x: { id: string }) => x.id.replace(/^\/dev\//, ''));
        check(disks.includes('vdb'), `the destination must show the volume at vdb, got ${disks.join(', ')}`);
        const macs = d.nicDetails.map((n: { macAddress: string }) => n.macAddress.toLowerCase());
        checkEqual(macs, [vif.address.toLowerCase()], 'MACs on the destination');
      }
      kit.step('attaching the volume and the NIC again, exactly as they are attached');
      await pair.destination.attachVolume(kit.ctx, {
        ...kit.full(req.instance.uuid),
        connectionInfo: volume,
        mountpoint: 'vdb',
      });
      const { capabilities, features } = pair.destination.capabilities;
      if (capabilities['network.hotplug'] === true && features.taggedInterfaceAttach === 'supported')
        await pair.destination.attachInterface(kit.ctx, { ...ref, imageMeta: kit.imageMeta, vif });
      await kit.expectState(req.instance.uuid, RUNNING, 'the retried attachments', pair.destination);
    },
  },
  {
    name:
      "a live-migrated instance's volume stays its own at the destination: another instance there cannot attach " +
      'it (CONFLICT) until the migrated instance is destroyed',
    requires: ['migration.live'],
    needs: ['createVolume', 'createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const volume = await kit.volume();
      const blockDeviceInfo = { blockDeviceMapping: [{ mountDevice: '/dev/vdb', connectionInfo: volume }] };
      const uuid = await kit.spawn({ blockDeviceInfo }, pair.source);
      const other = await kit.spawn({}, pair.destination);
      kit.step('live-migrating the instance with its volume');
      await liveMigrate(kit, pair, uuid);
      const attach = (): Promise<unknown> =>
        pair.destination.attachVolume(kit.ctx, { ...kit.full(other), connectionInfo: volume, mountpoint: '/dev/vdc' });
      await checkRejects(attach(), 'CONFLICT', "attaching the migrated instance's volume to another instance");
      kit.step('destroying the migrated instance at the destination');
      await pair.destination.destroy(kit.ctx, kit.ref(uuid));
      kit.step('attaching its volume to the other instance');
      await attach();
    },
  },
  {
    name:
      'a spawn mapping a (non-multiattach) volume another instance holds fails and leaves nothing behind: no ' +
      'instance, usage unchanged',
    needs: ['createVolume'],
    async run(kit) {
      const volume = await kit.volume();
      const blockDeviceInfo = { blockDeviceMapping: [{ mountDevice: '/dev/vdb', connectionInfo: volume }] };
      await kit.spawn({ blockDeviceInfo });
      const before = await footprint(kit, kit.driver);
      const req = kit.spawnRequest({ blockDeviceInfo });
      kit.track(req.instance.uuid);
      kit.step('spawning a second instance with the same volume');
      let outcome: unknown = 'succeeded';
      try {
        await kit.driver.spawn(kit.ctx, req);
      } catch (error) {
        outcome = error;
      }
      check(isVirtkitError(outcome), `the spawn must fail with a virtkit error (CONFLICT), got ${String(outcome)}`);
      checkEqual(await footprint(kit, kit.driver), before, 'instances and usage after the refused spawn');
    },
  },
  {
    name: 'detaching one volume never detaches another, in either order',
    needs: ['createVolume'],
    async run(kit) {
      const uuid = await kit.spawn();
      const disks = async (): Promise<string[] | undefined> => {
        if (!kit.supports('diagnostics')) return undefined;
        const d = await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid));
        return d.diskDetails.map((x: { id: string }) => x.id);
      };
      const other = kit.feature('multiattach') === 'supported' ? undefined : await kit.spawn();
      if ((await disks()) === undefined && other === undefined)
        kit.unverified(
          'neither diagnostics nor an exclusive (non-multiattach) volume lets the kit see what is attached',
        );
      for (const order of [
        ['/dev/vdb', '/dev/vdc'],
        ['/dev/vdc', '/dev/vdb'],
      ] as const) {
        const vols: Record<string, VolumeConnectionInfo> = {
          '/dev/vdb': await kit.volume(),
          '/dev/vdc': await kit.volume(),
        };
        for (const mp of ['/dev/vdb', '/dev/vdc'])
          await kit.driver.attachVolume(kit.ctx, { ...kit.full(uuid), connectionInfo: vols[mp], mountpoint: mp });
        const [first, second] = order;
        kit.step(`detaching ${first} while ${second} stays`);
        await kit.driver.detachVolume(kit.ctx, { ...kit.full(uuid), connectionInfo: vols[first], mountpoint: first });
        const now = await disks();
        if (now !== undefined) {
          check(
            !now.includes(first.replace('/dev/', '')),
            `after detaching ${first}, the instance still shows it (disks: ${now.join(', ')})`,
          );
          check(
            now.includes(second.replace('/dev/', '')),
            `after detaching ${first}, the volume at ${second} is gone too (disks: ${now.join(', ')})`,
          );
        }
        if (other !== undefined) {
          // the volume still attached cannot go to another instance; the detached one can
          const probe = await kit.driver
            .attachVolume(kit.ctx, { ...kit.full(other), connectionInfo: vols[second], mountpoint: '/dev/vdd' })
            .then(
              () => 'attached',
              (e: { code?: string }) => e.code ?? 'error',
            );
          check(
            probe === 'CONFLICT',
            `after detaching ${first}, the volume at ${second} must still be attached (attaching it to another ` +
              `instance must be CONFLICT), got ${probe}`,
          );
          await kit.driver.attachVolume(kit.ctx, {
            ...kit.full(other),
            connectionInfo: vols[first],
            mountpoint: '/dev/vdd',
          });
          await kit.driver.detachVolume(kit.ctx, {
            ...kit.full(other),
            connectionInfo: vols[first],
            mountpoint: '/dev/vdd',
          });
        }
        await kit.driver.detachVolume(kit.ctx, { ...kit.full(uuid), connectionInfo: vols[second], mountpoint: second });
      }
    },
  },
]);

/** A live console of each kind: two instances never share one. */
function consoleUniqueness(capability: CapabilityName, method: LiveConsoleCall, kind: string): KitSuite {
  return defineSuite(capability, [
    {
      name: `two instances get different ${kind} consoles (endpoint and secret)`,
      async run(kit) {
        const a = await kit.spawn();
        const b = await kit.spawn();
        const ca = await kit.driver[method](kit.ctx, kit.ref(a));
        const cb = await kit.driver[method](kit.ctx, kit.ref(b));
        for (const c of [ca, cb])
          if (typeof c?.secret === 'string') kit.registerSecret(c.secret, `${kind} console secret`);
        const endpoint = (c: { host: string; port: number; internalAccessPath?: string }): string =>
          `${c.host}:${c.port}${c.internalAccessPath ? `/${c.internalAccessPath}` : ''}`;
        check(
          endpoint(ca) !== endpoint(cb),
          `both instances got the ${kind} console at ${endpoint(ca)}: one would see the other's screen`,
        );
        if (ca.secret !== undefined || cb.secret !== undefined)
          check(ca.secret !== cb.secret, `both instances got the same ${kind} console secret`);
        const again = await kit.driver[method](kit.ctx, kit.ref(a));
        check(endpoint(again) !== endpoint(cb), `asked again, the first instance got the second's ${kind} console`);
      },
    },
  ]);
}

/** `console.vnc` ... `console.mks`: consoles are per instance. */
export const consoleUniquenessSuites: readonly KitSuite[] = [
  consoleUniqueness('console.vnc', 'getVncConsole', 'VNC'),
  consoleUniqueness('console.spice', 'getSpiceConsole', 'SPICE'),
  consoleUniqueness('console.rdp', 'getRdpConsole', 'RDP'),
  consoleUniqueness('console.serial', 'getSerialConsole', 'serial'),
  consoleUniqueness('console.mks', 'getMksConsole', 'MKS'),
];

/** `guest.password`: the new password never reaches the log, also when the call is refused. */
export const passwordLogSuite = defineSuite('guest.password', [
  {
    name: "a new admin password never reaches the driver's log, also when the call is refused",
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.setAdminPassword(kit.ctx, { ...kit.full(uuid), newPassword: kit.secret('admin password') });
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      await kit.driver
        .setAdminPassword(kit.ctx, { ...kit.full(uuid), newPassword: kit.secret('admin password of a refused call') })
        .catch(() => undefined);
      const leaked = kit.secretsInLog();
      check(leaked.length === 0, leaked.join('; '));
    },
  },
]);

/** Usage after an instance of the kit's flavor moved: `before` on the source, up by the flavor on the destination. */
async function checkUsageMoved(
  kit: KitContext,
  pair: MigrationPair,
  before: readonly (number[] | undefined)[],
  after: string,
): Promise<void> {
  checkEqual(await resourcesUsed(kit, pair.source), before[0], `source: vcpusUsed, memoryMbUsed, localGbUsed ${after}`);
  const destination = before[1] && plus(before[1], kit.flavor);
  checkEqual(
    await resourcesUsed(kit, pair.destination),
    destination,
    `destination: vcpusUsed, memoryMbUsed, localGbUsed ${after}`,
  );
}
