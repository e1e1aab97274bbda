export { VIRTKIT_ERROR_CODES, type VirtkitErrorCode } from './codes.js';
export { VirtkitError, isVirtkitError, type VirtkitErrorOptions } from './virtkit-error.js';
export {
  NotSupportedError,
  InstanceNotFoundError,
  InstanceExistsError,
  InvalidStateError,
  ValidationError,
  TimeoutError,
  AbortedError,
  DriverError,
  NotFoundError,
  ConflictError,
  InsufficientResourcesError,
  MigrationError,
  DriverLoadError,
  ContractMismatchError,
  DriverDefinitionError,
  type ValidationIssue,
  type CancellationErrorOptions,
} from './errors.js';
export { boundedText, quoteValue, MAX_QUOTED_CHARS } from './quote-value.js';
