import type { OperationContext } from '../../context/operation-context.js';
import { MigrationError } from '../../errors/errors.js';
import { isVirtkitError } from '../../errors/virtkit-error.js';
import type { ProgressReport } from '../../model/migration.js';
import type { DriverLogger } from '../../driver/host-api.js';

// Internal helpers of the migration mixins; never re-exported.

/** Keep virtkit errors (ABORTED, TIMEOUT, INVALID_STATE, ...); anything foreign becomes `MIGRATION_FAILED`. */
export function asMigrationError(error: unknown, op: string): Error {
  if (isVirtkitError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MigrationError(`${op} failed: ${message}`, { cause: error });
}

/**
 * A progress sink that never goes backwards, never passes 100, goes quiet once closed and survives a throwing listener.
 */
export interface ProgressGate {
  /** The context to hand to the hook: the same, with the gated `onProgress`. */
  readonly ctx: OperationContext;
  report(progress: ProgressReport): void;
  /** Report a last value, if given, and ignore everything after it. */
  close(progress?: ProgressReport): void;
}

/** Wrap `ctx.onProgress` in a {@link ProgressGate}. */
export function gateProgress(ctx: OperationContext, driver: { readonly logger: DriverLogger }): ProgressGate {
  const sink = ctx.onProgress;
  let last = 0;
  let closed = false;
  const report = (progress: ProgressReport): void => {
    if (!sink || closed || !Number.isFinite(progress.percent)) return;
    last = Math.min(100, Math.max(last, progress.percent));
    try {
      sink({ ...progress, percent: last });
    } catch (error) {
      // A listener failure must not fail (or half-fail) a migration that is going well.
      driver.logger.warn('progress listener threw', { error: String(error) });
    }
  };
  return {
    ctx: sink ? { ...ctx, onProgress: report } : ctx,
    report,
    close(progress) {
      if (progress) report(progress);
      closed = true;
    },
  };
}
