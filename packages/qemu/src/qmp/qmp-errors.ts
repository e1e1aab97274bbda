/**
 * Errors raised by the QMP client. Kept deliberately small and in one file:
 * a later step rebases {@link QmpClientError} on `@virtkit/core`'s
 * `VirtkitError` (same shape: `code`, `cause`, explicit `name`, `toJSON`).
 *
 * Match on `code`, never on the message.
 */

/** Stable codes of QMP client errors. */
export const QMP_ERROR_CODES = {
  /** QEMU answered the command with an `error` response. */
  QMP_ERROR: 'QMP_ERROR',
  /** No answer (or no connection) before the deadline. */
  TIMEOUT: 'TIMEOUT',
  /** The connection closed (or was never usable) while the call was pending. */
  QMP_CLOSED: 'QMP_CLOSED',
  /** The caller's AbortSignal fired before an answer arrived. */
  ABORTED: 'ABORTED',
} as const;

/** The union of QMP client error codes. */
export type QmpErrorCode = keyof typeof QMP_ERROR_CODES;

/** Options accepted by every QMP client error. */
export interface QmpErrorOptions {
  /** The underlying failure, kept for diagnosis. */
  cause?: unknown;
}

/** Base class of every error the QMP client throws. */
export class QmpClientError extends Error {
  readonly code: QmpErrorCode;

  constructor(code: QmpErrorCode, message: string, options: QmpErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = 'QmpClientError';
  }

  /** A JSON-safe view (no stack, no cause chain) for reports and logs. */
  toJSON(): { name: string; code: QmpErrorCode; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/**
 * QEMU rejected a command: the `error` member of a QMP response.
 * Code `QMP_ERROR`.
 */
export class QmpCommandError extends QmpClientError {
  /** QMP error class, e.g. `GenericError`, `CommandNotFound`, `DeviceNotFound`. */
  readonly class: string;
  /** QEMU's human-readable description. */
  readonly desc: string;
  /** The command that failed. */
  readonly command: string;

  constructor(command: string, errorClass: string, desc: string, options?: QmpErrorOptions) {
    super('QMP_ERROR', `QMP command '${command}' failed: ${errorClass}: ${desc}`, options);
    this.name = 'QmpCommandError';
    this.class = errorClass;
    this.desc = desc;
    this.command = command;
  }
}

/** A deadline passed: command without answer, event not seen, or socket not ready. Code `TIMEOUT`. */
export class QmpTimeoutError extends QmpClientError {
  /** What was awaited: a command name, `event:<NAME>` or `connect`. */
  readonly operation: string;
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(operation: string, timeoutMs: number, options?: QmpErrorOptions) {
    super('TIMEOUT', `QMP ${operation} timed out after ${timeoutMs} ms`, options);
    this.name = 'QmpTimeoutError';
    this.operation = operation;
    this.timeoutMs = timeoutMs;
  }
}

/** The QMP connection closed, or closed before the call could complete. Code `QMP_CLOSED`. */
export class QmpClosedError extends QmpClientError {
  constructor(message = 'QMP connection closed', options?: QmpErrorOptions) {
    super('QMP_CLOSED', message, options);
    this.name = 'QmpClosedError';
  }
}

/** The caller aborted the wait through its AbortSignal. Code `ABORTED`. */
export class QmpAbortedError extends QmpClientError {
  constructor(operation: string, options?: QmpErrorOptions) {
    super('ABORTED', `QMP ${operation} aborted`, options);
    this.name = 'QmpAbortedError';
  }
}
