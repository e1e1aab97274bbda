/**
 * Every error code virtkit raises. Codes are public API: they are never renamed
 * or reused; messages may change. Tests and callers match on `code`.
 */
export const VIRTKIT_ERROR_CODES = {
  /** The capability is not advertised by this driver. */
  NOT_SUPPORTED: 'NOT_SUPPORTED',
  /** No instance with that uuid exists on this driver. */
  INSTANCE_NOT_FOUND: 'INSTANCE_NOT_FOUND',
  /** An instance with that uuid already exists (spawn twice). */
  INSTANCE_EXISTS: 'INSTANCE_EXISTS',
  /** The instance is in a power state from which the call's target cannot be reached. */
  INVALID_STATE: 'INVALID_STATE',
  /** The request failed validation; nothing was changed. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** The operation's deadline passed. */
  TIMEOUT: 'TIMEOUT',
  /** The operation was cancelled through its AbortSignal. */
  ABORTED: 'ABORTED',
  /** A hypervisor or driver failure not covered by a more precise code. */
  DRIVER_ERROR: 'DRIVER_ERROR',
  /** A resource (volume, interface, snapshot, node, provider...) was not found. */
  NOT_FOUND: 'NOT_FOUND',
  /** The resource is already in the requested relationship (volume attached twice, ...). */
  CONFLICT: 'CONFLICT',
  /** The host lacks capacity (vcpus, memory, disk) for the request. */
  INSUFFICIENT_RESOURCES: 'INSUFFICIENT_RESOURCES',
  /** A migration pre-check or step failed; the instance stays where it was. */
  MIGRATION_FAILED: 'MIGRATION_FAILED',
  /** A module given to loadDriver is not a virtkit driver, or cannot be loaded. */
  DRIVER_LOAD_FAILED: 'DRIVER_LOAD_FAILED',
  /** The driver's declared contract version is not compatible with this core. */
  CONTRACT_MISMATCH: 'CONTRACT_MISMATCH',
  /** A driver class is composed wrongly (missing hook, flag without its capability). */
  DRIVER_DEFINITION: 'DRIVER_DEFINITION',
  /**
   * A driver served elsewhere could not be reached, or the connection broke
   * while the call was in flight (the server restarts). Transient: the error's
   * `retryable` says whether the same call may be sent again.
   */
  UNAVAILABLE: 'UNAVAILABLE',
} as const;

/** The union of all virtkit error codes. */
export type VirtkitErrorCode = keyof typeof VIRTKIT_ERROR_CODES;
