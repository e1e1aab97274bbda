import type { OperationContext } from '../../../context/operation-context.js';
import { ANY_STATE_RULE } from '../../../driver/any-state.js';
import { defineCapability } from '../../../driver/define-capability.js';
import { declareCapability } from '../../declare-capability.js';
import type { Sealed } from '../../../driver/sealed-call.js';
import type { ConsoleOutput } from '../../../model/console.js';
import type { ConsoleOutputCapability } from '../interface.js';
import { GetConsoleOutputRequest } from '../requests.js';
import type { MixinArgs } from '../../mixin-self.js';

/** Public calls and hooks of `console.output`. */
export declare abstract class ConsoleOutputShape {
  constructor(...args: MixinArgs);
  /**
   * Read the tail of the console log, replacing invalid UTF-8 and bounding
   * its size. Called for an existing instance, in any power state.
   */
  protected abstract _getConsoleOutput(ctx: OperationContext, request: GetConsoleOutputRequest): Promise<ConsoleOutput>;
}
export interface ConsoleOutputShape extends Sealed<ConsoleOutputCapability> {}

/** The declaration of `console.output`: its calls, hooks, rules and place in the contract. */
export const CONSOLE_OUTPUT_CAPABILITY = declareCapability<ConsoleOutputCapability>()({
  name: 'console.output',
  family: 'console',
  description:
    "read the tail of an instance's console log. Works in every power state, since the log outlives the guest.",
  status: 'optional',
  requires: ['lifecycle'],
  methods: {
    // Not serialised: a read that must stay answerable during long calls (live migration).
    getConsoleOutput: { hook: '_getConsoleOutput', request: GetConsoleOutputRequest, state: ANY_STATE_RULE },
  },
  calls: [
    {
      referenceName: 'get_console_output',
      method: 'getConsoleOutput',
      kind: 'required',
      summary: 'Return the text the guest wrote to its console log.',
    },
  ],
});

/** Adds `console.output` to a driver class (apply after `withLifecycle`). */
export const withConsoleOutput = defineCapability<typeof ConsoleOutputShape>(CONSOLE_OUTPUT_CAPABILITY);
