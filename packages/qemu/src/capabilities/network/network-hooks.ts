import {
  withNetwork,
  withNetworkHotplug,
  type AttachInterfaceRequest,
  type DetachInterfaceRequest,
  type OperationContext,
  type PlugVifsRequest,
  type UnplugVifsRequest,
} from '@virtkit/core';
import { VolumeHooks } from '../volume/volume-hooks.js';
import { attachInterface, detachInterface, plugVifs, unplugVifs } from './vifs.js';

/**
 * The QEMU driver's `network` family: `network` and `network.hotplug`: taps on host bridges, NICs plugged over QMP.
 * Its hooks only; the QMP and file work is in the modules next to this file.
 */
export abstract class NetworkHooks extends withNetworkHotplug(withNetwork(VolumeHooks)) {
  /**
   * The taps of the `bridge`/`tap` VIFs exist, on their bridges, up (in the namespace the `netns` option names).
   */
  protected _plugVifs(_ctx: OperationContext, req: PlugVifsRequest): Promise<void> {
    return plugVifs(this.config.netns, req.instance.uuid, req.networkInfo);
  }

  /** The taps this instance made for these VIFs are deleted. */
  protected _unplugVifs(_ctx: OperationContext, req: UnplugVifsRequest): Promise<void> {
    return unplugVifs(this.config.netns, req.instance.uuid, req.networkInfo);
  }

  protected _attachInterface(_ctx: OperationContext, req: AttachInterfaceRequest): Promise<void> {
    return attachInterface(this.vm(req), req);
  }

  protected _detachInterface(_ctx: OperationContext, req: DetachInterfaceRequest): Promise<void> {
    return detachInterface(this.vm(req), req);
  }
}
