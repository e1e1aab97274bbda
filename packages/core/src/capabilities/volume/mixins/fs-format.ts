import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { FsFormatCapability } from '../interface.js';
import { IsSupportedFsFormatRequest } from '../requests.js';

/** Public calls and hooks of `volume.fsFormat`. */
export declare abstract class FsFormatShape {
  constructor(...args: any[]);
  /** True when the driver can create a file system of `fsType`. Default: false for every type. */
  protected _isSupportedFsFormat(ctx: OperationContext, request: IsSupportedFsFormatRequest): Promise<boolean>;
}
export interface FsFormatShape extends Sealed<FsFormatCapability> {}

/** Adds `volume.fsFormat` to a driver class; it needs no other capability, and its default answers false. */
export const withFsFormat = defineCapability<typeof FsFormatShape>({
  name: 'volume.fsFormat',
  methods: {
    isSupportedFsFormat: { hook: '_isSupportedFsFormat', request: IsSupportedFsFormatRequest },
  },
  defaults: {
    async _isSupportedFsFormat() {
      return false;
    },
  },
});
