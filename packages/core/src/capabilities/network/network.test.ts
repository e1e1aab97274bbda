import 'reflect-metadata';
import { DriverBase } from '../../driver/driver-base.js';
import { PowerState } from '../../model/power-state.js';
import { withNetwork, withNetworkFirewall, withNetworkHotplug, withNetworkMacs } from './index.js';
import { MapTestDriver } from '../../testing/map-test-driver.js';

const UUID = '7b1c6f1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f';
const ctx = {};
const instance = { uuid: UUID };
const vif = { id: 'port-1', address: 'fa:16:3e:00:00:01', network: { id: 'net-1' }, type: 'bridge' as const };

class TinyBase extends MapTestDriver {
  override states = new Map<string, PowerState>([[UUID, PowerState.RUNNING]]);
}

class NetDriver extends withNetworkMacs(withNetworkFirewall(withNetworkHotplug(withNetwork(TinyBase)))) {
  static override driverName = 'net';
  protected async _plugVifs() {
    this.calls.push('plug');
  }
  protected async _unplugVifs() {
    throw Object.assign(new Error('gone'), { code: 'INSTANCE_NOT_FOUND', name: 'InstanceNotFoundError' });
  }
  protected async _attachInterface() {
    this.calls.push('attach');
  }
  protected async _detachInterface() {
    this.calls.push('detach');
  }
  protected async _refreshSecurityGroupRules() {}
  protected async _refreshInstanceSecurityRules() {}
  protected async _ensureFilteringRulesForInstance() {}
  protected async _unfilterInstance() {}
  protected async _macsForInstance() {
    return ['fa:16:3e:00:00:01'];
  }
}

class TaggingDriver extends NetDriver {
  static override features = { taggedInterfaceAttach: true };
}

class PlainDriver extends withNetwork(TinyBase) {
  protected async _plugVifs() {}
  protected async _unplugVifs() {}
}

describe('network family', () => {
  it('advertises every applied capability', () => {
    const caps = new NetDriver().capabilities.capabilities;
    expect([caps.network, caps['network.hotplug'], caps['network.firewall'], caps['network.macs']]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(new PlainDriver().capabilities.capabilities['network.hotplug']).toBe(false);
  });

  it('answers unapplied sub-capabilities with NOT_SUPPORTED', async () => {
    const d = new PlainDriver() as any;
    await expect(d.attachInterface(ctx, { instance, imageMeta: {}, vif })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
      capability: 'network.hotplug',
    });
    await expect(d.unfilterInstance(ctx, { instance, networkInfo: [] })).rejects.toMatchObject({
      code: 'NOT_SUPPORTED',
    });
    await expect(d.macsForInstance(ctx, { instance })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
  });

  it('refuses hotplug without network and network without lifecycle', () => {
    expect(() => withNetworkHotplug(TinyBase)).toThrow(expect.objectContaining({ code: 'DRIVER_DEFINITION' }));
    expect(() => withNetwork(DriverBase)).toThrow(expect.objectContaining({ code: 'DRIVER_DEFINITION' }));
  });

  it('gives working defaults for the optional hooks', async () => {
    const d = new PlainDriver();
    const req = { instance, networkInfo: [vif] };
    await expect(d.prepareNetworksBeforeBlockDeviceMapping(ctx, req)).resolves.toBeUndefined();
    await expect(d.cleanNetworksPreparation(ctx, req)).resolves.toBeUndefined();
    await expect(d.resetNetwork(ctx, { instance })).resolves.toBeUndefined();
    await expect(d.injectNetworkInfo(ctx, req)).resolves.toBeUndefined();
    await expect(d.deallocateNetworksOnReschedule(ctx, { instance })).resolves.toBe(false);
    const fw = new NetDriver();
    await expect(fw.filterDeferApplyOn(ctx)).resolves.toBeUndefined();
    await expect(fw.filterDeferApplyOff(ctx)).resolves.toBeUndefined();
  });

  it('validates requests with field paths and calls nothing', async () => {
    const d = new NetDriver();
    const bad = { ...vif, address: 'not-a-mac', network: {} };
    const err = await d.plugVifs(ctx, { instance, networkInfo: [bad as any] }).catch((e) => e);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.paths).toEqual(expect.arrayContaining(['networkInfo.0.address', 'networkInfo.0.network.id']));
    const missing = await (d as any).attachInterface(ctx, { instance }).catch((e: any) => e);
    expect(missing.paths).toEqual(expect.arrayContaining(['imageMeta', 'vif']));
    const sg = await (d as any).refreshSecurityGroupRules(ctx, {}).catch((e: any) => e);
    expect(sg.paths).toEqual(['securityGroupId']);
    expect(d.calls).toEqual([]);
  });

  it('plugs VIFs and treats an unknown instance on unplug as done', async () => {
    const d = new NetDriver();
    await d.plugVifs(ctx, { instance, networkInfo: [vif] });
    await expect(d.unplugVifs(ctx, { instance, networkInfo: [vif] })).resolves.toBeUndefined();
    expect(d.calls).toEqual(['plug']);
    await expect(d.macsForInstance(ctx, { instance })).resolves.toEqual(['fa:16:3e:00:00:01']);
  });

  it('hot-plugs in RUNNING, PAUSED and SHUTDOWN only', async () => {
    const d = new NetDriver();
    for (const state of [PowerState.RUNNING, PowerState.PAUSED, PowerState.SHUTDOWN]) {
      d.states.set(UUID, state);
      await d.attachInterface(ctx, { instance, imageMeta: {}, vif });
      await d.detachInterface(ctx, { instance, vif });
    }
    expect(d.calls).toEqual(['attach', 'detach', 'attach', 'detach', 'attach', 'detach']);
    for (const state of [PowerState.SUSPENDED, PowerState.CRASHED]) {
      d.states.set(UUID, state);
      await expect(d.attachInterface(ctx, { instance, imageMeta: {}, vif })).rejects.toMatchObject({
        code: 'INVALID_STATE',
      });
      await expect(d.detachInterface(ctx, { instance, vif })).rejects.toMatchObject({ code: 'INVALID_STATE' });
    }
    d.states.delete(UUID);
    await expect(d.attachInterface(ctx, { instance, imageMeta: {}, vif })).rejects.toMatchObject({
      code: 'INSTANCE_NOT_FOUND',
    });
    expect(d.calls).toHaveLength(6);
  });

  it('refuses a device tag unless the driver declares taggedInterfaceAttach', async () => {
    const tagged = { instance, imageMeta: {}, vif: { ...vif, tag: 'nic1' } };
    const err = await new NetDriver().attachInterface(ctx, tagged).catch((e) => e);
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.paths).toEqual(['vif.tag']);
    const d = new TaggingDriver();
    await d.attachInterface(ctx, tagged);
    expect(d.calls).toEqual(['attach']);
  });
});
