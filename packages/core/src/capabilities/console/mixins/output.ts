import type { OperationContext } from '../../../context/operation-context.js';
import { defineCapability } from '../../../driver/define-capability.js';
import type { ConsoleOutput } from '../../../model/console.js';
import { PowerState } from '../../../model/power-state.js';
import type { ConsoleOutputCapability } from '../interface.js';
import { GetConsoleOutputRequest } from '../requests.js';

const { RUNNING, PAUSED, SHUTDOWN, CRASHED, SUSPENDED, NOSTATE } = PowerState;

/** Public calls and hooks of `console.output`. */
export declare abstract class ConsoleOutputShape {
  constructor(...args: any[]);
  /**
   * Read the tail of the console log, replacing invalid UTF-8 and bounding
   * its size. Called for an existing instance, in any power state.
   */
  protected abstract _getConsoleOutput(ctx: OperationContext, request: GetConsoleOutputRequest): Promise<ConsoleOutput>;
}
export interface ConsoleOutputShape extends ConsoleOutputCapability {}

/** Adds `console.output` to a driver class (apply after `withLifecycle`). */
export const withConsoleOutput = defineCapability<typeof ConsoleOutputShape>({
  name: 'console.output',
  requires: ['lifecycle'],
  methods: {
    // Not serialised: a read that must stay answerable during long calls (live migration).
    // Every state is allowed; the rule only turns an unknown instance into INSTANCE_NOT_FOUND before the hook runs.
    getConsoleOutput: {
      hook: '_getConsoleOutput', request: GetConsoleOutputRequest,
      state: { from: [RUNNING, PAUSED, SHUTDOWN, CRASHED, SUSPENDED, NOSTATE] },
    },
  },
});
