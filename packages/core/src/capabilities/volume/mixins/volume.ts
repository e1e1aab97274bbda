import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { HookCall } from '../../../driver/method-spec.js';
import { DriverError, NotSupportedError } from '../../../errors/errors.js';
import { VolumeConnectorInput, type VolumeConnector } from '../../../model/volume-connection.js';
import { validateRequest } from '../../../validation/validate-request.js';
import type { FeatureFlag } from '../../feature-flags.js';
import type { VolumeCapability } from '../interface.js';
import { AttachVolumeRequest, DetachVolumeRequest, GetVolumeConnectorRequest } from '../requests.js';
import { observeInfo } from '../../../driver/guarded-call.js';
import { notFoundIsDone } from '../../../driver/not-found-is-done.js';
import type { MixinArgs, MixinSelf } from '../../mixin-self.js';

/** Public calls and hooks of `volume`. */
export declare abstract class VolumeShape {
  constructor(...args: MixinArgs);
  /**
   * Connect the volume and plug it into the guest at `mountpoint`, in any
   * power state. Throw `ConflictError` when it is already attached there.
   */
  protected abstract _attachVolume(ctx: OperationContext, request: AttachVolumeRequest): Promise<void>;
  /** Unplug and disconnect the volume; throw `NotFoundError` when it is not attached (the SDK then succeeds). */
  protected abstract _detachVolume(ctx: OperationContext, request: DetachVolumeRequest): Promise<void>;
  /** This host's connector (ip, host, initiator, ...); the instance may not exist yet. */
  protected abstract _getVolumeConnector(
    ctx: OperationContext,
    request: GetVolumeConnectorRequest,
  ): Promise<VolumeConnector>;
}
export interface VolumeShape extends Sealed<VolumeCapability> {}

/** The declaration of `volume`: its calls, hooks, rules and place in the contract. */
export const VOLUME_CAPABILITY = declareCapability<VolumeCapability>()({
  name: 'volume',
  family: 'volume',
  description:
    'attach block-storage volumes to instances and detach them, in any power state. Features: ' +
    '`multiattach`, `taggedVolumeAttach`.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    attachVolume: { hook: '_attachVolume', request: AttachVolumeRequest, instance: true, around: guardedAttach },
    detachVolume: { hook: '_detachVolume', request: DetachVolumeRequest, instance: true, around: guardedDetach },
    // Not serialised: it is asked for while the instance's own calls run (volumes attached during spawn or rebuild).
    getVolumeConnector: { hook: '_getVolumeConnector', request: GetVolumeConnectorRequest, around: checkedConnector },
  },
  features: {
    multiattach: { trait: 'COMPUTE_VOLUME_MULTI_ATTACH', description: 'a volume may be attached to several instances' },
    taggedVolumeAttach: { trait: 'COMPUTE_VOLUME_ATTACH_WITH_TAG', description: 'volume attach accepts a device tag' },
  },
  calls: [
    {
      referenceName: 'attach_volume',
      method: 'attachVolume',
      kind: 'required',
      summary: 'Connect a block-storage volume to the guest at a device name.',
    },
    {
      referenceName: 'detach_volume',
      method: 'detachVolume',
      kind: 'required',
      summary: 'Disconnect a volume from the guest.',
    },
    {
      referenceName: 'get_volume_connector',
      method: 'getVolumeConnector',
      kind: 'required',
      summary: 'Describe how this host connects to storage (IP, initiator, WWPNs, host name) for the volume service.',
    },
  ],
});

/** Adds `volume` (attach, detach, connector) to a driver class (apply after `withLifecycle`). */
export const withVolumes = defineCapability<typeof VolumeShape>(VOLUME_CAPABILITY);

// Attach and detach read the instance before the hook (INSTANCE_NOT_FOUND; the state is recorded)
// and run in any power state. Not through a spec state rule: attach refuses features before the read.

/** Refuse what the driver's features rule out, then require the instance. */
async function guardedAttach(
  driver: MixinSelf,
  ctx: OperationContext,
  req: AttachVolumeRequest,
  callHook: HookCall,
): Promise<void> {
  requireFeature(driver, 'taggedVolumeAttach', req.tag !== undefined);
  requireFeature(driver, 'multiattach', req.multiattach === true);
  await observeInfo(driver, ctx, req.instance);
  await callHook();
}

/** Require the instance; detaching a volume that is not attached: the target already holds. */
async function guardedDetach(
  driver: MixinSelf,
  ctx: OperationContext,
  req: DetachVolumeRequest,
  callHook: HookCall,
): Promise<void> {
  await observeInfo(driver, ctx, req.instance);
  await notFoundIsDone(driver, ctx, req, callHook);
}

/** The connector goes to another service as is: a malformed one is the driver's fault, not the caller's. */
async function checkedConnector(
  _driver: MixinSelf,
  _ctx: OperationContext,
  _req: unknown,
  callHook: HookCall,
): Promise<VolumeConnector> {
  const connector = (await callHook()) as VolumeConnector;
  try {
    validateRequest(VolumeConnectorInput, connector, 'getVolumeConnector');
  } catch (error) {
    throw new DriverError('getVolumeConnector', 'the driver returned an invalid volume connector', { cause: error });
  }
  return connector;
}

/** `NOT_SUPPORTED` naming the feature, which the capability map reports as unsupported too. */
function requireFeature(driver: MixinSelf, flag: FeatureFlag, wanted: boolean): void {
  if (wanted && driver.capabilities.features[flag] === 'unsupported') throw new NotSupportedError(flag, 'attachVolume');
}
