import { codeOf, ctx, driver, ref, spawn, vif } from './helpers';

const nicsOf = async (d: any, uuid: string) =>
  (await d.getInstanceDiagnostics(ctx, ref(uuid))).nicDetails.map((n: any) => n.macAddress);

describe('network interfaces', () => {
  it('plug and unplug VIFs, idempotently', async () => {
    const d = driver();
    const nic = vif();
    const uuid = await spawn(d, { networkInfo: [nic] });
    await d.plugVifs(ctx, { ...ref(uuid), networkInfo: [nic] });
    expect(await nicsOf(d, uuid)).toEqual([nic.address]);
    const second = vif();
    await d.plugVifs(ctx, { ...ref(uuid), networkInfo: [nic, second] });
    expect(await nicsOf(d, uuid)).toEqual([nic.address, second.address]);
    await d.unplugVifs(ctx, { ...ref(uuid), networkInfo: [nic] });
    await d.unplugVifs(ctx, { ...ref(uuid), networkInfo: [nic] });
    expect(await nicsOf(d, uuid)).toEqual([second.address]);
    await d.unplugVifs(ctx, { ...ref('7c0c9b5e-0000-4000-8000-000000000002'), networkInfo: [nic] });
  });

  it('hot attach and detach; the same VIF again changes nothing, a conflicting duplicate is CONFLICT', async () => {
    const d = driver();
    const uuid = await spawn(d);
    const nic = vif({ tag: 'mgmt' });
    await d.attachInterface(ctx, { ...ref(uuid), imageMeta: {}, vif: nic });
    await d.attachInterface(ctx, { ...ref(uuid), imageMeta: {}, vif: nic });
    expect(await nicsOf(d, uuid)).toEqual([nic.address]);
    expect(
      await codeOf(
        d.attachInterface(ctx, { ...ref(uuid), imageMeta: {}, vif: { ...nic, address: '52:54:00:ff:ff:ff' } }),
      ),
    ).toBe('CONFLICT');
    expect(
      await codeOf(d.attachInterface(ctx, { ...ref(uuid), imageMeta: {}, vif: vif({ address: nic.address }) })),
    ).toBe('CONFLICT');
    await d.detachInterface(ctx, { ...ref(uuid), vif: nic });
    await d.detachInterface(ctx, { ...ref(uuid), vif: nic });
    expect(await nicsOf(d, uuid)).toEqual([]);
  });

  it('hotplug follows the power-state rule', async () => {
    const d = driver();
    const uuid = await spawn(d);
    await d.suspend(ctx, ref(uuid));
    expect(await codeOf(d.attachInterface(ctx, { ...ref(uuid), imageMeta: {}, vif: vif() }))).toBe('INVALID_STATE');
    await d.powerOff(ctx, ref(uuid));
    await d.attachInterface(ctx, { ...ref(uuid), imageMeta: {}, vif: vif() });
  });

  it('a spawn with conflicting VIFs is refused and creates nothing', async () => {
    const d = driver();
    const nic = vif();
    expect(await codeOf(spawn(d, { networkInfo: [nic, vif({ address: nic.address })] }))).toBe('CONFLICT');
    expect(await d.countInstances(ctx)).toBe(0);
  });

  it('network hooks with defaults answer, and the firewall family keeps its state', async () => {
    const d = driver();
    const uuid = await spawn(d);
    await d.resetNetwork(ctx, ref(uuid));
    await d.injectNetworkInfo(ctx, { ...ref(uuid), networkInfo: [] });
    expect(await codeOf(d.resetNetwork(ctx, ref('7c0c9b5e-0000-4000-8000-000000000003')))).toBe('INSTANCE_NOT_FOUND');
    expect(await d.deallocateNetworksOnReschedule(ctx, ref(uuid))).toBe(false);
    await d.prepareNetworksBeforeBlockDeviceMapping(ctx, { ...ref(uuid), networkInfo: [] });
    await d.cleanNetworksPreparation(ctx, { ...ref(uuid), networkInfo: [] });
    await d.ensureFilteringRulesForInstance(ctx, { ...ref(uuid), networkInfo: [] });
    await d.refreshSecurityGroupRules(ctx, { securityGroupId: 'sg-1' });
    await d.refreshInstanceSecurityRules(ctx, ref(uuid));
    await d.filterDeferApplyOn(ctx);
    await d.filterDeferApplyOff(ctx);
    await d.unfilterInstance(ctx, { ...ref(uuid), networkInfo: [] });
    await d.unfilterInstance(ctx, { ...ref(uuid), networkInfo: [] });
    expect(await d.macsForInstance(ctx, ref(uuid))).toBeNull();
  });
});
