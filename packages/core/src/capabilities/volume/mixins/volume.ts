import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { HookCall } from '../../../driver/method-spec.js';
import { DriverError, NotSupportedError } from '../../../errors/errors.js';
import { isVirtkitError } from '../../../errors/virtkit-error.js';
import type { InstanceRef } from '../../../model/instance.js';
import { VolumeConnectorInput, type VolumeConnector } from '../../../model/volume-connection.js';
import { validateRequest } from '../../../validation/validate-request.js';
import type { FeatureFlag } from '../../feature-flags.js';
import type { VolumeCapability } from '../interface.js';
import { AttachVolumeRequest, DetachVolumeRequest, GetVolumeConnectorRequest } from '../requests.js';
import { observeInfo } from '../../../driver/guarded-call.js';

/** Public calls and hooks of `volume`. */
export declare abstract class VolumeShape {
  constructor(...args: any[]);
  /**
   * Connect the volume and plug it into the guest at `mountpoint`, in any
   * power state. Throw `ConflictError` when it is already attached there.
   */
  protected abstract _attachVolume(ctx: OperationContext, request: AttachVolumeRequest): Promise<void>;
  /** Unplug and disconnect the volume; throw `NotFoundError` when it is not attached (the SDK then succeeds). */
  protected abstract _detachVolume(ctx: OperationContext, request: DetachVolumeRequest): Promise<void>;
  /** This host's connector (ip, host, initiator, ...); the instance may not exist yet. */
  protected abstract _getVolumeConnector(ctx: OperationContext, request: GetVolumeConnectorRequest): Promise<VolumeConnector>;
}
export interface VolumeShape extends VolumeCapability {}

/** Adds `volume` (attach, detach, connector) to a driver class (apply after `withLifecycle`). */
export const withVolumes = defineCapability<typeof VolumeShape>({
  name: 'volume',
  requires: ['lifecycle'],
  methods: {
    attachVolume: { hook: '_attachVolume', request: AttachVolumeRequest, instance: true, around: guardedAttach },
    detachVolume: { hook: '_detachVolume', request: DetachVolumeRequest, instance: true, around: guardedDetach },
    // Not serialised: it is asked for while the instance's own calls run (volumes attached during spawn or rebuild).
    getVolumeConnector: { hook: '_getVolumeConnector', request: GetVolumeConnectorRequest, around: checkedConnector },
  },
});

/** Refuse what the driver's features rule out, then require the instance; any power state will do. */
async function guardedAttach(driver: any, ctx: OperationContext, req: AttachVolumeRequest, callHook: HookCall): Promise<void> {
  requireFeature(driver, 'taggedVolumeAttach', req.tag !== undefined);
  requireFeature(driver, 'multiattach', req.multiattach === true);
  await requireInstance(driver, ctx, req.instance);
  await callHook();
}

/** Detaching a volume that is not attached: the target already holds. */
async function guardedDetach(driver: any, ctx: OperationContext, req: DetachVolumeRequest, callHook: HookCall): Promise<void> {
  await requireInstance(driver, ctx, req.instance);
  try {
    await callHook();
  } catch (error) {
    if (!isVirtkitError(error, 'NOT_FOUND')) throw error;
  }
}

/** The connector goes to another service as is: a malformed one is the driver's fault, not the caller's. */
async function checkedConnector(_driver: any, _ctx: OperationContext, _req: unknown, callHook: HookCall): Promise<VolumeConnector> {
  const connector = (await callHook()) as VolumeConnector;
  try {
    validateRequest(VolumeConnectorInput, connector, 'getVolumeConnector');
  } catch (error) {
    throw new DriverError('getVolumeConnector', 'the driver returned an invalid volume connector', { cause: error });
  }
  return connector;
}

/** `NOT_SUPPORTED` naming the feature, which the capability map reports as unsupported too. */
function requireFeature(driver: any, flag: FeatureFlag, wanted: boolean): void {
  if (wanted && driver.capabilities.features[flag] === 'unsupported') throw new NotSupportedError(flag, 'attachVolume');
}

/** `INSTANCE_NOT_FOUND` before the hook runs; records the state seen. */
async function requireInstance(driver: any, ctx: OperationContext, instance: InstanceRef): Promise<void> {
  await observeInfo(driver, ctx, instance);
}
