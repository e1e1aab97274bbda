import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { HookCall } from '../../../driver/method-spec.js';
import { DriverError } from '../../../errors/errors.js';
import { VirtkitError, isVirtkitError } from '../../../errors/virtkit-error.js';
import { PowerState } from '../../../model/power-state.js';
import type { GuestPasswordCapability } from '../interface.js';
import { SetAdminPasswordRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `guest.password`. */
export declare abstract class GuestPasswordShape {
  constructor(...args: MixinArgs);
  /**
   * Set the password through the guest agent. Called only from RUNNING. Never
   * log `request.newPassword`; errors that mention it are withheld by the SDK anyway.
   */
  protected abstract _setAdminPassword(ctx: OperationContext, request: SetAdminPasswordRequest): Promise<void>;
}
export interface GuestPasswordShape extends Sealed<GuestPasswordCapability> {}

/** The declaration of `guest.password`: its calls, hooks, rules and place in the contract. */
export const GUEST_PASSWORD_CAPABILITY = declareCapability<GuestPasswordCapability>()({
  name: 'guest.password',
  family: 'guest',
  description: 'set the administrator password inside a running guest (through its agent).',
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    setAdminPassword: {
      hook: '_setAdminPassword',
      request: SetAdminPasswordRequest,
      instance: true,
      state: { from: [PowerState.RUNNING] },
      around: guardedSetPassword,
    },
  },
  calls: [
    {
      referenceName: 'set_admin_password',
      method: 'setAdminPassword',
      kind: 'required',
      summary: 'Set the administrator password inside the running guest (through its agent).',
    },
  ],
});

/** Adds `guest.password` to a driver class (apply after `withLifecycle`). */
export const withGuestPassword = defineCapability<typeof GuestPasswordShape>(GUEST_PASSWORD_CAPABILITY);

const OP = 'setAdminPassword';
const WITHHELD = 'the driver failed; its details were withheld because they contained the password';

/** The hook, with any error mentioning the password replaced. */
async function guardedSetPassword(
  _d: unknown,
  _c: OperationContext,
  req: SetAdminPasswordRequest,
  callHook: HookCall,
): Promise<void> {
  try {
    await callHook();
  } catch (error) {
    if (!mentions(error, req.newPassword, 0)) throw error;
    // Keep the code callers match on; drop message, fields and cause, which carry the secret.
    const code = isVirtkitError(error) ? error.code : 'DRIVER_ERROR';
    throw code === 'DRIVER_ERROR' ? new DriverError(OP, WITHHELD) : new VirtkitError(code, `${OP} failed: ${WITHHELD}`);
  }
}

/** True when the error, its own fields (deeply) or its cause chain contain `secret`. */
function mentions(value: unknown, secret: string, depth: number): boolean {
  if (depth > 8 || value === null || value === undefined) return false;
  // Not an object: a primitive or a function, whose text is what String gives.
  if (typeof value !== 'object') return String(value as string | (() => void)).includes(secret);
  const error = value as { message?: unknown; stack?: unknown; cause?: unknown };
  if ([error.message, error.stack].some((s) => typeof s === 'string' && s.includes(secret))) return true;
  for (const field of Object.values(value)) {
    if (typeof field === 'string' ? field.includes(secret) : mentions(field, secret, depth + 1)) return true;
  }
  return mentions(error.cause, secret, depth + 1);
}
