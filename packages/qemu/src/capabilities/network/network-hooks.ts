import {
  ConflictError,
  withNetwork,
  withNetworkHotplug,
  type AttachInterfaceRequest,
  type DetachInterfaceRequest,
  type OperationContext,
  type PlugVifsRequest,
  type UnplugVifsRequest,
} from '@virtkit/core';
import { plugTaps, unplugTaps } from '../../network/taps-of-nics.js';
import { VolumeHooks } from '../volume/volume-hooks.js';
import { checkVifs, hostSide, newNic, plugNic, unplugNic } from './vifs.js';

/**
 * The QEMU driver's `network` family: `network` and `network.hotplug`: taps on host bridges, NICs plugged over QMP.
 */
export abstract class NetworkHooks extends withNetworkHotplug(withNetwork(VolumeHooks)) {
  /**
   * The taps of the `bridge`/`tap` VIFs exist, on their bridges, up (in the namespace the `netns` option names); a
   * retry changes nothing.
   * @throws `VALIDATION_FAILED`, `CONFLICT` (the device name is taken by something else), `DRIVER_ERROR`
   */
  protected async _plugVifs(_ctx: OperationContext, req: PlugVifsRequest): Promise<void> {
    checkVifs(req.networkInfo);
    await plugTaps(this.config.netns, req.instance.uuid, req.networkInfo.map(hostSide));
  }

  /** The taps this instance made for these VIFs are deleted (a missing one is no error). */
  protected async _unplugVifs(_ctx: OperationContext, req: UnplugVifsRequest): Promise<void> {
    checkVifs(req.networkInfo);
    await unplugTaps(this.config.netns, req.instance.uuid, req.networkInfo.map(hostSide));
  }

  /**
   * A new NIC: its tap first (`bridge`/`tap` VIFs), then `netdev_add` + `device_add` while the process runs
   * (recorded for the next start otherwise). The same VIF again (id and MAC) changes nothing.
   * @throws `CONFLICT` (another NIC has that MAC, or the VIF is attached with another MAC)
   */
  protected async _attachInterface(_ctx: OperationContext, req: AttachInterfaceRequest): Promise<void> {
    const vm = this.vm(req);
    const { vif } = req;
    checkVifs([vif], 'vif');
    const existing = vm.meta.nics.find((n) => n.vifId === vif.id);
    // The same VIF again is a retry (#18): success, no change; the same id with another MAC is not.
    if (existing) {
      if (existing.mac === vif.address.toLowerCase()) return;
      throw new ConflictError(
        `interface ${vif.id} is already attached to instance ${vm.uuid} with MAC ${existing.mac}`,
      );
    }
    await vm.busy(async () => {
      const nic = newNic(vm.meta, vif, vm.running);
      const netns = vm.config.netns;
      await plugTaps(netns, vm.uuid, [nic]);
      try {
        if (vm.running) await plugNic(vm, nic);
      } catch (error) {
        await unplugTaps(netns, vm.uuid, [nic]).catch(() => undefined);
        throw error;
      }
      vm.meta.nics.push(nic);
      await vm.save();
    });
  }

  /**
   * Unplug the NIC (waiting for DEVICE_DELETED) and its netdev, then delete its tap. A VIF that is not attached
   * changes nothing.
   * @throws `TIMEOUT` when the guest does not release a virtio NIC
   */
  protected async _detachInterface(_ctx: OperationContext, req: DetachInterfaceRequest): Promise<void> {
    const vm = this.vm(req);
    const nic = vm.meta.nics.find((n) => n.vifId === req.vif.id);
    if (!nic) return;
    await vm.busy(async () => {
      if (vm.running) await unplugNic(vm, nic);
      vm.meta.nics = vm.meta.nics.filter((n) => n !== nic);
      await vm.save();
      await unplugTaps(vm.config.netns, vm.uuid, [nic]);
    });
  }
}
