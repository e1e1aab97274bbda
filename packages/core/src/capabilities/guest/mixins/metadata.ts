import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { HookCall } from '../../../driver/method-spec.js';
import type { GuestMetadataCapability } from '../interface.js';
import { ChangeInstanceMetadataRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `guest.metadata`. */
export declare abstract class GuestMetadataShape {
  constructor(...args: MixinArgs);
  /** Publish the change (set keys, then remove keys); never called with an empty diff. Any power state. */
  protected abstract _changeInstanceMetadata(
    ctx: OperationContext,
    request: ChangeInstanceMetadataRequest,
  ): Promise<void>;
}
export interface GuestMetadataShape extends Sealed<GuestMetadataCapability> {}

/** The declaration of `guest.metadata`: its calls, hooks, rules and place in the contract. */
export const GUEST_METADATA_CAPABILITY = declareCapability<GuestMetadataCapability>()({
  name: 'guest.metadata',
  family: 'guest',
  description: 'publish instance metadata changes where the guest can read them.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    changeInstanceMetadata: {
      hook: '_changeInstanceMetadata',
      request: ChangeInstanceMetadataRequest,
      instance: true,
      // An empty diff: the target already holds, nothing to publish.
      around: async (
        _d: unknown,
        _c: OperationContext,
        req: ChangeInstanceMetadataRequest,
        callHook: HookCall,
      ): Promise<void> => {
        if (Object.keys(req.diff.set ?? {}).length === 0 && (req.diff.remove ?? []).length === 0) return;
        await callHook();
      },
    },
  },
  calls: [
    {
      referenceName: 'change_instance_metadata',
      method: 'changeInstanceMetadata',
      kind: 'required',
      summary: "Apply a change of the instance's metadata to where the guest reads it.",
    },
  ],
});

/** Adds `guest.metadata` to a driver class (apply after `withLifecycle`). */
export const withGuestMetadata = defineCapability<typeof GuestMetadataShape>(GUEST_METADATA_CAPABILITY);
