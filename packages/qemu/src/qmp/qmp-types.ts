/** Wire and option types of the QMP client. */

/** The greeting QEMU sends on connect (`{"QMP": {...}}`). */
export interface QmpGreeting {
  version: {
    qemu: { major: number; minor: number; micro: number };
    package: string;
  };
  /** Capabilities QEMU offers, e.g. `['oob']`. The client negotiates none. */
  capabilities: string[];
}

/** When QEMU emitted an event: seconds and microseconds since the epoch. */
export interface QmpTimestamp {
  seconds: number;
  microseconds: number;
}

/** An asynchronous QMP event, e.g. `SHUTDOWN`, `DEVICE_DELETED`, `RESUME`. */
export interface QmpEvent<TData = Record<string, unknown>> {
  event: string;
  /** The event's payload; `{}` when QEMU sent none. */
  data: TData;
  timestamp: QmpTimestamp;
}

/** Events of {@link QmpClient}, typed for eventemitter3. */
export interface QmpClientEvents {
  /** Every QMP event, in arrival order. */
  event: (event: QmpEvent) => void;
  /** The connection closed (by `close()`, by QEMU, or on a socket error). Emitted once. */
  close: (reason: Error) => void;
  /** A line from QEMU could not be parsed or matched; the client carries on. */
  'protocol-error': (error: Error, line: string) => void;
}

/** Per-call options of {@link QmpClient.execute}. */
export interface QmpExecuteOptions {
  /**
   * Reject with `TIMEOUT` when no answer arrives in time; `0` or `Infinity`
   * waits forever. QEMU may still run the command; a late answer is dropped.
   * @defaultValue the client's `commandTimeoutMs`
   */
  timeoutMs?: number;
  /** Reject with `ABORTED` when this signal fires before the answer. */
  signal?: AbortSignal;
}

/** Options of {@link QmpClient.connect}. */
export interface QmpConnectOptions {
  /**
   * Overall deadline for the socket to appear, accept, greet and negotiate.
   * QEMU creates its socket ~35 ms after spawn, so the client retries until then.
   * @defaultValue 10000
   */
  timeoutMs?: number;
  /**
   * Pause between connection attempts while the socket is missing or refuses.
   * @defaultValue 20
   */
  retryIntervalMs?: number;
  /**
   * Default timeout of {@link QmpClient.execute}.
   * @defaultValue 30000
   */
  commandTimeoutMs?: number;
  /** Abort the connection attempts. */
  signal?: AbortSignal;
}
