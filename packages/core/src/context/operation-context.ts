import type { ProgressReport } from '../model/migration.js';

/**
 * Per-call context. Every driver call takes one as its first argument so that
 * cancellation, deadlines, tracing and progress work the same everywhere.
 */
export interface OperationContext {
  /** Correlates logs and events of one orchestrator request. */
  requestId?: string;
  /** Cancels the call; the driver sees the same signal and should stop its work. */
  signal?: AbortSignal;
  /** Absolute deadline in epoch milliseconds; past it the call fails with `TIMEOUT`. */
  deadline?: number;
  /** Receives progress of long calls (snapshot, migrations), in order and never decreasing. */
  onProgress?: (progress: ProgressReport) => void;
}

/** A context with nothing set, for callers that need none. */
export const EMPTY_CONTEXT: OperationContext = Object.freeze({});

/**
 * The context for compensating steps (cleanup after a failed spawn, rollback
 * of a failed migration): the caller's request id, but not its signal or
 * deadline, since the failure being compensated may be that very abort.
 */
export function compensationContext(ctx: OperationContext): OperationContext {
  return ctx.requestId === undefined ? {} : { requestId: ctx.requestId };
}
