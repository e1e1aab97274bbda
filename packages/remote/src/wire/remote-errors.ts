import { DriverError, VirtkitError } from '@virtkit/core';

/** Why a remote call could not be completed. */
export type RemoteFailureReason = 'unavailable' | 'unauthenticated' | 'permission-denied' | 'protocol';

/**
 * The served driver could not be reached, or the connection broke while the
 * call was in flight (the server restarts). Code `UNAVAILABLE`, stable and
 * transient; `retryable` says whether sending the same call again is safe:
 * true for reads and calls the contract makes idempotent, false otherwise
 * (the call may or may not have run: check the instance before retrying).
 * The client never retries on its own.
 */
export class RemoteUnavailableError extends VirtkitError {
  readonly reason: RemoteFailureReason = 'unavailable';
  readonly operation: string;
  readonly retryable: boolean;
  readonly target: string;
  constructor(operation: string, target: string, message: string, options: { retryable: boolean; cause?: unknown }) {
    super('UNAVAILABLE', `${operation} failed: ${target} unavailable: ${message}`, { cause: options.cause });
    this.name = 'RemoteUnavailableError';
    this.operation = operation;
    this.retryable = options.retryable;
    this.target = target;
  }
}

/**
 * The server refused the caller: no or bad credentials (`unauthenticated`), or
 * a role that may not make the call (`permission-denied`, e.g. a read-only
 * token calling `spawn`). Code `DRIVER_ERROR`; nothing was changed.
 */
export class RemoteAccessError extends DriverError {
  readonly reason: 'unauthenticated' | 'permission-denied';
  constructor(
    operation: string,
    reason: 'unauthenticated' | 'permission-denied',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(operation, message, options);
    this.name = 'RemoteAccessError';
    this.reason = reason;
  }
}

/**
 * The served driver's lifecycle events from `requestedFrom` to `oldestAvailable - 1`
 * are lost: the client was away longer than the server's replay window.
 * Delivered to `driver.on('eventsLost', ...)` listeners; the stream goes on.
 */
export class EventsLostError extends VirtkitError {
  readonly requestedFrom: number;
  readonly oldestAvailable: number;
  constructor(requestedFrom: number, oldestAvailable: number) {
    super(
      'DRIVER_ERROR',
      oldestAvailable > requestedFrom
        ? `lifecycle events ${requestedFrom}..${oldestAvailable - 1} were lost: the server's replay window was exceeded`
        : `lifecycle events from ${requestedFrom} on may have been lost: the ` +
            `server's event history started anew (restarted); sequences restart`,
    );
    this.name = 'EventsLostError';
    this.requestedFrom = requestedFrom;
    this.oldestAvailable = oldestAvailable;
  }
}
