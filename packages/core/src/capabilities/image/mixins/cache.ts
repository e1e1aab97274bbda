import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { ImageCacheCapability } from '../interface.js';
import { ManageImageCacheRequest } from '../requests.js';

/** Public calls and hooks of `image.cache`. */
export declare abstract class ImageCacheShape {
  constructor(...args: any[]);
  /** Remove cached base images unused by every instance of `allInstances` (keep those in use). */
  protected abstract _manageImageCache(ctx: OperationContext, request: ManageImageCacheRequest): Promise<void>;
}
export interface ImageCacheShape extends Sealed<ImageCacheCapability> {}

/** Adds `image.cache` to a driver class (apply after `withLifecycle`). */
export const withImageCache = defineCapability<typeof ImageCacheShape>({
  name: 'image.cache',
  requires: ['lifecycle'],
  methods: {
    manageImageCache: { hook: '_manageImageCache', request: ManageImageCacheRequest },
  },
});
