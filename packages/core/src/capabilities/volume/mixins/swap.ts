import type { OperationContext } from '../../../context/operation-context.js';
import { ANY_STATE_RULE } from '../../../driver/any-state.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { VolumeSwapCapability } from '../interface.js';
import { SwapVolumeRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `volume.swap`. */
export declare abstract class VolumeSwapShape {
  constructor(...args: MixinArgs);
  /**
   * Copy the old volume's data to the new one and switch the guest device over; throw `NotFoundError` when nothing is
   * attached at `mountpoint`.
   */
  protected abstract _swapVolume(ctx: OperationContext, request: SwapVolumeRequest): Promise<void>;
}
export interface VolumeSwapShape extends Sealed<VolumeSwapCapability> {}

/** The declaration of `volume.swap`: its calls, hooks, rules and place in the contract. */
export const VOLUME_SWAP_CAPABILITY = declareCapability<VolumeSwapCapability>()({
  name: 'volume.swap',
  family: 'volume',
  description: 'replace an attached volume by another, keeping the guest device.',
  status: 'optional',
  requires: ['lifecycle', 'volume'],
  methods: {
    swapVolume: { hook: '_swapVolume', request: SwapVolumeRequest, instance: true, state: ANY_STATE_RULE },
  },
  calls: [
    {
      referenceName: 'swap_volume',
      method: 'swapVolume',
      kind: 'required',
      summary:
        'Replace a volume attached to the guest with another one, copying its data, without ' +
        'detaching it from the guest.',
    },
  ],
});

/** Adds `volume.swap` to a driver class (apply after `withVolumes`). */
export const withVolumeSwap = defineCapability<typeof VolumeSwapShape>(VOLUME_SWAP_CAPABILITY);
