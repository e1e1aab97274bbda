import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { FsFormatCapability } from '../interface.js';
import { IsSupportedFsFormatRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `volume.fsFormat`. */
export declare abstract class FsFormatShape {
  constructor(...args: MixinArgs);
  /** True when the driver can create a file system of `fsType`. Default: false for every type. */
  protected _isSupportedFsFormat(ctx: OperationContext, request: IsSupportedFsFormatRequest): Promise<boolean>;
}
export interface FsFormatShape extends Sealed<FsFormatCapability> {}

/** The declaration of `volume.fsFormat`: its calls, hooks, rules and place in the contract. */
export const FS_FORMAT_CAPABILITY = declareCapability<FsFormatCapability>()({
  name: 'volume.fsFormat',
  family: 'volume',
  description: 'which file systems the driver can create on local disks.',
  status: 'optional',
  methods: {
    isSupportedFsFormat: { hook: '_isSupportedFsFormat', request: IsSupportedFsFormatRequest },
  },
  defaults: {
    async _isSupportedFsFormat() {
      return false;
    },
  },
  calls: [
    {
      referenceName: 'is_supported_fs_format',
      method: 'isSupportedFsFormat',
      kind: 'default',
      summary: 'Tell whether the driver can format local disks with a given file system; false by default.',
    },
  ],
});

/** Adds `volume.fsFormat` to a driver class; it needs no other capability, and its default answers false. */
export const withFsFormat = defineCapability<typeof FsFormatShape>(FS_FORMAT_CAPABILITY);
