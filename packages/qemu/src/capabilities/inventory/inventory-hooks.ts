import {
  NotFoundError,
  toTraits,
  withInventory,
  withInventoryUsage,
  type AvailableResource,
  type GetAvailableResourceRequest,
  type GetTraitsRequest,
  type InstanceUsage,
  type OperationContext,
  type UpdateProviderTreeRequest,
} from '@virtkit/core';
import { HostHooks } from '../host/host-hooks.js';
import { availableResource, hostTraits, perInstanceUsage, updateProviderTree } from './resources.js';

/**
 * The QEMU driver's `inventory` family: `inventory` and `inventory.usage`: the one node this driver manages
 * (`options.nodeName`), its resources and traits.
 * Its hooks only; the QMP and file work is in the modules next to this file.
 */
export abstract class InventoryHooks extends withInventoryUsage(withInventory(HostHooks)) {
  /** @throws `NOT_FOUND` for a node other than this driver's one (its resources are not this host's to report) */
  protected async _getAvailableResource(
    _ctx: OperationContext,
    req: GetAvailableResourceRequest,
  ): Promise<AvailableResource> {
    this.requireNode(req.nodename);
    return availableResource(this.qemu);
  }

  /** @throws `NOT_FOUND` for a node other than this driver's one */
  protected async _updateProviderTree(_ctx: OperationContext, req: UpdateProviderTreeRequest): Promise<void> {
    this.requireNode(req.nodename);
    await updateProviderTree(
      this.qemu,
      req.providerTree,
      req.nodename,
      await hostTraits(this.qemu, toTraits(this.capabilities)),
    );
  }

  /** @throws `NOT_FOUND` for a node other than this driver's one */
  protected async _getTraits(_ctx: OperationContext, req: GetTraitsRequest): Promise<string[]> {
    this.requireNode(req.nodename);
    return hostTraits(this.qemu, toTraits(this.capabilities));
  }

  /** The driver manages one node (`options.nodeName`). @throws `NOT_FOUND` for any other */
  protected requireNode(nodename: string): void {
    if (nodename !== this.config.nodeName) throw new NotFoundError('node', nodename);
  }

  protected async _getPerInstanceUsage(): Promise<Record<string, InstanceUsage>> {
    return perInstanceUsage(this.qemu);
  }
}
