import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import { PowerState } from '../../../model/power-state.js';
import type { GuestQuiesceCapability } from '../interface.js';
import { QuiesceRequest, UnquiesceRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `guest.quiesce`. */
export declare abstract class GuestQuiesceShape {
  constructor(...args: MixinArgs);
  /**
   * Freeze the guest's file systems through its agent. Called only from
   * RUNNING; throw `InvalidStateError` when the image has no guest agent.
   */
  protected abstract _quiesce(ctx: OperationContext, request: QuiesceRequest): Promise<void>;
  /** Thaw them; must succeed when nothing is frozen. Called only from RUNNING. */
  protected abstract _unquiesce(ctx: OperationContext, request: UnquiesceRequest): Promise<void>;
}
export interface GuestQuiesceShape extends Sealed<GuestQuiesceCapability> {}

/** The declaration of `guest.quiesce`: its calls, hooks, rules and place in the contract. */
export const GUEST_QUIESCE_CAPABILITY = declareCapability<GuestQuiesceCapability>()({
  name: 'guest.quiesce',
  family: 'guest',
  description: 'freeze and thaw guest file systems around a snapshot. Both need RUNNING.',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    quiesce: { hook: '_quiesce', request: QuiesceRequest, instance: true, state: { from: [PowerState.RUNNING] } },
    unquiesce: { hook: '_unquiesce', request: UnquiesceRequest, instance: true, state: { from: [PowerState.RUNNING] } },
  },
  calls: [
    {
      referenceName: 'quiesce',
      method: 'quiesce',
      kind: 'required',
      summary: "Freeze the guest's file systems (through its agent) so a snapshot is consistent.",
    },
    {
      referenceName: 'unquiesce',
      method: 'unquiesce',
      kind: 'required',
      summary: "Thaw the guest's file systems after the snapshot.",
    },
  ],
});

/** Adds `guest.quiesce` to a driver class (apply after `withLifecycle`). */
export const withGuestQuiesce = defineCapability<typeof GuestQuiesceShape>(GUEST_QUIESCE_CAPABILITY);
