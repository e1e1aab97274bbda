import { PowerState, type Vif } from '@virtkit/core';
import { check, checkEqual, checkRejects, malformed } from '../kit/assertions.js';
import type { KitContext } from '../kit/kit-context.js';
import { defineSuite } from '../kit/suite.js';
import { inStates, unknownInstance } from '../kit/traits.js';

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;

/** `network`: plugging VIFs and the network hooks. */
export const networkSuite = defineSuite('network', [
  ...inStates(['running', 'stopped'], (t) => ({
    name: `plug and unplug VIFs while ${t.label}, both idempotent; the instance keeps its state`,
    async run(kit, uuid) {
      const networkInfo = [kit.vif(), kit.vif()];
      await kit.driver.plugVifs(kit.ctx, { ...kit.ref(uuid), networkInfo });
      await kit.driver.plugVifs(kit.ctx, { ...kit.ref(uuid), networkInfo });
      await kit.expectState(uuid, t.state, 'plugVifs');
      await kit.driver.unplugVifs(kit.ctx, { ...kit.ref(uuid), networkInfo });
      await kit.driver.unplugVifs(kit.ctx, { ...kit.ref(uuid), networkInfo });
      await kit.expectState(uuid, t.state, 'unplugVifs');
      await kit.driver.unplugVifs(kit.ctx, { ...kit.ref(unknownInstance()), networkInfo });
    },
  })),
  {
    name: 'the network hooks answer for an instance with interfaces',
    async run(kit) {
      const networkInfo = [kit.vif()];
      const uuid = await kit.spawn({ networkInfo });
      await kit.driver.prepareNetworksBeforeBlockDeviceMapping(kit.ctx, { ...kit.ref(uuid), networkInfo });
      await kit.driver.cleanNetworksPreparation(kit.ctx, { ...kit.ref(uuid), networkInfo });
      await kit.driver.injectNetworkInfo(kit.ctx, { ...kit.ref(uuid), networkInfo });
      await kit.driver.resetNetwork(kit.ctx, kit.ref(uuid));
      const deallocate = await kit.driver.deallocateNetworksOnReschedule(kit.ctx, kit.ref(uuid));
      check(
        typeof deallocate === 'boolean',
        `deallocateNetworksOnReschedule must answer a boolean, got ${JSON.stringify(deallocate)}`,
      );
      await kit.expectState(uuid, PowerState.RUNNING, 'the network hooks');
    },
  },
  {
    name: 'spawn with two VIFs of one MAC is CONFLICT and leaves no instance; either VIF alone spawns',
    async run(kit) {
      const first = kit.vif();
      const second = { ...kit.vif(), address: first.address.toUpperCase() };
      const req = kit.spawnRequest({ networkInfo: [first, second] });
      kit.step('spawning with two VIFs that share a MAC');
      await checkRejects(kit.driver.spawn(kit.ctx, req), 'CONFLICT', 'spawn with two VIFs of one MAC');
      check(
        !(await kit.driver.listInstanceUuids(kit.ctx)).includes(req.instance.uuid),
        'the refused spawn must leave no instance behind',
      );
      for (const vif of [first, second]) {
        const uuid = await kit.spawn({ networkInfo: [vif] });
        await kit.expectState(uuid, PowerState.RUNNING, 'spawn with one of the two VIFs');
        await kit.driver.destroy(kit.ctx, kit.ref(uuid));
      }
    },
  },
  {
    name: 'malformed VIFs are VALIDATION_FAILED',
    async run(kit) {
      const uuid = await kit.spawn();
      const plug = (networkInfo: unknown): Promise<void> =>
        kit.driver.plugVifs(kit.ctx, malformed({ ...kit.ref(uuid), networkInfo }));
      await checkRejects(plug([{ ...kit.vif(), address: 'not-a-mac' }]), 'VALIDATION_FAILED', 'a VIF with a bad MAC');
      await checkRejects(plug([{ ...kit.vif(), type: 'warp' }]), 'VALIDATION_FAILED', "a VIF of type 'warp'");
      await checkRejects(
        plug([{ ...kit.vif(), devname: 'tap0; reboot now' }]),
        'VALIDATION_FAILED',
        'a VIF with a 16+ character devname',
      );
      await checkRejects(plug(kit.vif()), 'VALIDATION_FAILED', 'networkInfo that is not a list');
    },
  },
]);

