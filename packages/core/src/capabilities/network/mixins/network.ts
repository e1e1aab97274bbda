import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { NetworkCapability } from '../interface.js';
import {
  CleanNetworksPreparationRequest,
  DeallocateNetworksOnRescheduleRequest,
  InjectNetworkInfoRequest,
  PlugVifsRequest,
  PrepareNetworksBeforeBlockDeviceMappingRequest,
  ResetNetworkRequest,
  UnplugVifsRequest,
} from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `network`; the abstract hooks are what a driver must write. */
export declare abstract class NetworkShape {
  constructor(...args: MixinArgs);
  /** Plug the VIFs; must succeed for VIFs that are already plugged. */
  protected abstract _plugVifs(ctx: OperationContext, request: PlugVifsRequest): Promise<void>;
  /** Unplug the VIFs; must succeed for VIFs that are already gone. */
  protected abstract _unplugVifs(ctx: OperationContext, request: UnplugVifsRequest): Promise<void>;
  /** Default: nothing (no block device of this driver needs the network first). */
  protected _prepareNetworksBeforeBlockDeviceMapping(
    ctx: OperationContext,
    request: PrepareNetworksBeforeBlockDeviceMappingRequest,
  ): Promise<void>;
  /** Default: nothing (nothing was prepared). */
  protected _cleanNetworksPreparation(ctx: OperationContext, request: CleanNetworksPreparationRequest): Promise<void>;
  /** Default: nothing. */
  protected _resetNetwork(ctx: OperationContext, request: ResetNetworkRequest): Promise<void>;
  /** Default: nothing (the guest learns its configuration through DHCP or the metadata service). */
  protected _injectNetworkInfo(ctx: OperationContext, request: InjectNetworkInfoRequest): Promise<void>;
  /** Default: false (ports are kept and rebound on the next host). */
  protected _deallocateNetworksOnReschedule(
    ctx: OperationContext,
    request: DeallocateNetworksOnRescheduleRequest,
  ): Promise<boolean>;
}
export interface NetworkShape extends Sealed<NetworkCapability> {}

/** The declaration of `network`: its calls, hooks, rules and place in the contract. */
export const NETWORK_CAPABILITY = declareCapability<NetworkCapability>()({
  name: 'network',
  family: 'network',
  description:
    "wire an instance's virtual interfaces (VIFs) to host networks.\n\nCalls on one instance " +
    'run one at a time. No power-state rule: VIFs are plugged before the guest exists and ' +
    'unplugged after it is gone.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    plugVifs: { hook: '_plugVifs', request: PlugVifsRequest, instance: true },
    unplugVifs: { hook: '_unplugVifs', request: UnplugVifsRequest, instance: true, missingOk: true },
    prepareNetworksBeforeBlockDeviceMapping: {
      hook: '_prepareNetworksBeforeBlockDeviceMapping',
      request: PrepareNetworksBeforeBlockDeviceMappingRequest,
      instance: true,
    },
    cleanNetworksPreparation: {
      hook: '_cleanNetworksPreparation',
      request: CleanNetworksPreparationRequest,
      instance: true,
      missingOk: true,
    },
    resetNetwork: { hook: '_resetNetwork', request: ResetNetworkRequest, instance: true },
    injectNetworkInfo: { hook: '_injectNetworkInfo', request: InjectNetworkInfoRequest, instance: true },
    deallocateNetworksOnReschedule: {
      hook: '_deallocateNetworksOnReschedule',
      request: DeallocateNetworksOnRescheduleRequest,
      instance: true,
    },
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
  features: {
    remoteManagedPorts: { trait: 'COMPUTE_REMOTE_MANAGED_PORTS', description: 'remote-managed (SmartNIC) ports' },
  },
  calls: [
    {
      referenceName: 'plug_vifs',
      method: 'plugVifs',
      kind: 'required',
      summary: "Connect the guest's virtual interfaces to the host's networks.",
    },
    {
      referenceName: 'unplug_vifs',
      method: 'unplugVifs',
      kind: 'required',
      summary: "Disconnect the guest's virtual interfaces from the host's networks.",
    },
    {
      referenceName: 'prepare_networks_before_block_device_mapping',
      method: 'prepareNetworksBeforeBlockDeviceMapping',
      kind: 'hook',
      summary: 'Set up networks that volumes need before they are attached at spawn.',
    },
    {
      referenceName: 'clean_networks_preparation',
      method: 'cleanNetworksPreparation',
      kind: 'hook',
      summary: 'Undo that network preparation when the spawn fails.',
    },
    {
      referenceName: 'reset_network',
      method: 'resetNetwork',
      kind: 'hook',
      summary: 'Ask the guest to reset its network configuration.',
    },
    {
      referenceName: 'inject_network_info',
      method: 'injectNetworkInfo',
      kind: 'hook',
      summary: 'Hand new network settings to the guest.',
    },
    {
      referenceName: 'deallocate_networks_on_reschedule',
      method: 'deallocateNetworksOnReschedule',
      kind: 'default',
      summary:
        "Tell whether the instance's networks must be released before a failed build is tried on " +
        'another host; false by default.',
    },
  ],
});

/** Adds `network` (VIF plugging and its hooks) to a driver class (apply after `withLifecycle`). */
export const withNetwork = defineCapability<typeof NetworkShape>(NETWORK_CAPABILITY);
