import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { PowerState } from '../../../model/power-state.js';
import type { VolumeExtendCapability } from '../interface.js';
import { ExtendVolumeRequest } from '../requests.js';

/** Public calls and hooks of `volume.extend`. */
export declare abstract class VolumeExtendShape {
  constructor(...args: any[]);
  /** Make the guest see `newSizeBytes`; throw `NotFoundError` when the volume is not attached. */
  protected abstract _extendVolume(ctx: OperationContext, request: ExtendVolumeRequest): Promise<void>;
}
export interface VolumeExtendShape extends VolumeExtendCapability {}

/** Adds `volume.extend` to a driver class (apply after `withVolumes`). */
export const withVolumeExtend = defineCapability<typeof VolumeExtendShape>({
  name: 'volume.extend',
  requires: ['lifecycle', 'volume'],
  methods: {
    // Any power state; the rule only turns an unknown instance into INSTANCE_NOT_FOUND before the hook runs.
    extendVolume: { hook: '_extendVolume', request: ExtendVolumeRequest, instance: true, state: { from: Object.values(PowerState) } },
  },
});
