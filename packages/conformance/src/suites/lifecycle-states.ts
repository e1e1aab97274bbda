import { IMAGE_DISK_FORMATS, PowerState, isVirtkitError, type RebuildRequest, type Vif } from '@virtkit/core';
import { check, checkEqual, checkRejects, malformed } from '../kit/assertions.js';
import { plus } from '../kit/cold-migration.js';
import type { KitContext, KitDriver } from '../kit/kit-context.js';
import { resourcesUsed } from '../kit/live-migration.js';
import { defineSuite } from '../kit/suite.js';
import { footprint } from './failure-paths.js';
import { otherImage } from './idempotent-creates.js';
import { impossibleFlavor } from './lifecycle.js';

const { RUNNING, PAUSED, SHUTDOWN, SUSPENDED } = PowerState;

/** `lifecycle.pause`. */
export const pauseSuite = defineSuite('lifecycle.pause', [
  {
    name: 'pause and unpause, both ways',
    async run(kit) {
      const uuid = await kit.spawn();
      const rec = kit.recordEvents();
      await kit.driver.unpause(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, RUNNING, 'unpause of a running instance');
      await kit.driver.pause(kit.ctx, kit.ref(uuid));
      await kit.settle(); // a stale state reported later would show as an extra event
      await kit.expectState(uuid, PAUSED, 'pause');
      await kit.driver.pause(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, PAUSED, 'pause of a paused instance');
      await kit.driver.unpause(kit.ctx, kit.ref(uuid));
      await kit.settle();
      await kit.expectState(uuid, RUNNING, 'unpause');
      checkEqual(
        rec.events.map((e) => e.transition),
        ['PAUSED', 'RESUMED'],
        'events',
      );
    },
  },
  {
    name: 'pause of a stopped instance is INVALID_STATE and changes nothing',
    async run(kit) {
      const uuid = await kit.spawn({ powerOn: false });
      await checkRejects(kit.driver.pause(kit.ctx, kit.ref(uuid)), 'INVALID_STATE', 'pause of a stopped instance');
      await kit.expectState(uuid, SHUTDOWN, 'refused pause');
    },
  },
  {
    name: 'a paused instance powers off and can be destroyed',
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.pause(kit.ctx, kit.ref(uuid));
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, SHUTDOWN, 'powerOff of a paused instance');
    },
  },
]);

/** `lifecycle.suspend`. */
export const suspendSuite = defineSuite('lifecycle.suspend', [
  {
    name: 'suspend and resume, both ways',
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.resume(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, RUNNING, 'resume of a running instance');
      await kit.driver.suspend(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, SUSPENDED, 'suspend');
      await kit.driver.suspend(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, SUSPENDED, 'suspend of a suspended instance');
      await kit.driver.resume(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, RUNNING, 'resume');
    },
  },
  {
    name: 'suspend of a stopped instance is INVALID_STATE',
    async run(kit) {
      const uuid = await kit.spawn({ powerOn: false });
      await checkRejects(kit.driver.suspend(kit.ctx, kit.ref(uuid)), 'INVALID_STATE', 'suspend of a stopped instance');
      await kit.expectState(uuid, SHUTDOWN, 'refused suspend');
    },
  },
  {
    name: 'suspend of a paused instance is INVALID_STATE',
    requires: ['lifecycle.pause'],
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.pause(kit.ctx, kit.ref(uuid));
      await checkRejects(kit.driver.suspend(kit.ctx, kit.ref(uuid)), 'INVALID_STATE', 'suspend of a paused instance');
      await kit.expectState(uuid, PAUSED, 'refused suspend');
    },
  },
]);