/** `network.hotplug`: one interface at a time, in RUNNING, PAUSED and SHUTDOWN. */
export const networkHotplugSuite = defineSuite('network.hotplug', [
  ...inStates(['running', 'paused', 'stopped'], (t) => ({
    name: `attach and detach an interface while ${t.label}; attaching it again changes nothing`,
    async run(kit, uuid) {
      const vif = kit.vif();
      const before = await nicMacs(kit, uuid);
      await kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif });
      await kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif });
      if (before)
        checkEqual(
          await nicMacs(kit, uuid),
          [...before, vif.address].sort(),
          'diagnostics NIC MACs after attach (twice)',
        );
      await kit.expectState(uuid, t.state, 'attachInterface');
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif });
      if (before) checkEqual(await nicMacs(kit, uuid), before, 'diagnostics NIC MACs after detach');
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif });
      await kit.expectState(uuid, t.state, 'detachInterface');
    },
  })),
  {
    name: 'another interface with the MAC of an attached one is CONFLICT; detaching an unknown VIF changes nothing',
    async run(kit) {
      const uuid = await kit.spawn();
      const vif = kit.vif();
      await kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif });
      const clash = { ...kit.vif(), address: vif.address };
      await checkRejects(
        kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif: clash }),
        'CONFLICT',
        'a second interface with the same MAC',
      );
      const before = await nicMacs(kit, uuid);
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif: kit.vif() });
      if (before) checkEqual(await nicMacs(kit, uuid), before, 'diagnostics NIC MACs after detaching an unknown VIF');
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif });
      await kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif: clash });
    },
  },
  {
    name: 'detaching one interface never detaches another, in either order',
    async run(kit) {
      for (const order of ['first', 'second'] as const) {
        const uuid = await kit.spawn();
        const vifs = [kit.vif(), kit.vif(), kit.vif()];
        for (const vif of vifs)
          await kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif });
        const gone = order === 'first' ? vifs[0]! : vifs[1]!;
        kit.step(`detaching the ${order} of three interfaces`);
        await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif: gone });
        const left = vifs.filter((v) => v !== gone);
        const macs = await nicMacs(kit, uuid);
        if (macs)
          checkEqual(
            macs,
            left.map((v) => v.address.toLowerCase()).sort(),
            `diagnostics NIC MACs after detaching the ${order} interface`,
          );
        // the ones left are still attached: attaching each again as asked changes nothing, a new VIF with its MAC is
        // CONFLICT
        for (const vif of left) {
          await checkRejects(
            kit.driver.attachInterface(kit.ctx, {
              ...kit.ref(uuid),
              imageMeta: kit.imageMeta,
              vif: { ...kit.vif(), address: vif.address },
            }),
            'CONFLICT',
            `another interface with the MAC of the interface left attached (${vif.address})`,
          );
        }
        // and the one detached is gone: its MAC is free again
        await kit.driver.attachInterface(kit.ctx, {
          ...kit.ref(uuid),
          imageMeta: kit.imageMeta,
          vif: { ...kit.vif(), address: gone.address },
        });
      }
    },
  },
  {
    name: 'contract: the same VIF id asked again with another MAC is CONFLICT and changes nothing',
    async run(kit) {
      const uuid = await kit.spawn();
      const vif = kit.vif();
      await kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif });
      const before = await nicMacs(kit, uuid);
      const moved = { ...vif, address: kit.vif().address };
      await checkRejects(
        kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif: moved }),
        'CONFLICT',
        'the attached VIF id again with another MAC',
      );
      if (before) checkEqual(await nicMacs(kit, uuid), before, 'diagnostics NIC MACs after the refused attach');
      // the refused call took nothing: the new MAC is free, the VIF still has its own MAC (a retry of it succeeds)
      const probe = { ...kit.vif(), address: moved.address };
      await kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif: probe });
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif: probe });
      await kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif });
      kit.step('detaching the VIF, then attaching its id with the other MAC');
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif });
      await kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif: moved });
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif: moved });
    },
  },
  {
    name:
      'contract: an interface asked again with another tag, or none, is CONFLICT; detached and attached ' +
      'again, it takes the new tag',
    features: ['taggedInterfaceAttach'],
    async run(kit) {
      const uuid = await kit.spawn();
      const attach = (vif: Vif): Promise<void> =>
        kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif });
      const vif = { ...kit.vif(), tag: 'kit-a' };
      const untagged = { ...vif, tag: undefined };
      await attach(vif);
      await checkRejects(attach({ ...vif, tag: 'kit-b' }), 'CONFLICT', 'the VIF tagged kit-a, asked with tag kit-b');
      await checkRejects(attach(untagged), 'CONFLICT', 'the VIF tagged kit-a, asked without a tag');
      await attach(vif);
      kit.step('detaching it, then attaching it untagged (twice: the second is a retry)');
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif });
      await attach(untagged);
      await attach(untagged);
      await checkRejects(attach(vif), 'CONFLICT', 'the untagged VIF, asked with tag kit-a');
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif });
    },
  },
  {
    name: "attaching and detaching interfaces on one instance leaves another instance's interfaces unchanged",
    async run(kit) {
      const [uuid, other] = [await kit.spawn(), await kit.spawn()];
      if (kit.supports('volume') && kit.fixtures.createVolume) {
        // the other instance has a volume too (its interfaces sit beside another kind of attachment)
        const connectionInfo = await kit.volume();
        await kit.driver.attachVolume(kit.ctx, { ...kit.full(other), connectionInfo, mountpoint: 'vdb' });
      }
      const theirs = kit.vif();
      await kit.driver.attachInterface(kit.ctx, { ...kit.ref(other), imageMeta: kit.imageMeta, vif: theirs });
      const before = await nicMacs(kit, other);
      const mine = [kit.vif(), kit.vif()];
      for (const vif of mine)
        await kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif });
      kit.step("detaching this instance's interfaces, and one with the id of the other instance's");
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif: mine[0]! });
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif: theirs });
      if (before) checkEqual(await nicMacs(kit, other), before, "the other instance's NIC MACs");
      // still attached there: a new VIF with its MAC is CONFLICT, the VIF itself again is a retry
      await checkRejects(
        kit.driver.attachInterface(kit.ctx, {
          ...kit.ref(other),
          imageMeta: kit.imageMeta,
          vif: { ...kit.vif(), address: theirs.address },
        }),
        'CONFLICT',
        "another interface with the MAC of the other instance's interface, on that instance",
      );
      await kit.driver.attachInterface(kit.ctx, { ...kit.ref(other), imageMeta: kit.imageMeta, vif: theirs });
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif: mine[1]! });
      await kit.driver.detachInterface(kit.ctx, { ...kit.ref(other), vif: theirs });
    },
  },
  ...inStates(['suspended'], (t) => ({
    name: `attach and detach while ${t.label} are INVALID_STATE`,
    async run(kit, uuid) {
      const vif = kit.vif();
      await checkRejects(
        kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif }),
        'INVALID_STATE',
        `attachInterface while ${t.label}`,
      );
      await checkRejects(
        kit.driver.detachInterface(kit.ctx, { ...kit.ref(uuid), vif }),
        'INVALID_STATE',
        `detachInterface while ${t.label}`,
      );
      await kit.expectState(uuid, t.state, 'refused hotplug');
    },
  })),
  {
    name:
      'hotplug on an unknown instance is INSTANCE_NOT_FOUND; a bad VIF, or a tag without taggedInterfaceAttach, ' +
      'is VALIDATION_FAILED',
    async run(kit) {
      const unknown = unknownInstance();
      await checkRejects(
        kit.driver.attachInterface(kit.ctx, { ...kit.ref(unknown), imageMeta: kit.imageMeta, vif: kit.vif() }),
        'INSTANCE_NOT_FOUND',
        'attachInterface(unknown)',
      );
      await checkRejects(
        kit.driver.detachInterface(kit.ctx, { ...kit.ref(unknown), vif: kit.vif() }),
        'INSTANCE_NOT_FOUND',
        'detachInterface(unknown)',
      );
      const uuid = await kit.spawn();
      await checkRejects(
        kit.driver.attachInterface(kit.ctx, {
          ...kit.ref(uuid),
          imageMeta: kit.imageMeta,
          vif: { ...kit.vif(), address: 'zz' },
        }),
        'VALIDATION_FAILED',
        'a VIF with a bad MAC',
      );
      await checkRejects(
        kit.driver.attachInterface(kit.ctx, malformed({ ...kit.ref(uuid), vif: kit.vif() })),
        'VALIDATION_FAILED',
        'attach without imageMeta',
      );
      if (kit.feature('taggedInterfaceAttach') === 'unsupported') {
        const tagged = { ...kit.vif(), tag: 'kit-nic' };
        await checkRejects(
          kit.driver.attachInterface(kit.ctx, { ...kit.ref(uuid), imageMeta: kit.imageMeta, vif: tagged }),
          'VALIDATION_FAILED',
          'a tag without the feature',
        );
      }
    },
  },
]);

