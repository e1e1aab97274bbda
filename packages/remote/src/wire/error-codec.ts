import { create, type JsonObject } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import * as core from '@virtkit/core';
import { ErrorDetailSchema, type ErrorDetail } from '../gen/virtkit/v1/driver_pb.js';
import { statusOf } from './codes.js';
import { ERROR_HEADER } from './headers.js';
import { toPlainJson } from './json-value.js';
import { RemoteAccessError, RemoteUnavailableError } from './remote-errors.js';
import { redactJson, SECRET_KEY_PATTERN } from './secrets.js';

/** Fields every error has; the rest of an error's own fields travel as its data. */
const BASE_FIELDS = new Set(['name', 'message', 'code', 'stack', 'cause']);

/**
 * A thrown value as a ConnectError carrying the virtkit error: code, class name,
 * message and own fields as an `ErrorDetail`, and the same JSON in the
 * `virtkit-error` header for plain HTTP callers. Secret-looking fields and the
 * request's secrets never leave the server.
 */
export function toConnectError(error: unknown, secrets: readonly string[] = []): ConnectError {
  if (error instanceof ConnectError) return error;
  const detail = errorDetailOf(error, secrets);
  const { code, name, message } = detail;
  const metadata = new Headers({
    [ERROR_HEADER]: encodeURIComponent(JSON.stringify({ code, name, message, data: detail.data })),
  });
  return new ConnectError(`[${code}] ${message}`, statusOf(code), metadata, [
    { desc: ErrorDetailSchema, value: detail },
  ]);
}

/** The ErrorDetail of a thrown value: virtkit code, class name, message and own fields, secrets redacted. */
export function errorDetailOf(error: unknown, secrets: readonly string[] = []): ErrorDetail {
  const virtkit = core.isVirtkitError(error);
  const code = virtkit ? (error as core.VirtkitError).code : 'DRIVER_ERROR';
  const name = virtkit ? (error as Error).name : 'DriverError';
  const message = redactText(error instanceof Error ? error.message : String(error), secrets);
  const data: Record<string, unknown> = {};
  if (error !== null && typeof error === 'object') {
    for (const [key, value] of Object.entries(error)) {
      if (BASE_FIELDS.has(key) || typeof value === 'function') continue;
      data[key] = SECRET_KEY_PATTERN.test(key) ? '[redacted]' : value;
    }
  }
  const json = redactJson(toPlainJson(data), secrets) as JsonObject;
  return create(ErrorDetailSchema, { code, name, message, data: json });
}

/** An error class by its prototype only: errors are rebuilt without running their constructors. */
type ErrorClass = { readonly prototype: Error };

const CLASSES: Record<string, ErrorClass> = {
  NotSupportedError: core.NotSupportedError,
  InstanceNotFoundError: core.InstanceNotFoundError,
  InstanceExistsError: core.InstanceExistsError,
  InvalidStateError: core.InvalidStateError,
  ValidationError: core.ValidationError,
  TimeoutError: core.TimeoutError,
  AbortedError: core.AbortedError,
  DriverError: core.DriverError,
  NotFoundError: core.NotFoundError,
  ConflictError: core.ConflictError,
  InsufficientResourcesError: core.InsufficientResourcesError,
  MigrationError: core.MigrationError,
  DriverLoadError: core.DriverLoadError,
  ContractMismatchError: core.ContractMismatchError,
  DriverDefinitionError: core.DriverDefinitionError,
  RemoteUnavailableError,
};

/** The class an error code maps to when the server's class name is not one of core's (a driver's own subclass). */
const BY_CODE: Record<string, ErrorClass> = {
  NOT_SUPPORTED: core.NotSupportedError,
  INSTANCE_NOT_FOUND: core.InstanceNotFoundError,
  INSTANCE_EXISTS: core.InstanceExistsError,
  INVALID_STATE: core.InvalidStateError,
  VALIDATION_FAILED: core.ValidationError,
  TIMEOUT: core.TimeoutError,
  ABORTED: core.AbortedError,
  DRIVER_ERROR: core.DriverError,
  NOT_FOUND: core.NotFoundError,
  CONFLICT: core.ConflictError,
  INSUFFICIENT_RESOURCES: core.InsufficientResourcesError,
  MIGRATION_FAILED: core.MigrationError,
  DRIVER_LOAD_FAILED: core.DriverLoadError,
  CONTRACT_MISMATCH: core.ContractMismatchError,
  DRIVER_DEFINITION: core.DriverDefinitionError,
  // A served driver that is itself a remote client (a relay) passes its upstream's unavailability on as such.
  UNAVAILABLE: RemoteUnavailableError,
};

/**
 * The error a client call rethrows: the served driver's virtkit error as the
 * same core class with the same code, message and fields; a transport
 * failure as {@link RemoteUnavailableError} / {@link RemoteAccessError};
 * an RPC deadline as `TimeoutError` (the caller's own abort is mapped by the client).
 */
export function fromCallError(error: unknown, op: string, target: string, idempotent: boolean): Error {
  const err = ConnectError.from(error);
  const detail = err.findDetails(ErrorDetailSchema)[0];
  if (detail && detail.code)
    return rebuild(detail.code, detail.name, detail.message, (detail.data ?? {}) as Record<string, unknown>);
  switch (err.code) {
    case Code.DeadlineExceeded:
      return new core.TimeoutError(op, { cause: err });
    case Code.Unauthenticated:
      return new RemoteAccessError(op, 'unauthenticated', err.rawMessage, { cause: err });
    case Code.PermissionDenied:
      return new RemoteAccessError(op, 'permission-denied', err.rawMessage, { cause: err });
    // Canceled without the caller's abort (that one is mapped before): the connection was torn down (TLS refusal,
    // shutdown).
    case Code.Canceled:
    case Code.Unavailable:
    case Code.Unknown:
    case Code.Internal:
    case Code.Aborted:
      return new RemoteUnavailableError(op, target, err.rawMessage, { retryable: idempotent, cause: err });
    default:
      return new core.DriverError(op, err.rawMessage, { cause: err });
  }
}

/** The virtkit code of the served driver's error a call error carries, if any. */
export function virtkitCodeOf(error: unknown): string | undefined {
  return ConnectError.from(error).findDetails(ErrorDetailSchema)[0]?.code || undefined;
}

/** Rebuild a virtkit error of the right class without re-running its constructor (whose arguments differ per class). */
export function rebuild(code: string, name: string, message: string, data: Record<string, unknown>): Error {
  const cls = CLASSES[name] ?? BY_CODE[code] ?? core.DriverError;
  const error = Object.create(cls.prototype as object) as Error & Record<string, unknown>;
  Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true });
  Object.defineProperty(error, 'code', { value: code, enumerable: true, configurable: true });
  Object.assign(error, data);
  Object.defineProperty(error, 'name', { value: name, writable: true, configurable: true });
  Error.captureStackTrace?.(error, rebuild);
  return error;
}

function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('[redacted]');
  return out;
}
