import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { PowerState } from '../../../model/power-state.js';
import type { GuestFilesCapability } from '../interface.js';
import { InjectFileRequest } from '../requests.js';

/**
 * Public calls and hooks of `guest.files`.
 * @deprecated Kept for completeness; see `GuestFilesCapability`.
 */
export declare abstract class GuestFilesShape {
  constructor(...args: any[]);
  /** Write the (decoded) contents at `request.path` in the guest. Called only from RUNNING, with a validated path. */
  protected abstract _injectFile(ctx: OperationContext, request: InjectFileRequest): Promise<void>;
}
export interface GuestFilesShape extends Sealed<GuestFilesCapability> {}

/**
 * Adds `guest.files` to a driver class (apply after `withLifecycle`).
 * @deprecated Kept for completeness; see `GuestFilesCapability`.
 */
export const withGuestFiles = defineCapability<typeof GuestFilesShape>({
  name: 'guest.files',
  requires: ['lifecycle'],
  methods: {
    injectFile: { hook: '_injectFile', request: InjectFileRequest, instance: true, state: { from: [PowerState.RUNNING] } },
  },
});
