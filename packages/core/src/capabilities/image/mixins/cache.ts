import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { ImageCacheCapability } from '../interface.js';
import { ManageImageCacheRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `image.cache`. */
export declare abstract class ImageCacheShape {
  constructor(...args: MixinArgs);
  /** Remove cached base images unused by every instance of `allInstances` (keep those in use). */
  protected abstract _manageImageCache(ctx: OperationContext, request: ManageImageCacheRequest): Promise<void>;
}
export interface ImageCacheShape extends Sealed<ImageCacheCapability> {}

/** The declaration of `image.cache`: its calls, hooks, rules and place in the contract. */
export const IMAGE_CACHE_CAPABILITY = declareCapability<ImageCacheCapability>()({
  name: 'image.cache',
  family: 'image',
  description: 'the driver keeps base images on local disk and prunes them.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    manageImageCache: { hook: '_manageImageCache', request: ManageImageCacheRequest },
  },
  calls: [
    {
      referenceName: 'manage_image_cache',
      method: 'manageImageCache',
      kind: 'required',
      summary: 'Remove cached base images that no guest on the host uses any more.',
    },
  ],
});

/** Adds `image.cache` to a driver class (apply after `withLifecycle`). */
export const withImageCache = defineCapability<typeof ImageCacheShape>(IMAGE_CACHE_CAPABILITY);
