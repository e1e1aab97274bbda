import type { PowerState } from '../model/power-state.js';
import { powerStateName } from '../model/power-state.js';
import { boundedText } from './quote-value.js';
import { VirtkitError, type VirtkitErrorOptions } from './virtkit-error.js';

/** A call of a capability the driver does not advertise. */
export class NotSupportedError extends VirtkitError {
  /** A capability's name (`CapabilityName`), or another name a caller asked for. */
  readonly capability: string;
  readonly method: string | undefined;
  constructor(capability: string, method?: string, options?: VirtkitErrorOptions) {
    super(
      'NOT_SUPPORTED',
      `capability '${capability}' is not supported by this driver` + (method ? ` (called ${method})` : ''),
      options,
    );
    this.name = 'NotSupportedError';
    this.capability = capability;
    this.method = method;
  }
}

/** No instance with the given uuid exists. */
export class InstanceNotFoundError extends VirtkitError {
  readonly instanceUuid: string;
  constructor(instanceUuid: string, options?: VirtkitErrorOptions) {
    super('INSTANCE_NOT_FOUND', `instance ${boundedText(String(instanceUuid))} not found`, options);
    this.name = 'InstanceNotFoundError';
    this.instanceUuid = instanceUuid;
  }
}

/** An instance with the given uuid already exists. */
export class InstanceExistsError extends VirtkitError {
  readonly instanceUuid: string;
  constructor(instanceUuid: string, options?: VirtkitErrorOptions) {
    super('INSTANCE_EXISTS', `instance ${boundedText(String(instanceUuid))} already exists`, options);
    this.name = 'InstanceExistsError';
    this.instanceUuid = instanceUuid;
  }
}

/** The instance's power state does not allow the call. */
export class InvalidStateError extends VirtkitError {
  readonly instanceUuid: string;
  readonly state: PowerState | undefined;
  readonly operation: string;
  constructor(args: { instanceUuid: string; operation: string; state?: PowerState; detail?: string }) {
    const where = args.state === undefined ? '' : ` in state ${powerStateName(args.state)}`;
    super(
      'INVALID_STATE',
      `cannot ${args.operation} instance ${boundedText(String(args.instanceUuid))}${where}` +
        (args.detail ? `: ${boundedText(args.detail, 300)}` : ''),
    );
    this.name = 'InvalidStateError';
    this.instanceUuid = args.instanceUuid;
    this.state = args.state;
    this.operation = args.operation;
  }
}

/** One failing field of a request. */
export interface ValidationIssue {
  /** Dotted path of the field inside the request, e.g. `instance.flavor.vcpus`. */
  path: string;
  /** What is wrong, one message per failed constraint. */
  messages: string[];
}

/** The request failed validation; nothing was changed. */
export class ValidationError extends VirtkitError {
  readonly issues: readonly ValidationIssue[];
  constructor(operation: string, issues: ValidationIssue[]) {
    // Paths hold request keys and messages may quote values: both escaped and bounded (no forged log lines).
    const safe = issues.slice(0, 100).map((i) => ({
      path: boundedText(i.path, 200),
      messages: i.messages.slice(0, 10).map((m) => boundedText(m, 300)),
    }));
    const summary =
      safe
        .slice(0, 10)
        .map((i) => `${i.path || '(request)'}: ${i.messages.join('; ')}`)
        .join(' | ') + (safe.length > 10 ? ` | (${issues.length - 10} more)` : '');
    super('VALIDATION_FAILED', `invalid request for ${operation}: ${summary}`);
    this.name = 'ValidationError';
    this.issues = Object.freeze(safe.map((i) => Object.freeze(i)));
  }
  /** The failing field paths, for quick assertions and UIs. */
  get paths(): string[] {
    return this.issues.map((i) => i.path);
  }
}

/** Options of {@link TimeoutError} and {@link AbortedError}. */
export interface CancellationErrorOptions extends VirtkitErrorOptions {
  /**
   * The operation was under way (its hook or an orchestrator callback had not
   * settled) and was abandoned: the instance's queue was freed, and the
   * instance is marked as needing reconciliation (see `needsReconciliation`).
   */
  abandoned?: boolean;
}

