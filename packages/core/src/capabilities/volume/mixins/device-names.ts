import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import {
  DefaultDeviceNamesForInstanceRequest, DefaultRootDeviceNameRequest, GetDeviceNameForInstanceRequest,
  type DefaultDeviceNamesForInstanceResult,
} from '../device-name-requests.js';
import type { DeviceNamesCapability } from '../interface.js';

/** Public calls and hooks of `volume.deviceNames`. */
export declare abstract class DeviceNamesShape {
  constructor(...args: any[]);
  /** The root device name for this image and root row (e.g. `/dev/vda` for a virtio disk). */
  protected abstract _defaultRootDeviceName(ctx: OperationContext, request: DefaultRootDeviceNameRequest): Promise<string>;
  /** Name every unnamed row, avoiding `rootDeviceName` and the names already taken; return new rows. */
  protected abstract _defaultDeviceNamesForInstance(
    ctx: OperationContext, request: DefaultDeviceNamesForInstanceRequest,
  ): Promise<DefaultDeviceNamesForInstanceResult>;
  /** The next free name for `blockDevice` among `bdms`, honouring its requested name where possible. */
  protected abstract _getDeviceNameForInstance(ctx: OperationContext, request: GetDeviceNameForInstanceRequest): Promise<string>;
}
export interface DeviceNamesShape extends Sealed<DeviceNamesCapability> {}

/**
 * Adds `volume.deviceNames` to a driver class (apply after `withLifecycle`).
 * Calls are serialised per instance, so two attachments never get the same name.
 */
export const withDeviceNames = defineCapability<typeof DeviceNamesShape>({
  name: 'volume.deviceNames',
  requires: ['lifecycle'],
  methods: {
    defaultRootDeviceName: { hook: '_defaultRootDeviceName', request: DefaultRootDeviceNameRequest, instance: true },
    defaultDeviceNamesForInstance: { hook: '_defaultDeviceNamesForInstance', request: DefaultDeviceNamesForInstanceRequest, instance: true },
    getDeviceNameForInstance: { hook: '_getDeviceNameForInstance', request: GetDeviceNameForInstanceRequest, instance: true },
  },
});