/** `network.firewall` (deprecated). */
export const networkFirewallSuite = defineSuite('network.firewall', [
  {
    name: 'filter calls answer for an instance; unfilter is idempotent, also for an unknown instance',
    async run(kit) {
      const networkInfo = [kit.vif()];
      const uuid = await kit.spawn({ networkInfo });
      await kit.driver.filterDeferApplyOn(kit.ctx);
      await kit.driver.ensureFilteringRulesForInstance(kit.ctx, { ...kit.ref(uuid), networkInfo });
      await kit.driver.refreshInstanceSecurityRules(kit.ctx, kit.ref(uuid));
      await kit.driver.refreshSecurityGroupRules(kit.ctx, { securityGroupId: 'kit-group' });
      await kit.driver.filterDeferApplyOff(kit.ctx);
      await kit.driver.unfilterInstance(kit.ctx, { ...kit.ref(uuid), networkInfo });
      await kit.driver.unfilterInstance(kit.ctx, { ...kit.ref(uuid), networkInfo });
      await kit.driver.unfilterInstance(kit.ctx, { ...kit.ref(unknownInstance()), networkInfo });
      await kit.expectState(uuid, PowerState.RUNNING, 'the filter calls');
      await checkRejects(
        kit.driver.refreshSecurityGroupRules(kit.ctx, malformed({ securityGroupId: 42 })),
        'VALIDATION_FAILED',
        'securityGroupId 42',
      );
    },
  },
]);