/** `lifecycle.rescue`. */
export const rescueSuite = defineSuite('lifecycle.rescue', [
  {
    name: 'rescue and unrescue, also of an unrescued instance',
    async run(kit) {
      const uuid = await kit.spawn();
      const rescueImage = kit.fixtures.rescueImageMeta ?? kit.imageMeta;
      await kit.driver.unrescue(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, RUNNING, 'unrescue of an unrescued instance');
      await kit.driver.rescue(kit.ctx, { ...kit.ref(uuid), imageMeta: rescueImage, rescuePassword: 'kit-secret-pw' });
      const info = await kit.driver.getInfo(kit.ctx, kit.ref(uuid));
      check(
        info.rescued === true && info.state === RUNNING,
        `after rescue getInfo must say rescued and RUNNING, got ${JSON.stringify(info)}`,
      );
      await kit.driver.rescue(kit.ctx, { ...kit.ref(uuid), imageMeta: rescueImage });
      await kit.driver.unrescue(kit.ctx, kit.ref(uuid));
      const after = await kit.driver.getInfo(kit.ctx, kit.ref(uuid));
      check(
        after.rescued !== true && after.state === RUNNING,
        `after unrescue getInfo must say not rescued and RUNNING, got ${JSON.stringify(after)}`,
      );
    },
  },
  {
    name: 'setBootable answers for an existing instance',
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.setBootable(kit.ctx, { ...kit.ref(uuid), bootable: false });
      await kit.driver.setBootable(kit.ctx, { ...kit.ref(uuid), bootable: true });
      await checkRejects(
        kit.driver.setBootable(kit.ctx, malformed({ ...kit.ref(uuid), bootable: 'yes' })),
        'VALIDATION_FAILED',
        'setBootable with a string',
      );
    },
  },
]);

/** `lifecycle.softDelete`. */
export const softDeleteSuite = defineSuite('lifecycle.softDelete', [
  {
    name: 'soft delete and restore; restore of a live instance changes nothing',
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.restore(kit.ctx, kit.ref(uuid));
      await kit.expectState(uuid, RUNNING, 'restore of a running instance');
      await kit.driver.softDelete(kit.ctx, kit.ref(uuid));
      const info = await kit.driver.getInfo(kit.ctx, kit.ref(uuid));
      check(
        info.softDeleted === true && info.state === SHUTDOWN,
        `after softDelete getInfo must say softDeleted and SHUTDOWN, got ${JSON.stringify(info)}`,
      );
      await kit.driver.softDelete(kit.ctx, kit.ref(uuid));
      await kit.driver.restore(kit.ctx, kit.ref(uuid));
      const after = await kit.driver.getInfo(kit.ctx, kit.ref(uuid));
      check(
        after.softDeleted !== true && after.state === RUNNING,
        `after restore getInfo must say RUNNING, got ${JSON.stringify(after)}`,
      );
    },
  },
  {
    name: 'a soft-deleted instance stays stopped until restore (power on is INVALID_STATE)',
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.softDelete(kit.ctx, kit.ref(uuid));
      await checkRejects(
        kit.driver.powerOn(kit.ctx, kit.ref(uuid)),
        'INVALID_STATE',
        'power on of a soft-deleted instance',
      );
      await checkRejects(
        kit.driver.reboot(kit.ctx, { ...kit.ref(uuid), rebootType: 'HARD' }),
        'INVALID_STATE',
        'hard reboot of a soft-deleted instance',
      );
      await kit.expectState(uuid, SHUTDOWN, 'refused power on');
    },
  },
  {
    name: 'a soft-deleted instance can be destroyed',
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.softDelete(kit.ctx, kit.ref(uuid));
      await kit.driver.destroy(kit.ctx, kit.ref(uuid));
      check(!(await kit.driver.instanceExists(kit.ctx, kit.ref(uuid))), 'instance must be gone');
    },
  },
]);

/** `lifecycle.rebuild`. */
export const rebuildSuite = defineSuite('lifecycle.rebuild', [
  {
    name: 'rebuild keeps the instance, RUNNING, calling detach before attach',
    async run(kit) {
      const req = kit.spawnRequest();
      kit.track(req.instance.uuid);
      await kit.driver.spawn(kit.ctx, req);
      await kit.driver.powerOff(kit.ctx, kit.ref(req.instance.uuid));
      await rebuildInOrder(kit, kit.driver, { instance: req.instance, imageMeta: req.imageMeta }, 'callback order');
      await kit.expectState(req.instance.uuid, RUNNING, 'rebuild');
      checkEqual(await kit.driver.countInstances(kit.ctx), 1, 'countInstances after rebuild');
    },
  },
  {
    name:
      'rebuild from another image with new NICs: the instance is then what that image and those NICs make (a ' +
      'spawn retry says so), and a NIC tag it lost is gone',
    async run(kit) {
      const kept = kit.vif();
      const req = kit.spawnRequest({ networkInfo: [{ ...kit.vif() }, { ...kept, tag: 'kit-old-tag' }] });
      kit.track(req.instance.uuid);
      await kit.driver.spawn(kit.ctx, req);
      const added = kit.vif();
      const image = otherImage(kit);
      kit.step('rebuilding from another image, with one NIC kept (without its tag) and one new');
      await kit.driver.rebuild(kit.ctx, { instance: req.instance, imageMeta: image, networkInfo: [kept, added] });
      await kit.expectState(req.instance.uuid, RUNNING, 'rebuild');
      if (kit.supports('diagnostics')) {
        const macs = (await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(req.instance.uuid))).nicDetails
          .map((n: { macAddress: string }) => n.macAddress.toLowerCase())
          .sort();
        checkEqual(macs, [kept.address, added.address].map((m) => m.toLowerCase()).sort(), 'MACs after the rebuild');
      }
      const rebuilt = { ...req, imageMeta: image, networkInfo: [kept, added] };
      await kit.driver.spawn(kit.ctx, rebuilt);
      await checkRejects(
        kit.driver.spawn(kit.ctx, req),
        'INSTANCE_EXISTS',
        'spawn retried with the old image and NICs',
      );
      if (kit.supports('network.hotplug')) {
        kit.step('attaching the kept NIC again, without a tag (as the rebuild plugged it)');
        await kit.driver.attachInterface(kit.ctx, { ...kit.ref(req.instance.uuid), imageMeta: image, vif: kept });
      }
      checkEqual(await kit.driver.countInstances(kit.ctx), 1, 'countInstances');
    },
  },
  {
    name: 'rebuild whose callbacks give back no volume leaves the old volume detached: another instance can attach it',
    requires: ['volume'],
    needs: ['createVolume'],
    async run(kit) {
      const volume = await kit.volume();
      const uuid = await kit.spawn({
        blockDeviceInfo: { blockDeviceMapping: [{ mountDevice: '/dev/vdb', connectionInfo: volume }] },
      });
      const other = await kit.spawn();
      kit.step('rebuilding with no block-device mapping');
      await kit.driver.rebuild(kit.ctx, { instance: kit.instance(uuid), imageMeta: kit.imageMeta });
      await kit.expectState(uuid, RUNNING, 'rebuild');
      if (kit.supports('diagnostics')) {
        const disks = (await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid))).diskDetails.map(
          (d: { id: string }) => d.id.replace(/^\/dev\//, ''),
        );
        check(!disks.includes('vdb'), `the rebuilt instance must not have the volume at vdb, got ${disks.join(', ')}`);
      }
      await kit.driver.attachVolume(kit.ctx, { ...kit.full(other), connectionInfo: volume, mountpoint: 'vdb' });
    },
  },
  {
    name:
      'a refused rebuild (an image format the driver does not boot, accelerators it lacks, a flavor no host holds) ' +
      'runs no orchestrator callback and leaves the instance as it was (docs/contract.md "A refused rebuild ' +
      'changes nothing")',
    async run(kit) {
      const req = kit.spawnRequest({ networkInfo: [kit.vif()] });
      kit.track(req.instance.uuid);
      await kit.driver.spawn(kit.ctx, req);
      await kit.driver.powerOff(kit.ctx, kit.ref(req.instance.uuid));
      const types: readonly string[] = kit.driver.capabilities.imageTypes ?? [];
      const format = types.length > 0 ? IMAGE_DISK_FORMATS.find((f) => !types.includes(f)) : undefined;
      if (format !== undefined) {
        const what = `the rebuild from a ${format} image (the driver boots ${types.join(', ')})`;
        const refusal = await refusedRebuild(kit, req, { imageMeta: { ...req.imageMeta, diskFormat: format } }, what);
        check(
          isVirtkitError(refusal.error, 'VALIDATION_FAILED'),
          `${what} must be VALIDATION_FAILED, got ${String(refusal.error)}`,
        );
        await refusal.unchanged();
      }
      if (kit.feature('accelerators') === 'unsupported') {
        const accel = 'the rebuild asking for accelerators (feature unsupported)';
        const refusal = await refusedRebuild(kit, req, { accelInfo: [{ deviceProfile: 'kit-gpu' }] }, accel);
        check(
          isVirtkitError(refusal.error, 'NOT_SUPPORTED'),
          `${accel} must be NOT_SUPPORTED, got ${String(refusal.error)}`,
        );
        await refusal.unchanged();
      }
      const what = 'the rebuild to a flavor no host holds';
      const refusal = await refusedRebuild(
        kit,
        req,
        { instance: { ...req.instance, flavor: impossibleFlavor(req.instance.flavor) } },
        what,
      );
      check(
        refusal.error !== undefined || kit.driver.capabilities.capabilities.inventory !== true,
        `${what} must be refused (INSUFFICIENT_RESOURCES) by a driver that reports its resources, but it succeeded`,
      );
      // A failure of the hypervisor after the old guest went (DRIVER_ERROR) may leave it gone; a refusal may not.
      if (isVirtkitError(refusal.error, 'INSUFFICIENT_RESOURCES')) await refusal.unchanged();
    },
  },
  {
    name:
      'a rebuild whose block-device mapping (no attach callback) uses a device twice is VALIDATION_FAILED, runs no ' +
      'callback and leaves the instance with its volume',
    requires: ['volume'],
    needs: ['createVolume'],
    async run(kit) {
      const bdm = { mountDevice: '/dev/vdb', connectionInfo: await kit.volume() };
      const req = kit.spawnRequest({ blockDeviceInfo: { blockDeviceMapping: [bdm] } });
      kit.track(req.instance.uuid);
      await kit.driver.spawn(kit.ctx, req);
      const twice = [await kit.volume(), await kit.volume()].map((v) => ({
        mountDevice: '/dev/vdc',
        connectionInfo: v,
      }));
      const what = 'the rebuild onto a mapping with /dev/vdc twice';
      const refusal = await refusedRebuild(kit, req, { blockDeviceInfo: { blockDeviceMapping: twice } }, what, false);
      check(
        isVirtkitError(refusal.error, 'VALIDATION_FAILED'),
        `${what} must be VALIDATION_FAILED, got ${String(refusal.error)}`,
      );
      await refusal.unchanged();
    },
  },
  {
    name:
      'a rebuild to a larger flavor whose attach callback fails fails too; the host then counts the instance at ' +
      'its old or its new flavor (or not at all when it is gone), and nothing once it is destroyed',
    async run(kit) {
      const failure = new Error('kit: the orchestrator could not attach the volumes');
      await failedRebuildUsage(kit, async () => Promise.reject(failure), 'the attach callback failing');
    },
  },
  {
    name:
      'a rebuild to a larger flavor whose attach callback gives back a volume another instance holds fails; once ' +
      'the instance is destroyed, the host counts nothing of it',
    requires: ['volume'],
    needs: ['createVolume'],
    async run(kit) {
      const volume = await kit.volume();
      const blockDeviceInfo = { blockDeviceMapping: [{ mountDevice: '/dev/vdb', connectionInfo: volume }] };
      await kit.spawn({ blockDeviceInfo });
      // What a guest half made by the failed rebuild counts until destroyed is left open (the QEMU driver's does
      // not count its vCPUs and memory); once destroyed, nothing of it may stay claimed.
      const how = "the attach callback giving back another's volume";
      await failedRebuildUsage(kit, async () => blockDeviceInfo, how, false);
    },
  },
  {
    name:
      'evacuation: rebuild with recreate on a host without the instance creates it there, RUNNING, with its NICs ' +
      'and usage, calling detach before attach',
    features: ['recreate'],
    needs: ['createMigrationPair'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const vif = kit.vif();
      const req = kit.spawnRequest({ networkInfo: [vif] });
      kit.track(req.instance.uuid);
      await pair.source.spawn(kit.ctx, req);
      const before = await resourcesUsed(kit, pair.destination);
      kit.step('evacuating to the destination (the source host is taken as failed)');
      await rebuildInOrder(
        kit,
        pair.destination,
        {
          instance: req.instance,
          imageMeta: req.imageMeta,
          networkInfo: [vif],
          recreate: true,
        },
        'callback order of the evacuation',
      );
      await kit.expectState(req.instance.uuid, RUNNING, 'evacuation', pair.destination);
      check(
        (await pair.destination.listInstanceUuids(kit.ctx)).includes(req.instance.uuid),
        'the destination must list the evacuated instance',
      );
      if (before !== undefined)
        checkEqual(
          await resourcesUsed(kit, pair.destination),
          plus(before, req.instance.flavor),
          'destination: vcpusUsed, memoryMbUsed, localGbUsed after the evacuation (one more instance)',
        );
      if (pair.destination.capabilities.capabilities.diagnostics === true) {
        const macs = (
          await pair.destination.getInstanceDiagnostics(kit.ctx, kit.ref(req.instance.uuid))
        ).nicDetails.map((n: { macAddress: string }) => n.macAddress.toLowerCase());
        checkEqual(macs, [vif.address.toLowerCase()], 'MACs of the evacuated instance (its networkInfo)');
      }
      kit.step('the source host is back: its copy is destroyed, disks kept (shared storage)');
      await pair.source.destroy(kit.ctx, { instance: req.instance, destroyDisks: false });
      await kit.expectState(req.instance.uuid, RUNNING, "the source's destroy of its old copy", pair.destination);
    },
  },
  {
    name: 'an evacuation plugs the volumes its attach callback gives back: the destination shows the volume',
    features: ['recreate'],
    requires: ['volume', 'diagnostics'],
    needs: ['createMigrationPair', 'createVolume'],
    async run(kit) {
      const pair = await kit.migrationPair();
      const blockDeviceInfo = { blockDeviceMapping: [{ mountDevice: '/dev/vdb', connectionInfo: await kit.volume() }] };
      const req = kit.spawnRequest({ blockDeviceInfo });
      kit.track(req.instance.uuid);
      await pair.source.spawn(kit.ctx, req);
      kit.step('evacuating to the destination, the attach callback giving the volume back');
      await pair.destination.rebuild(kit.ctx, {
        instance: req.instance,
        imageMeta: req.imageMeta,
        recreate: true,
        detachBlockDevices: async () => undefined,
        attachBlockDevices: async () => blockDeviceInfo,
      });
      const d = await pair.destination.getInstanceDiagnostics(kit.ctx, kit.ref(req.instance.uuid));
      const disks = d.diskDetails.map((x: { id: string }) => x.id.replace(/^\/dev\//, ''));
      check(disks.includes('vdb'), `the evacuated instance must show its volume at vdb, got ${disks.join(', ')}`);
    },
  },
  {
    name: 'rebuild with recreate on the host that has the instance rebuilds it in place: one instance, RUNNING',
    features: ['recreate'],
    async run(kit) {
      const other = await kit.spawn({ powerOn: false });
      const req = kit.spawnRequest();
      kit.track(req.instance.uuid);
      await kit.driver.spawn(kit.ctx, req);
      await kit.driver.powerOff(kit.ctx, kit.ref(req.instance.uuid));
      await rebuildInOrder(
        kit,
        kit.driver,
        {
          instance: req.instance,
          imageMeta: req.imageMeta,
          networkInfo: [kit.vif()],
          recreate: true,
        },
        'callback order',
      );
      await kit.expectState(req.instance.uuid, RUNNING, 'rebuild with recreate in place');
      await kit.expectState(other, SHUTDOWN, 'the rebuild of another instance');
      checkEqual(await kit.driver.countInstances(kit.ctx), 2, 'countInstances after the rebuild');
    },
  },
  {
    name:
      'an evacuation (rebuild with recreate) that fails late leaves nothing on the destination; the source keeps ' +
      'its instance',
    features: ['recreate'],
    needs: ['createMigrationPair'],
    failureFixture: 'spawnLate',
    async run(kit) {
      const pair = await kit.migrationPair();
      const req = kit.spawnRequest({ networkInfo: [kit.vif()] });
      kit.track(req.instance.uuid);
      await pair.source.spawn(kit.ctx, req);
      const before = await footprint(kit, pair.destination);
      // The fixture makes the next spawn fail late; an evacuation creates the guest as a spawn does.
      await kit.armFailure('spawnLate', pair.destination);
      kit.step('evacuation made to fail late');
      let outcome: unknown = 'succeeded';
      try {
        await pair.destination.rebuild(kit.ctx, {
          instance: req.instance,
          imageMeta: req.imageMeta,
          networkInfo: req.networkInfo as Vif[],
          recreate: true,
        });
      } catch (error) {
        outcome = error;
      }
      if (outcome === 'succeeded') kit.unverified('the spawnLate fixture does not reach an evacuation (it succeeded)');
      check(isVirtkitError(outcome), `the failed evacuation must fail with a virtkit error, got ${String(outcome)}`);
      checkEqual(await footprint(kit, pair.destination), before, 'destination after the failed evacuation');
      await kit.expectState(req.instance.uuid, RUNNING, 'a failed evacuation elsewhere', pair.source);
      kit.step('evacuating again');
      await pair.destination.rebuild(kit.ctx, { instance: req.instance, imageMeta: req.imageMeta, recreate: true });
      await kit.expectState(req.instance.uuid, RUNNING, 'the retried evacuation', pair.destination);
    },
  },
]);

