import { PowerState } from '../model/power-state.js';
import type { StateRule } from './method-spec.js';

/** Every power state: the `from` of a call that may run in any of them. */
export const ANY_POWER_STATE: readonly PowerState[] = Object.freeze(Object.values(PowerState));

/**
 * The state rule of a call that runs in any power state: it only turns an
 * unknown instance into `INSTANCE_NOT_FOUND` before the hook runs (and
 * records the state it read).
 */
export const ANY_STATE_RULE: StateRule = Object.freeze({ from: ANY_POWER_STATE });
