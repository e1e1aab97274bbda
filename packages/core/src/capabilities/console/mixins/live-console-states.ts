import { PowerState } from '../../../model/power-state.js';

/**
 * Power states in which a guest has graphical and serial consoles: its
 * process exists. A stopped, crashed or suspended-to-disk guest has none, so
 * asking for one is `INVALID_STATE`.
 */
export const LIVE_CONSOLE_STATES: readonly PowerState[] = Object.freeze([PowerState.RUNNING, PowerState.PAUSED]);
