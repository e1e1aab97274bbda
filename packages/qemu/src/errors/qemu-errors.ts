import { AbortedError, DriverError, TimeoutError, isVirtkitError, type VirtkitError } from '@virtkit/core';
import { QmpClientError, QmpCommandError } from '../qmp/index.js';

/**
 * A hot-unplug QEMU accepted but the guest did not complete in time (a guest
 * with no OS, or one that ignores the unplug request): code `TIMEOUT`. The
 * device stays attached; retrying later is safe.
 */
export class DeviceDetachTimeoutError extends TimeoutError {
  /** The QEMU device id that is still present. */
  readonly deviceId: string;
  readonly timeoutMs: number;
  constructor(deviceId: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(`detach of device ${deviceId} (the guest did not release it within ${timeoutMs} ms)`, options);
    this.name = 'DeviceDetachTimeoutError';
    this.deviceId = deviceId;
    this.timeoutMs = timeoutMs;
  }
}

/** A QEMU process could not be started or exited while starting: code `DRIVER_ERROR`, with QEMU's own log tail. */
export class QemuStartError extends DriverError {
  /** The last lines QEMU wrote to stderr. */
  readonly qemuLog: string;
  constructor(message: string, qemuLog: string, options?: { cause?: unknown }) {
    super('qemu start', `${message}${qemuLog ? `: ${qemuLog.trim().split('\n').slice(-5).join(' | ')}` : ''}`, options);
    this.name = 'QemuStartError';
    this.qemuLog = qemuLog;
  }
}

/**
 * Turn a QMP client error into the virtkit error that leaves the driver,
 * keeping it as `cause`: a QMP timeout is `TIMEOUT`, an abort `ABORTED`, a
 * rejected command or a closed connection `DRIVER_ERROR`. Virtkit errors pass through.
 */
export function fromQmpError(error: unknown, operation: string): Error {
  if (isVirtkitError(error) && !(error instanceof QmpClientError)) return error as VirtkitError;
  if (error instanceof QmpClientError) {
    if (error.code === 'TIMEOUT') return new TimeoutError(`QMP ${operation}`, { cause: error });
    if (error.code === 'ABORTED') return new AbortedError(`QMP ${operation}`, { cause: error });
    if (error instanceof QmpCommandError)
      return new DriverError(operation, `QEMU refused it: ${error.desc}`, { cause: error });
    return new DriverError(operation, 'the QEMU monitor connection closed (the process exited?)', { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DriverError(operation, message, { cause: error });
}

/** The QMP error class of a refused command (`DeviceNotFound`, `GenericError`...), found through the causes. */
export function qmpErrorClass(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof QmpCommandError) return e.class;
  }
  return undefined;
}
