/** Where a driver writes its logs. Secrets must never be passed to it. */
export interface DriverLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * What the orchestrator gives a driver at construction (the reference's
 * `virtapi`): its identity and callbacks into the orchestrator.
 */
export interface HostApi {
  /** The host name this driver serves; defaults to `localhost`. */
  hostname?: string;
  logger?: DriverLogger;
  /** Wait for an external event about an instance (e.g. `network-vif-plugged`). */
  waitForInstanceEvent?(instanceUuid: string, events: readonly string[], timeoutMs: number): Promise<void>;
  /**
   * How many lifecycle events the driver keeps for `eventsSince` replay
   * (0 turns replay off). @defaultValue 4096
   */
  eventReplayWindow?: number;
  /** Driver-specific options (state directory, accelerator, ...), validated by the driver. */
  options?: Record<string, unknown>;
}

/** A logger that drops everything. */
export const SILENT_LOGGER: DriverLogger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });
