/**
 * `@virtkit/qemu`: a virtkit driver for QEMU, driven over QMP.
 * For now: the QMP client the driver is built on.
 */
export {
  QMP_ERROR_CODES,
  QmpAbortedError,
  QmpClient,
  QmpClientError,
  QmpClosedError,
  QmpCommandError,
  QmpTimeoutError,
} from './qmp/index.js';
export type {
  QmpClientEvents,
  QmpConnectOptions,
  QmpErrorCode,
  QmpErrorOptions,
  QmpEvent,
  QmpExecuteOptions,
  QmpGreeting,
  QmpTimestamp,
} from './qmp/index.js';