const ABANDONED = '; it was abandoned while still running, and the instance needs reconciliation';

/** The operation's deadline passed before it finished. */
export class TimeoutError extends VirtkitError {
  /** See {@link CancellationErrorOptions.abandoned}. */
  readonly abandoned: boolean;
  constructor(operation: string, options?: CancellationErrorOptions) {
    super('TIMEOUT', `${operation} timed out` + (options?.abandoned ? ABANDONED : ''), options);
    this.name = 'TimeoutError';
    this.abandoned = options?.abandoned === true;
  }
}

/** The operation was cancelled through its AbortSignal. */
export class AbortedError extends VirtkitError {
  /** See {@link CancellationErrorOptions.abandoned}. */
  readonly abandoned: boolean;
  constructor(operation: string, options?: CancellationErrorOptions) {
    super('ABORTED', `${operation} was aborted` + (options?.abandoned ? ABANDONED : ''), options);
    this.name = 'AbortedError';
    this.abandoned = options?.abandoned === true;
  }
}

/** An unexpected failure inside a driver, wrapped with its cause. */
export class DriverError extends VirtkitError {
  readonly operation: string;
  constructor(operation: string, message: string, options?: VirtkitErrorOptions) {
    super('DRIVER_ERROR', `${operation} failed: ${message}`, options);
    this.name = 'DriverError';
    this.operation = operation;
  }
}

/** A named resource (volume, interface, snapshot, node, provider, ...) does not exist. */
export class NotFoundError extends VirtkitError {
  readonly kind: string;
  readonly id: string;
  constructor(kind: string, id: string, options?: VirtkitErrorOptions) {
    super('NOT_FOUND', `${kind} ${boundedText(String(id))} not found`, options);
    this.name = 'NotFoundError';
    this.kind = kind;
    this.id = id;
  }
}

/** The request conflicts with the current state (attached twice, duplicate name...). */
export class ConflictError extends VirtkitError {
  constructor(message: string, options?: VirtkitErrorOptions) {
    super('CONFLICT', message, options);
    this.name = 'ConflictError';
  }
}

/** The host lacks the resources the request needs. */
export class InsufficientResourcesError extends VirtkitError {
  readonly resource: string;
  constructor(resource: string, message: string, options?: VirtkitErrorOptions) {
    super('INSUFFICIENT_RESOURCES', message, options);
    this.name = 'InsufficientResourcesError';
    this.resource = resource;
  }
}

/** A migration check or step failed; the instance stays where it was. */
export class MigrationError extends VirtkitError {
  constructor(message: string, options?: VirtkitErrorOptions) {
    super('MIGRATION_FAILED', message, options);
    this.name = 'MigrationError';
  }
}

/** loadDriver could not load a virtkit driver from the specifier. */
export class DriverLoadError extends VirtkitError {
  readonly specifier: string;
  constructor(specifier: string, message: string, options?: VirtkitErrorOptions) {
    super('DRIVER_LOAD_FAILED', `cannot load driver '${boundedText(String(specifier), 200)}': ${message}`, options);
    this.name = 'DriverLoadError';
    this.specifier = specifier;
  }
}

/** The driver's contract version is not compatible with this core. */
export class ContractMismatchError extends VirtkitError {
  readonly driverContract: string;
  readonly coreContract: string;
  constructor(driverContract: string, coreContract: string) {
    super(
      'CONTRACT_MISMATCH',
      `driver implements contract ${driverContract}, but this @virtkit/core provides ${coreContract}; ` +
        `upgrade the driver or install a matching @virtkit/core`,
    );
    this.name = 'ContractMismatchError';
    this.driverContract = driverContract;
    this.coreContract = coreContract;
  }
}

/** A driver class is composed wrongly: a missing hook, or a feature flag without its capability. */
export class DriverDefinitionError extends VirtkitError {
  constructor(message: string) {
    super('DRIVER_DEFINITION', message);
    this.name = 'DriverDefinitionError';
  }
}
