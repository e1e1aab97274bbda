import { CONSOLE_OUTPUT_CAPABILITY } from './mixins/output.js';
import { VNC_CONSOLE_CAPABILITY } from './mixins/vnc.js';
import { SPICE_CONSOLE_CAPABILITY } from './mixins/spice.js';
import { RDP_CONSOLE_CAPABILITY } from './mixins/rdp.js';
import { SERIAL_CONSOLE_CAPABILITY } from './mixins/serial.js';
import { MKS_CONSOLE_CAPABILITY } from './mixins/mks.js';
import { CONSOLE_POOL_CAPABILITY } from './mixins/pool.js';

export type {
  ConsoleOutputCapability,
  VncConsoleCapability,
  SpiceConsoleCapability,
  RdpConsoleCapability,
  SerialConsoleCapability,
  MksConsoleCapability,
  ConsolePoolCapability,
} from './interface.js';
export {
  GetConsoleOutputRequest,
  GetConsoleRequest,
  GetConsolePoolInfoRequest,
  CONSOLE_TYPE_PATTERN,
} from './requests.js';
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
export {
  CONSOLE_OUTPUT_CAPABILITY,
  VNC_CONSOLE_CAPABILITY,
  SPICE_CONSOLE_CAPABILITY,
  RDP_CONSOLE_CAPABILITY,
  SERIAL_CONSOLE_CAPABILITY,
  MKS_CONSOLE_CAPABILITY,
  CONSOLE_POOL_CAPABILITY,
};

/** The capabilities of the `console` family, in contract order (adding one here adds it to the contract). */
export const CONSOLE_CAPABILITIES = [
  CONSOLE_OUTPUT_CAPABILITY,
  VNC_CONSOLE_CAPABILITY,
  SPICE_CONSOLE_CAPABILITY,
  RDP_CONSOLE_CAPABILITY,
  SERIAL_CONSOLE_CAPABILITY,
  MKS_CONSOLE_CAPABILITY,
  CONSOLE_POOL_CAPABILITY,
] as const;
