import { randomUUID } from 'node:crypto';
import { PowerState, type ImageMeta, type SpawnRequest } from '@virtkit/core';
import { check, checkEqual, checkRejects } from '../kit/assertions.js';
import type { KitContext } from '../kit/kit-context.js';
import { defineSuite, type KitSuite } from '../kit/suite.js';

// The contract decision "Creates are idempotent too" (docs/caller-guide.md "Retries"): a create retried
// exactly as asked succeeds and changes nothing; anything else on the same target is refused.

const lifecycle = defineSuite('lifecycle', [
  {
    name: 'idempotent create: spawn of an existing uuid with the same request succeeds and changes nothing',
    async run(kit) {
      // Spawned in descending order of id, so a driver that compares its NICs in spawn order against the retry's
      // sorted list (or the other way round) is caught every time, not by chance.
      const [first, second] = [kit.vif(), kit.vif()].sort((a, b) => (a.id < b.id ? 1 : -1));
      const req = kit.spawnRequest({ networkInfo: [first, second] });
      kit.track(req.instance.uuid);
      await kit.driver.spawn(kit.ctx, req);
      const bare = kit.spawnRequest();
      kit.track(bare.instance.uuid);
      await kit.driver.spawn(kit.ctx, bare);
      // An image with neither id nor name is still the same image when asked again.
      const anonymous = kit.spawnRequest({ imageMeta: { ...kit.imageMeta, id: undefined, name: undefined } });
      kit.track(anonymous.instance.uuid);
      await kit.driver.spawn(kit.ctx, anonymous);
      await kit.driver.powerOff(kit.ctx, kit.ref(req.instance.uuid));
      const events = kit.recordEvents();
      // powerOn (true by default) is not part of "same request": the retry does not start the stopped instance.
      await kit.driver.spawn(kit.ctx, req);
      // The NICs in another order, MACs in capitals: still the same NICs (VIF id and MAC, in any order).
      const upper = (v: typeof first): typeof first => ({ ...v, address: v.address.toUpperCase() });
      await kit.driver.spawn(kit.ctx, { ...req, networkInfo: [upper(second), upper(first)] });
      await kit.driver.spawn(kit.ctx, bare);
      await kit.driver.spawn(kit.ctx, anonymous);
      await kit.expectState(req.instance.uuid, PowerState.SHUTDOWN, 'spawn retried');
      checkEqual(await kit.driver.countInstances(kit.ctx), 3, 'countInstances after the retries');
      await kit.settle();
      checkEqual(
        events.events.map((e) => e.transition),
        [],
        'events of the retried spawn',
      );
    },
  },
  {
    name: 'idempotent create: spawn of an existing uuid with another flavor, name, image or NICs is INSTANCE_EXISTS',
    async run(kit) {
      // The first request has a NIC, so a retry can change its id or MAC, or leave it out.
      const vif = kit.vif();
      const req = kit.spawnRequest({ networkInfo: [vif] });
      kit.track(req.instance.uuid);
      await kit.driver.spawn(kit.ctx, req);
      const flavor = (change: Partial<SpawnRequest['instance']['flavor']>): SpawnRequest => ({
        ...req,
        instance: { ...req.instance, flavor: { ...req.instance.flavor, ...change } },
      });
      const { vcpus, memoryMb, rootGb } = req.instance.flavor;
      const variants: [string, SpawnRequest][] = [
        ['another name', { ...req, instance: { ...req.instance, name: `${req.instance.name}-b` } }],
        ['no name', { ...req, instance: { uuid: req.instance.uuid, flavor: req.instance.flavor } }],
        ['more vCPUs', flavor({ vcpus: vcpus + 1 })],
        ['more memory', flavor({ memoryMb: memoryMb * 2 })],
        ['a larger root disk', flavor({ rootGb: rootGb + 1 })],
        ['another image', { ...req, imageMeta: otherImage(kit) }],
        ['an extra NIC', { ...req, networkInfo: [vif, kit.vif()] }],
        ['no NIC', { ...req, networkInfo: [] }],
        ['its NIC with another MAC', { ...req, networkInfo: [{ ...vif, address: kit.vif().address }] }],
        ['its MAC on another NIC id', { ...req, networkInfo: [{ ...kit.vif(), address: vif.address }] }],
      ];
      for (const [what, other] of variants)
        await checkRejects(kit.driver.spawn(kit.ctx, other), 'INSTANCE_EXISTS', `spawn again with ${what}`);
      await kit.expectState(req.instance.uuid, PowerState.RUNNING, 'refused spawns');
      checkEqual(await kit.driver.countInstances(kit.ctx), 1, 'countInstances');
      // The request itself is still "the same request" after all the refusals.
      await kit.driver.spawn(kit.ctx, req);
    },
  },
  {
    name:
      'idempotent create: spawn of an existing uuid with another volume, or its volume at another device, is ' +
      'INSTANCE_EXISTS; the same mapping succeeds',
    requires: ['volume'],
    needs: ['createVolume'],
    async run(kit) {
      const [volume, other] = [await kit.volume(), await kit.volume()];
      const mapped = (...rows: [string, typeof volume][]): Record<string, unknown> => ({
        blockDeviceInfo: {
          blockDeviceMapping: rows.map(([mountDevice, connectionInfo]) => ({ mountDevice, connectionInfo })),
        },
      });
      const req = kit.spawnRequest(mapped(['/dev/vdb', volume]));
      kit.track(req.instance.uuid);
      await kit.driver.spawn(kit.ctx, req);
      const variants: [string, Record<string, unknown>][] = [
        ['another volume at its device', mapped(['/dev/vdb', other])],
        ['its volume at another device', mapped(['/dev/vdc', volume])],
        ['an extra volume', mapped(['/dev/vdb', volume], ['/dev/vdc', other])],
        ['no volume', {}],
      ];
      for (const [what, change] of variants) {
        const retry = { ...req, blockDeviceInfo: undefined, ...change } as SpawnRequest;
        await checkRejects(kit.driver.spawn(kit.ctx, retry), 'INSTANCE_EXISTS', `spawn again with ${what}`);
      }
      await kit.driver.spawn(kit.ctx, req);
      await kit.expectState(req.instance.uuid, PowerState.RUNNING, 'the retried spawn with the same mapping');
      checkEqual(await kit.driver.countInstances(kit.ctx), 1, 'countInstances');
    },
  },
]);

