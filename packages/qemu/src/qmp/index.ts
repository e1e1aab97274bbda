export { QmpClient } from './qmp-client.js';
export {
  QMP_ERROR_CODES,
  QmpAbortedError,
  QmpClientError,
  QmpClosedError,
  QmpCommandError,
  QmpTimeoutError,
} from './qmp-errors.js';
export type { QmpErrorCode, QmpErrorOptions } from './qmp-errors.js';
export type {
  QmpClientEvents,
  QmpConnectOptions,
  QmpEvent,
  QmpExecuteOptions,
  QmpGreeting,
  QmpTimestamp,
} from './qmp-types.js';
