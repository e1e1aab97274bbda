import { compensationContext, type OperationContext } from '../context/operation-context.js';
import type { DriverBase } from '../driver/driver-base.js';
import { driverHostName } from '../driver/lifecycle-events.js';

/** The driver calls the migration helpers make, by name. */
export type MigrationStepName =
  | 'checkCanLiveMigrateDestination'
  | 'checkCanLiveMigrateSource'
  | 'cleanupLiveMigrationDestinationCheck'
  | 'preLiveMigration'
  | 'liveMigration'
  | 'liveMigrationAbort'
  | 'rollbackLiveMigrationAtDestination'
  | 'postLiveMigration'
  | 'postLiveMigrationAtSource'
  | 'postLiveMigrationAtDestination'
  | 'migrateDiskAndPowerOff'
  | 'finishMigration'
  | 'destroy'
  | 'finishRevertMigration'
  | 'confirmMigration';

/**
 * Runs the steps of one migration: main steps throw; cleanup steps (run on
 * failure paths) never hide the error being handled, and remember their own
 * failure; "after" steps (post steps) all run and the first failure is
 * thrown at the end. Internal to the caller helpers.
 */
export function runSteps(onStep: ((step: MigrationStepName) => void) | undefined) {
  let cleanupError: unknown;
  let afterError: unknown;
  const tell = (step: MigrationStepName): void => {
    try {
      onStep?.(step);
    } catch {
      // An observer's failure is not the migration's.
    }
  };
  /** Run a step that must not throw: its failure is handed to `keep`. */
  const settle = async (step: MigrationStepName, call: () => Promise<unknown>, keep: (e: unknown) => void) => {
    tell(step);
    try {
      await call();
    } catch (error) {
      keep(error);
    }
  };
  return {
    async run<T>(step: MigrationStepName, call: () => Promise<T>): Promise<T> {
      tell(step);
      return call();
    },
    cleanup(step: MigrationStepName, call: () => Promise<unknown>): Promise<void> {
      return settle(step, call, (error) => (cleanupError ??= error));
    },
    after(step: MigrationStepName, call: () => Promise<unknown>): Promise<void> {
      return settle(step, call, (error) => (afterError ??= error));
    },
    throwIfCleanupFailed(): void {
      // Rethrown as caught: the caller sees the step's own error (a virtkit error, whatever its class).
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- a caught value is rethrown unchanged
      if (cleanupError !== undefined) throw cleanupError;
    },
    throwIfAfterFailed(): void {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- a caught value is rethrown unchanged
      if (afterError !== undefined) throw afterError;
    },
  };
}

/** The context of a helper's main steps: only the fields the caller set. */
export function callerContext(options: { signal?: AbortSignal; requestId?: string }): OperationContext {
  const ctx: OperationContext = {};
  if (options.signal !== undefined) ctx.signal = options.signal;
  if (options.requestId !== undefined) ctx.requestId = options.requestId;
  return ctx;
}

/**
 * What both migration helpers start from: the two drivers' host names, the context of the main steps, the
 * compensation context of the clean-up steps (not cancelled by the caller's signal) and the step runner.
 */
export function startMigration(
  source: object,
  destination: object,
  options: { signal?: AbortSignal; requestId?: string; onStep?: (step: MigrationStepName) => void },
) {
  const ctx = callerContext(options);
  return {
    sourceHost: driverHostName(source as DriverBase),
    destinationHost: driverHostName(destination as DriverBase),
    ctx,
    comp: compensationContext(ctx),
    steps: runSteps(options.onStep),
  };
}
