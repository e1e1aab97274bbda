/** Request header naming the served host (driver instance) a call is for; absent: the served driver. */
export const HOST_HEADER = 'virtkit-host';
/**
 * Request header of a call made from inside a callback of a served call: the invocation's `operation_id`. The server
 * runs the call as part of that served call (see CallbackInvocation.operation_id in the .proto).
 */
export const OPERATION_HEADER = 'virtkit-operation';
/** Request header carrying `ctx.requestId`. */
export const REQUEST_ID_HEADER = 'virtkit-request-id';
/** Response header: the host's last lifecycle event sequence when the call finished (ordering of events vs results). */
export const EVENT_SEQUENCE_HEADER = 'virtkit-event-sequence';
/** Response header of a failed call: the virtkit error as JSON, for plain HTTP callers. */
export const ERROR_HEADER = 'virtkit-error';
/** The version of this package, sent in Describe. */
export const REMOTE_VERSION = '0.1.0';
