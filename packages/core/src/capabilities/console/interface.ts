import type { OperationContext } from '../../context/operation-context.js';
import type {
  ConsoleOutput,
  ConsolePoolInfo,
  MksConsole,
  RdpConsole,
  SerialConsole,
  SpiceConsole,
  VncConsole,
} from '../../model/console.js';
import type { GetConsoleOutputRequest, GetConsolePoolInfoRequest, GetConsoleRequest } from './requests.js';

/**
 * `console.output`: read the tail of an instance's console log. Works in
 * every power state, since the log outlives the guest.
 */
export interface ConsoleOutputCapability {
  /**
   * The most recent console output, bounded by the driver (`truncated` says
   * older text was dropped).
   * @throws `INSTANCE_NOT_FOUND`, `VALIDATION_FAILED`
   */
  getConsoleOutput(ctx: OperationContext, request: GetConsoleOutputRequest): Promise<ConsoleOutput>;
}

/**
 * `console.vnc`: where a console proxy reaches the instance's VNC server.
 * Only a live guest (RUNNING or PAUSED) has one.
 */
export interface VncConsoleCapability {
  /** @throws `INSTANCE_NOT_FOUND`, `INVALID_STATE` (not RUNNING or PAUSED), `VALIDATION_FAILED` */
  getVncConsole(ctx: OperationContext, request: GetConsoleRequest): Promise<VncConsole>;
}

/** `console.spice`: the instance's SPICE server, with its TLS port when it has one. RUNNING or PAUSED only. */
export interface SpiceConsoleCapability {
  /** @throws `INSTANCE_NOT_FOUND`, `INVALID_STATE` (not RUNNING or PAUSED), `VALIDATION_FAILED` */
  getSpiceConsole(ctx: OperationContext, request: GetConsoleRequest): Promise<SpiceConsole>;
}

/** `console.rdp`: the instance's RDP endpoint. RUNNING or PAUSED only. */
export interface RdpConsoleCapability {
  /** @throws `INSTANCE_NOT_FOUND`, `INVALID_STATE` (not RUNNING or PAUSED), `VALIDATION_FAILED` */
  getRdpConsole(ctx: OperationContext, request: GetConsoleRequest): Promise<RdpConsole>;
}

/** `console.serial`: the instance's serial port, exposed over TCP. RUNNING or PAUSED only. */
export interface SerialConsoleCapability {
  /** @throws `INSTANCE_NOT_FOUND`, `INVALID_STATE` (not RUNNING or PAUSED), `VALIDATION_FAILED` */
  getSerialConsole(ctx: OperationContext, request: GetConsoleRequest): Promise<SerialConsole>;
}

/** `console.mks`: the instance's VMware MKS console. RUNNING or PAUSED only. */
export interface MksConsoleCapability {
  /** @throws `INSTANCE_NOT_FOUND`, `INVALID_STATE` (not RUNNING or PAUSED), `VALIDATION_FAILED` */
  getMksConsole(ctx: OperationContext, request: GetConsoleRequest): Promise<MksConsole>;
}

/**
 * `console.pool`: address and credentials of a host-wide console pool.
 * @deprecated Kept so the contract is complete; console proxies use the
 * per-instance calls (`getVncConsole`, `getSerialConsole`, ...) instead.
 */
export interface ConsolePoolCapability {
  /**
   * @deprecated Use the per-instance console calls.
   * @throws `VALIDATION_FAILED`, `NOT_FOUND` (no pool for that console type)
   */
  getConsolePoolInfo(ctx: OperationContext, request: GetConsolePoolInfoRequest): Promise<ConsolePoolInfo>;
}