/** `network.macs` (deprecated). */
export const networkMacsSuite = defineSuite('network.macs', [
  {
    name: 'the MACs of an instance are null or lower-case MAC addresses, the same when asked again',
    async run(kit) {
      const uuid = await kit.spawn();
      const macs = await kit.driver.macsForInstance(kit.ctx, kit.full(uuid));
      check(
        macs === null || (Array.isArray(macs) && macs.every((m) => typeof m === 'string' && MAC.test(m))),
        `macsForInstance must be null or MACs, got ${JSON.stringify(macs)}`,
      );
      checkEqual(await kit.driver.macsForInstance(kit.ctx, kit.full(uuid)), macs, 'macsForInstance asked again');
      await checkRejects(
        kit.driver.macsForInstance(kit.ctx, { instance: { uuid: 'x' } }),
        'VALIDATION_FAILED',
        'macsForInstance(bad uuid)',
      );
    },
  },
]);

/** The NIC MACs diagnostics report, sorted, when the driver advertises diagnostics (an optional read-back). */
async function nicMacs(kit: KitContext, uuid: string): Promise<string[] | undefined> {
  if (!kit.supports('diagnostics')) return undefined;
  const d = await kit.driver.getInstanceDiagnostics(kit.ctx, kit.ref(uuid));
  return d.nicDetails.map((n: { macAddress: string }) => n.macAddress.toLowerCase()).sort();
}
