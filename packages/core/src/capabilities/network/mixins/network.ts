import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { NetworkCapability } from '../interface.js';
import {
  CleanNetworksPreparationRequest, DeallocateNetworksOnRescheduleRequest, InjectNetworkInfoRequest, PlugVifsRequest,
  PrepareNetworksBeforeBlockDeviceMappingRequest, ResetNetworkRequest, UnplugVifsRequest,
} from '../requests.js';

/** Public calls and hooks of `network`; the abstract hooks are what a driver must write. */
export declare abstract class NetworkShape {
  constructor(...args: any[]);
  /** Plug the VIFs; must succeed for VIFs that are already plugged. */
  protected abstract _plugVifs(ctx: OperationContext, request: PlugVifsRequest): Promise<void>;
  /** Unplug the VIFs; must succeed for VIFs that are already gone. */
  protected abstract _unplugVifs(ctx: OperationContext, request: UnplugVifsRequest): Promise<void>;
  /** Default: nothing (no block device of this driver needs the network first). */
  protected _prepareNetworksBeforeBlockDeviceMapping(ctx: OperationContext, request: PrepareNetworksBeforeBlockDeviceMappingRequest): Promise<void>;
  /** Default: nothing (nothing was prepared). */
  protected _cleanNetworksPreparation(ctx: OperationContext, request: CleanNetworksPreparationRequest): Promise<void>;
  /** Default: nothing. */
  protected _resetNetwork(ctx: OperationContext, request: ResetNetworkRequest): Promise<void>;
  /** Default: nothing (the guest learns its configuration through DHCP or the metadata service). */
  protected _injectNetworkInfo(ctx: OperationContext, request: InjectNetworkInfoRequest): Promise<void>;
  /** Default: false (ports are kept and rebound on the next host). */
  protected _deallocateNetworksOnReschedule(ctx: OperationContext, request: DeallocateNetworksOnRescheduleRequest): Promise<boolean>;
}
export interface NetworkShape extends Sealed<NetworkCapability> {}

/** Adds `network` (VIF plugging and its hooks) to a driver class (apply after `withLifecycle`). */
export const withNetwork = defineCapability<typeof NetworkShape>({
  name: 'network',
  requires: ['lifecycle'],
  methods: {
    plugVifs: { hook: '_plugVifs', request: PlugVifsRequest, instance: true },
    unplugVifs: { hook: '_unplugVifs', request: UnplugVifsRequest, instance: true, missingOk: true },
    prepareNetworksBeforeBlockDeviceMapping: {
      hook: '_prepareNetworksBeforeBlockDeviceMapping', request: PrepareNetworksBeforeBlockDeviceMappingRequest, instance: true,
    },
    cleanNetworksPreparation: { hook: '_cleanNetworksPreparation', request: CleanNetworksPreparationRequest, instance: true, missingOk: true },
    resetNetwork: { hook: '_resetNetwork', request: ResetNetworkRequest, instance: true },
    injectNetworkInfo: { hook: '_injectNetworkInfo', request: InjectNetworkInfoRequest, instance: true },
    deallocateNetworksOnReschedule: { hook: '_deallocateNetworksOnReschedule', request: DeallocateNetworksOnRescheduleRequest, instance: true },
  },
  defaults: {
    async _prepareNetworksBeforeBlockDeviceMapping() {},
    async _cleanNetworksPreparation() {},
    async _resetNetwork() {},
    async _injectNetworkInfo() {},
    async _deallocateNetworksOnReschedule() {
      return false;
    },
  },
});