/**
 * Rebuild `req`'s instance with `change` (and a detach callback, and an attach one unless `attach` is false),
 * expecting it to fail. `unchanged` then fails unless no callback ran and the instance is as it was: its power
 * state, the host's instances and usage, and a spawn retried with `req` still matching it (same image, flavor,
 * NICs and volumes).
 */
async function refusedRebuild(
  kit: KitContext,
  req: ReturnType<KitContext['spawnRequest']>,
  change: Partial<RebuildRequest>,
  what: string,
  attach = true,
): Promise<{ error: unknown; unchanged: () => Promise<void> }> {
  const uuid = req.instance.uuid;
  const state = await kit.state(uuid);
  const before = await footprint(kit, kit.driver);
  const calls: string[] = [];
  const callbacks: Partial<RebuildRequest> = { detachBlockDevices: async () => void calls.push('detach') };
  if (attach) callbacks.attachBlockDevices = async () => void calls.push('attach');
  kit.step(what);
  let error: unknown;
  try {
    await kit.driver.rebuild(kit.ctx, { ...req, ...change, ...callbacks });
  } catch (caught) {
    error = caught ?? new Error('rejected without a reason');
  }
  const unchanged = async (): Promise<void> => {
    checkEqual(calls, [], `orchestrator callbacks run by ${what} (refused: ${String(error)})`);
    await kit.expectState(uuid, state, what);
    checkEqual(await footprint(kit, kit.driver), before, `instances and usage after ${what}`);
    kit.step(`a spawn retried with the instance's own request after ${what}`);
    await kit.driver.spawn(kit.ctx, req);
  };
  return { error, unchanged };
}

