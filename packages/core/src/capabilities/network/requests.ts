import { IsString, MaxLength } from 'class-validator';
import { NestedArray, NestedObject } from '../../model/nested-decorators.js';
import { FullInstanceRequest, InstanceRequest } from '../../driver/core-requests.js';
import { ImageMeta } from '../../model/image-meta.js';
import { Vif } from '../../model/network-info.js';

/** An instance and the interfaces the call is about (possibly none). */
class InstanceVifsRequest extends InstanceRequest {
  @NestedArray(() => Vif) networkInfo!: Vif[];
}

/** `plugVifs`: connect the instance's interfaces to their networks on this host. */
export class PlugVifsRequest extends InstanceVifsRequest {}

/** `unplugVifs`: disconnect the instance's interfaces from their networks. */
export class UnplugVifsRequest extends InstanceVifsRequest {}

/** `prepareNetworksBeforeBlockDeviceMapping`: network set-up that block devices depend on. */
export class PrepareNetworksBeforeBlockDeviceMappingRequest extends InstanceVifsRequest {}

/** `cleanNetworksPreparation`: undo that set-up after block-device mapping failed. */
export class CleanNetworksPreparationRequest extends InstanceVifsRequest {}

/** `resetNetwork`: reset the networking of one instance. */
export class ResetNetworkRequest extends InstanceRequest {}

/** `injectNetworkInfo`: push the instance's current network configuration into the guest. */
export class InjectNetworkInfoRequest extends InstanceVifsRequest {}

/** `deallocateNetworksOnReschedule`: the instance whose build is being rescheduled. */
export class DeallocateNetworksOnRescheduleRequest extends InstanceRequest {}

/** `attachInterface`: hot-plug one interface into an instance. */
export class AttachInterfaceRequest extends InstanceRequest {
  /** The image the instance was booted from (its properties choose the NIC model). */
  @NestedObject(() => ImageMeta) imageMeta!: ImageMeta;
  /** The interface to add; a `tag` needs the `taggedInterfaceAttach` feature. */
  @NestedObject(() => Vif) vif!: Vif;
}

/** `detachInterface`: hot-unplug one interface from an instance. */
export class DetachInterfaceRequest extends InstanceRequest {
  @NestedObject(() => Vif) vif!: Vif;
}

/** `refreshSecurityGroupRules`: re-apply the rules of one security group to its members. */
export class RefreshSecurityGroupRulesRequest {
  @IsString() @MaxLength(255) securityGroupId!: string;
}

/** `refreshInstanceSecurityRules`: re-apply the security rules of one instance. */
export class RefreshInstanceSecurityRulesRequest extends InstanceRequest {}

/** `ensureFilteringRulesForInstance`: install the instance's filters (before a live migration arrives). */
export class EnsureFilteringRulesForInstanceRequest extends InstanceVifsRequest {}

/** `unfilterInstance`: remove every filter of the instance. */
export class UnfilterInstanceRequest extends InstanceVifsRequest {}

/** `macsForInstance`: the instance about to be given network ports. */
export class MacsForInstanceRequest extends FullInstanceRequest {}
