import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { ConsolePoolInfo } from '../../../model/console.js';
import type { ConsolePoolCapability } from '../interface.js';
import { GetConsolePoolInfoRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/**
 * Public calls and hooks of `console.pool`.
 * @deprecated The capability is kept for completeness; use the per-instance console capabilities.
 */
export declare abstract class ConsolePoolShape {
  constructor(...args: MixinArgs);
  /** Address and credentials of the host's pool for `consoleType`; throw `NotFoundError` when there is none. */
  protected abstract _getConsolePoolInfo(
    ctx: OperationContext,
    request: GetConsolePoolInfoRequest,
  ): Promise<ConsolePoolInfo>;
}
export interface ConsolePoolShape extends Sealed<ConsolePoolCapability> {}

/** The declaration of `console.pool`: its calls, hooks, rules and place in the contract. */
export const CONSOLE_POOL_CAPABILITY = declareCapability<ConsolePoolCapability>()({
  name: 'console.pool',
  family: 'console',
  description: 'address and credentials of a host-wide console pool.',
  status: 'optional',
  methods: {
    getConsolePoolInfo: { hook: '_getConsolePoolInfo', request: GetConsolePoolInfoRequest },
  },
  calls: [
    {
      referenceName: 'get_console_pool_info',
      method: 'getConsolePoolInfo',
      kind: 'deprecated',
      summary: 'Describe the console proxy pool of the host (address, credentials).',
      note:
        'Console proxies are no longer pooled per host: each console capability (console.vnc, ' +
        'console.spice, ...) returns its own connection details.',
    },
  ],
});

/**
 * Adds `console.pool` to a driver class. It does not act on instances, so it
 * needs no other capability.
 * @deprecated Kept for completeness; use the per-instance console capabilities.
 */
export const withConsolePool = defineCapability<typeof ConsolePoolShape>(CONSOLE_POOL_CAPABILITY);