/**
 * Spawn an instance (and a bystander), rebuild it to a larger flavor with `attach` as the attach callback, expecting
 * the rebuild to fail; then the host's usage must count the instance at its old or new flavor (unless `checkKept` is
 * false), or not at all when it is gone, and once it is destroyed, only the bystanders.
 */
async function failedRebuildUsage(
  kit: KitContext,
  attach: NonNullable<RebuildRequest['attachBlockDevices']>,
  how: string,
  checkKept = true,
): Promise<void> {
  const req = kit.spawnRequest();
  kit.track(req.instance.uuid);
  await kit.driver.spawn(kit.ctx, req);
  await kit.spawn(); // a bystander: usage never falls to zero, where a driver may clamp a wrong release
  const before = await resourcesUsed(kit, kit.driver);
  const old = req.instance.flavor;
  const larger = { ...old, name: 'kit.larger', vcpus: old.vcpus + 1, memoryMb: old.memoryMb + 64 };
  kit.step(`rebuilding to a larger flavor, ${how}`);
  let outcome: unknown = 'succeeded';
  try {
    await kit.driver.rebuild(kit.ctx, {
      ...req,
      instance: { ...req.instance, flavor: larger },
      detachBlockDevices: async () => undefined,
      attachBlockDevices: attach,
    });
  } catch (error) {
    outcome = error;
  }
  check(outcome !== 'succeeded', `a rebuild with ${how} must fail, but it succeeded`);
  if (before === undefined) return;
  const uuid = req.instance.uuid;
  const exists = await kit.driver.instanceExists(kit.ctx, kit.ref(uuid));
  const own = plus([0, 0, 0], old);
  const without = before.map((n, i) => n - own[i]!);
  const allowed = exists ? [before, plus(without, larger)] : [without];
  const used = await resourcesUsed(kit, kit.driver);
  check(
    !(checkKept || !exists) || allowed.some((a) => JSON.stringify(a) === JSON.stringify(used)),
    `vcpusUsed, memoryMbUsed, localGbUsed after the failed rebuild (instance ${exists ? 'kept' : 'gone'}): ` +
      `expected ${allowed.map((a) => JSON.stringify(a)).join(' or ')}, got ${JSON.stringify(used)}`,
  );
  kit.step('destroying the instance of the failed rebuild');
  await kit.driver.destroy(kit.ctx, kit.ref(uuid));
  checkEqual(await resourcesUsed(kit, kit.driver), without, 'usage once the instance of the failed rebuild is gone');
}

/** Rebuild on `driver` with detach and attach callbacks; fail unless detach ran before attach, once each. */
async function rebuildInOrder(
  kit: KitContext,
  driver: KitDriver,
  request: Omit<RebuildRequest, 'detachBlockDevices' | 'attachBlockDevices'>,
  what: string,
): Promise<void> {
  const order: string[] = [];
  await driver.rebuild(kit.ctx, {
    ...request,
    detachBlockDevices: async () => void order.push('detach'),
    attachBlockDevices: async () => void order.push('attach'),
  });
  checkEqual(order, ['detach', 'attach'], what);
}

/** `lifecycle.crashDump`. */
export const crashDumpSuite = defineSuite('lifecycle.crashDump', [
  {
    name: 'crash dump needs a running instance',
    async run(kit) {
      const uuid = await kit.spawn();
      await kit.driver.triggerCrashDump(kit.ctx, kit.ref(uuid));
      await kit.driver.powerOff(kit.ctx, kit.ref(uuid));
      await checkRejects(
        kit.driver.triggerCrashDump(kit.ctx, kit.ref(uuid)),
        'INVALID_STATE',
        'crash dump of a stopped instance',
      );
    },
  },
]);