const volume = defineSuite('volume', [
  {
    name:
      'idempotent create: attaching a volume exactly as attached succeeds and changes nothing; another volume ' +
      'there is CONFLICT',
    needs: ['createVolume'],
    async run(kit) {
      const uuid = await kit.spawn();
      const [volume, other] = [await kit.volume(), await kit.volume()];
      const attach = (connectionInfo: typeof volume, mountpoint: string) =>
        kit.driver.attachVolume(kit.ctx, { ...kit.full(uuid), connectionInfo, mountpoint });
      await attach(volume, 'vdb');
      const disks = await diskCount(kit, uuid);
      await attach(volume, 'vdb');
      if (disks !== undefined) checkEqual(await diskCount(kit, uuid), disks, 'numDisks after the retried attach');
      await checkRejects(attach(other, 'vdb'), 'CONFLICT', 'another volume at the same mountpoint');
      await checkRejects(attach(volume, 'vdc'), 'CONFLICT', 'the same volume at another mountpoint');
      await kit.driver.detachVolume(kit.ctx, { ...kit.full(uuid), connectionInfo: volume, mountpoint: 'vdb' });
      if (disks !== undefined)
        checkEqual(await diskCount(kit, uuid), disks - 1, 'numDisks after one detach (the retry added nothing)');
    },
  },
]);

const hotplug = defineSuite('network.hotplug', [
  {
    name:
      'idempotent create: attaching an interface exactly as attached succeeds and changes nothing; its id with ' +
      'another MAC is CONFLICT',
    async run(kit) {
      const uuid = await kit.spawn();
      const vif = kit.vif();
      const attach = (v: typeof vif) =>
        kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif: v });
      await attach(vif);
      await attach(vif);
      const other = kit.vif();
      await checkRejects(
        attach({ ...vif, address: other.address }),
        'CONFLICT',
        'the same interface id with another MAC',
      );
      if (kit.supports('diagnostics')) {
        const macs = (await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid))).nicDetails.map(
          (n: { macAddress: string }) => n.macAddress.toLowerCase(),
        );
        check(
          macs.filter((m: string) => m === vif.address.toLowerCase()).length === 1,
          `the retried attach must add no NIC (MACs: ${macs.join(', ')})`,
        );
        check(!macs.includes(other.address.toLowerCase()), 'the refused attach must add no NIC');
      }
    },
  },
]);

/** The idempotent-create checks, one suite per capability that creates something. */
export const idempotentCreateSuites: readonly KitSuite[] = [lifecycle, volume, hotplug];

/**
 * An image other than the fixtures' own: the fixtures' guest or rescue image when they name another one (a driver
 * may tell images apart by what they boot), else the fixtures' image under another id and name.
 */
export function otherImage(kit: KitContext): ImageMeta {
  const same = JSON.stringify(kit.imageMeta);
  const named = [kit.fixtures.guestImageMeta, kit.fixtures.rescueImageMeta].find(
    (image) => image !== undefined && JSON.stringify(image) !== same,
  );
  return named ?? { ...kit.imageMeta, id: randomUUID(), name: `${kit.imageMeta.name ?? 'kit-image'}-other` };
}

async function diskCount(kit: KitContext, uuid: string): Promise<number | undefined> {
  if (!kit.supports('diagnostics')) return undefined;
  return (await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid))).numDisks;
}
