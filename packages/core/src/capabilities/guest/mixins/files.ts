import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { PowerState } from '../../../model/power-state.js';
import type { GuestFilesCapability } from '../interface.js';
import { InjectFileRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/**
 * Public calls and hooks of `guest.files`.
 * @deprecated Kept for completeness; see `GuestFilesCapability`.
 */
export declare abstract class GuestFilesShape {
  constructor(...args: MixinArgs);
  /** Write the (decoded) contents at `request.path` in the guest. Called only from RUNNING, with a validated path. */
  protected abstract _injectFile(ctx: OperationContext, request: InjectFileRequest): Promise<void>;
}
export interface GuestFilesShape extends Sealed<GuestFilesCapability> {}

/** The declaration of `guest.files`: its calls, hooks, rules and place in the contract. */
export const GUEST_FILES_CAPABILITY = declareCapability<GuestFilesCapability>()({
  name: 'guest.files',
  family: 'guest',
  description: 'write files into a running guest.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    injectFile: {
      hook: '_injectFile',
      request: InjectFileRequest,
      instance: true,
      state: { from: [PowerState.RUNNING] },
    },
  },
  calls: [
    {
      referenceName: 'inject_file',
      method: 'injectFile',
      kind: 'deprecated',
      summary: 'Write a file into the running guest.',
      note:
        "Pass files at spawn or rebuild (the request's injectedFiles, delivered by config drive or " +
        'metadata) instead of writing into a running guest.',
    },
  ],
});

/**
 * Adds `guest.files` to a driver class (apply after `withLifecycle`).
 * @deprecated Kept for completeness; see `GuestFilesCapability`.
 */
export const withGuestFiles = defineCapability<typeof GuestFilesShape>(GUEST_FILES_CAPABILITY);
