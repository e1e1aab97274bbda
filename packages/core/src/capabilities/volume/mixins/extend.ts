import type { OperationContext } from '../../../context/operation-context.js';
import { ANY_STATE_RULE } from '../../../driver/any-state.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { VolumeExtendCapability } from '../interface.js';
import { ExtendVolumeRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `volume.extend`. */
export declare abstract class VolumeExtendShape {
  constructor(...args: MixinArgs);
  /** Make the guest see `newSizeBytes`; throw `NotFoundError` when the volume is not attached. */
  protected abstract _extendVolume(ctx: OperationContext, request: ExtendVolumeRequest): Promise<void>;
}
export interface VolumeExtendShape extends Sealed<VolumeExtendCapability> {}

/** The declaration of `volume.extend`: its calls, hooks, rules and place in the contract. */
export const VOLUME_EXTEND_CAPABILITY = declareCapability<VolumeExtendCapability>()({
  name: 'volume.extend',
  family: 'volume',
  description: 'let the guest see the new size of a grown volume.',
  status: 'optional',
  requires: ['lifecycle', 'volume'],
  methods: {
    extendVolume: { hook: '_extendVolume', request: ExtendVolumeRequest, instance: true, state: ANY_STATE_RULE },
  },
  trait: 'COMPUTE_VOLUME_EXTEND',
  calls: [
    {
      referenceName: 'extend_volume',
      method: 'extendVolume',
      kind: 'required',
      summary: 'Make the guest see the new, larger size of an attached volume.',
    },
  ],
});

/** Adds `volume.extend` to a driver class (apply after `withVolumes`). */
export const withVolumeExtend = defineCapability<typeof VolumeExtendShape>(VOLUME_EXTEND_CAPABILITY);
