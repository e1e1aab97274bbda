import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import { DriverError } from '../../../errors/errors.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import {
  DefaultDeviceNamesForInstanceRequest,
  DefaultRootDeviceNameRequest,
  GetDeviceNameForInstanceRequest,
  type DefaultDeviceNamesForInstanceResult,
} from '../device-name-requests.js';
import type { DeviceNamesCapability } from '../interface.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `volume.deviceNames`. */
export declare abstract class DeviceNamesShape {
  constructor(...args: MixinArgs);
  /** The root device name for this image and root row (e.g. `/dev/vda` for a virtio disk). */
  protected abstract _defaultRootDeviceName(
    ctx: OperationContext,
    request: DefaultRootDeviceNameRequest,
  ): Promise<string>;
  /** Name every unnamed row, avoiding `rootDeviceName` and the names already taken; return new rows. */
  protected abstract _defaultDeviceNamesForInstance(
    ctx: OperationContext,
    request: DefaultDeviceNamesForInstanceRequest,
  ): Promise<DefaultDeviceNamesForInstanceResult>;
  /** The next free name for `blockDevice` among `bdms`, honouring its requested name where possible. */
  protected abstract _getDeviceNameForInstance(
    ctx: OperationContext,
    request: GetDeviceNameForInstanceRequest,
  ): Promise<string>;
}
export interface DeviceNamesShape extends Sealed<DeviceNamesCapability> {}

/** The declaration of `volume.deviceNames`: its calls, hooks, rules and place in the contract. */
export const DEVICE_NAMES_CAPABILITY = declareCapability<DeviceNamesCapability>()({
  name: 'volume.deviceNames',
  family: 'volume',
  description: 'the driver chooses guest device names (`vda`, `sdb`, ...).',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    defaultRootDeviceName: { hook: '_defaultRootDeviceName', request: DefaultRootDeviceNameRequest, instance: true },
    defaultDeviceNamesForInstance: {
      hook: '_defaultDeviceNamesForInstance',
      request: DefaultDeviceNamesForInstanceRequest,
      instance: true,
    },
    getDeviceNameForInstance: {
      hook: '_getDeviceNameForInstance',
      request: GetDeviceNameForInstanceRequest,
      instance: true,
      after: notTheRootDevice,
    },
  },
  calls: [
    {
      referenceName: 'default_root_device_name',
      method: 'defaultRootDeviceName',
      kind: 'required',
      summary: 'Choose the root device name when none was given.',
    },
    {
      referenceName: 'default_device_names_for_instance',
      method: 'defaultDeviceNamesForInstance',
      kind: 'required',
      summary: "Give device names to the guest's block devices that have none.",
    },
    {
      referenceName: 'get_device_name_for_instance',
      method: 'getDeviceNameForInstance',
      kind: 'required',
      summary: 'Choose the device name for a volume about to be attached.',
    },
  ],
});

/**
 * Adds `volume.deviceNames` to a driver class (apply after `withLifecycle`).
 * Calls are serialised per instance, so two attachments never get the same name.
 */
export const withDeviceNames = defineCapability<typeof DeviceNamesShape>(DEVICE_NAMES_CAPABILITY);

const bare = (name: string): string => name.replace(/^\/dev\//, '');

/** The contract: a new device never gets the root disk's own name; a driver that answers it fails the call instead. */
function notTheRootDevice(_driver: unknown, req: GetDeviceNameForInstanceRequest, name: string): string {
  const root = req.instance.rootDeviceName ?? req.bdms.find((b) => b.bootIndex === 0 && b.deviceName)?.deviceName;
  if (typeof name === 'string' && root !== undefined && bare(name) === bare(root)) {
    throw new DriverError('getDeviceNameForInstance', `the driver answered ${name}, the root disk's own device`);
  }
  return name;
}
