import { PowerState, type SpawnRequest } from '@virtkit/core';
import { check, checkEqual, checkRejects } from '../kit/assertions.js';
import type { KitContext } from '../kit/kit-context.js';
import { defineSuite, type KitSuite } from '../kit/suite.js';

// The contract decision "Creates are idempotent too" (docs/caller-guide.md "Retries"): a create retried
// exactly as asked succeeds and changes nothing; anything else on the same target is refused.

const lifecycle = defineSuite('lifecycle', [
  {
    name: 'idempotent create: spawn of an existing uuid with the same request succeeds and changes nothing',
    async run(kit) {
      const req = kit.spawnRequest({ networkInfo: [kit.vif()] });
      kit.track(req.instance.uuid);
      await kit.driver.spawn(kit.ctx, req);
      await kit.driver.powerOff(kit.ctx, kit.ref(req.instance.uuid));
      const events = kit.recordEvents();
      // powerOn (true by default) is not part of "same request": the retry does not start the stopped instance.
      await kit.driver.spawn(kit.ctx, req);
      await kit.expectState(req.instance.uuid, PowerState.SHUTDOWN, 'spawn retried');
      checkEqual(await kit.driver.countInstances(kit.ctx), 1, 'countInstances after the retry');
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
      const req = kit.spawnRequest();
      kit.track(req.instance.uuid);
      await kit.driver.spawn(kit.ctx, req);
      const variants: [string, SpawnRequest][] = [
        ['another name', { ...req, instance: { ...req.instance, name: `${req.instance.name}-b` } }],
        [
          'more vCPUs',
          {
            ...req,
            instance: { ...req.instance, flavor: { ...req.instance.flavor, vcpus: req.instance.flavor.vcpus + 1 } },
          },
        ],
        [
          'more memory',
          {
            ...req,
            instance: {
              ...req.instance,
              flavor: { ...req.instance.flavor, memoryMb: req.instance.flavor.memoryMb * 2 },
            },
          },
        ],
        ['an extra NIC', { ...req, networkInfo: [kit.vif()] }],
      ];
      for (const [what, other] of variants)
        await checkRejects(kit.driver.spawn(kit.ctx, other), 'INSTANCE_EXISTS', `spawn again with ${what}`);
      await kit.expectState(req.instance.uuid, PowerState.RUNNING, 'refused spawns');
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

async function diskCount(kit: KitContext, uuid: string): Promise<number | undefined> {
  if (!kit.supports('diagnostics')) return undefined;
  return (await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid))).numDisks;
}
