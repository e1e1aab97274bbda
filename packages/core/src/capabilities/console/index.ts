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
export * from './mixins/output.js';
export * from './mixins/vnc.js';
export * from './mixins/spice.js';
export * from './mixins/rdp.js';
export * from './mixins/serial.js';
export * from './mixins/mks.js';
export * from './mixins/pool.js';

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
