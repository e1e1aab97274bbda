export type {
  ConsoleOutputCapability, VncConsoleCapability, SpiceConsoleCapability, RdpConsoleCapability, SerialConsoleCapability,
  MksConsoleCapability, ConsolePoolCapability,
} from './interface.js';
export { GetConsoleOutputRequest, GetConsoleRequest, GetConsolePoolInfoRequest, CONSOLE_TYPE_PATTERN } from './requests.js';
export { withConsoleOutput } from './mixins/output.js';
export type { ConsoleOutputShape } from './mixins/output.js';
export { withVncConsole } from './mixins/vnc.js';
export type { VncConsoleShape } from './mixins/vnc.js';
export { withSpiceConsole } from './mixins/spice.js';
export type { SpiceConsoleShape } from './mixins/spice.js';
export { withRdpConsole } from './mixins/rdp.js';
export type { RdpConsoleShape } from './mixins/rdp.js';
export { withSerialConsole } from './mixins/serial.js';
export type { SerialConsoleShape } from './mixins/serial.js';
export { withMksConsole } from './mixins/mks.js';
export type { MksConsoleShape } from './mixins/mks.js';
export { withConsolePool } from './mixins/pool.js';
export type { ConsolePoolShape } from './mixins/pool.js';
