import { Code } from '@connectrpc/connect';

/** The gRPC status a virtkit error code travels as (callers that ignore the detail still get a fitting status). */
export function statusOf(code: string): Code {
  switch (code) {
    case 'INSTANCE_NOT_FOUND':
    case 'NOT_FOUND':
      return Code.NotFound;
    case 'VALIDATION_FAILED':
      return Code.InvalidArgument;
    case 'NOT_SUPPORTED':
      return Code.Unimplemented;
    case 'INVALID_STATE':
    case 'CONTRACT_MISMATCH':
    case 'MIGRATION_FAILED':
      return Code.FailedPrecondition;
    case 'TIMEOUT':
      return Code.DeadlineExceeded;
    case 'ABORTED':
      return Code.Canceled;
    case 'CONFLICT':
    case 'INSTANCE_EXISTS':
      return Code.AlreadyExists;
    case 'INSUFFICIENT_RESOURCES':
      return Code.ResourceExhausted;
    case 'PERMISSION_DENIED':
      return Code.PermissionDenied;
    case 'UNAUTHENTICATED':
      return Code.Unauthenticated;
    case 'UNAVAILABLE':
      return Code.Unavailable;
    default:
      return Code.Internal;
  }
}
