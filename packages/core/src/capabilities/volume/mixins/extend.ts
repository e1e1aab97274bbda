import type { OperationContext } from '../../../context/operation-context.js';
import { ANY_STATE_RULE } from '../../../driver/any-state.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { VolumeExtendCapability } from '../interface.js';
import { ExtendVolumeRequest } from '../requests.js';

/** Public calls and hooks of `volume.extend`. */
export declare abstract class VolumeExtendShape {
  constructor(...args: any[]);
  /** Make the guest see `newSizeBytes`; throw `NotFoundError` when the volume is not attached. */
  protected abstract _extendVolume(ctx: OperationContext, request: ExtendVolumeRequest): Promise<void>;
}
export interface VolumeExtendShape extends Sealed<VolumeExtendCapability> {}

/** Adds `volume.extend` to a driver class (apply after `withVolumes`). */
export const withVolumeExtend = defineCapability<typeof VolumeExtendShape>({
  name: 'volume.extend',
  requires: ['lifecycle', 'volume'],
  methods: {
    extendVolume: { hook: '_extendVolume', request: ExtendVolumeRequest, instance: true, state: ANY_STATE_RULE },
  },
});
